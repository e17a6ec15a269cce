import {
  DNS_1035_LABEL,
  DNS_LABEL,
  DNS_NAME,
  Format,
  IMAGE_DIGEST,
  imageTagProblem,
  LABEL_VALUE,
  QUALIFIED_NAME,
  VersionScheme,
} from '../core/formats';
import { PREVIEW_LABEL } from '../core/labels';
import { parseQuantity } from '../core/quantity';
import { RuleId } from '../core/waivers';
import { fieldPath, Manifest, ManifestSet } from './finding';
import { ANNOTATIONS_LIMIT, findRule, OBJECT_LIMIT } from './rules';
import { splitApiVersion } from './schemas';
import {
  asArray,
  at,
  containersOf,
  CUSTOM_RESOURCE_IMAGES,
  isMap,
  mapSelectorMatches,
  parseImage,
  PodTemplate,
  podTemplatesOf,
  selectorMatches,
  stringMap,
} from './workloads';

/** A finding of a policy rule before it is named and waived: the object is its index in the set. */
export interface RawFinding {
  readonly index: number;
  readonly rule: RuleId;
  readonly message: string;
  readonly value?: unknown;
  readonly fix: string;
}

/** What a rule sees: one environment's objects, with the pod templates already read out. */
export class RuleContext {
  /** Every pod template of the set, in object order. */
  public readonly templates: PodTemplate[];
  private readonly sizes = new Map<number, number>();

  /**
   * @param criticalEnvironments the names of the critical environments checked in the same run, for objects that
   * deliver another environment (an Argo CD Application labelled `eaf.io/environment`)
   */
  constructor(
    public readonly set: ManifestSet,
    public readonly criticalEnvironments: ReadonlySet<string> = new Set(),
  ) {
    this.templates = set.objects.flatMap((object, index) => {
      try {
        return podTemplatesOf(object, index);
      } catch {
        return []; // an object that cannot be read: its schema finding says so
      }
    });
  }

  /** The size of each object as JSON, in bytes (what the API server limits), by index: measured once. */
  public jsonBytes(index: number): number {
    let size = this.sizes.get(index);
    if (size === undefined) {
      size = Buffer.byteLength(JSON.stringify(this.set.objects[index]));
      this.sizes.set(index, size);
    }
    return size;
  }

  /** The objects of a group (`''` for core) and kind, with their index. */
  public objectsOf(group: string, kind: string): Array<{ object: Manifest; index: number; namespace: string }> {
    return this.set.objects.flatMap((object, index) => {
      if (!isMap(object) || typeof object.apiVersion !== 'string' || object.kind !== kind || splitApiVersion(object.apiVersion).group !== group)
        return [];
      return [{ object, index, namespace: typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : '' }];
    });
  }
}

/** One policy rule's check over a whole environment. */
export type RuleCheck = (ctx: RuleContext) => RawFinding[];

// ---- pss-restricted ---------------------------------------------------------------------------------

/** Volume types the restricted Pod Security Standard allows. */
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
/** Sysctls the baseline Pod Security Standard allows (Kubernetes 1.28). */
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
];
const SECCOMP_ALLOWED = ['RuntimeDefault', 'Localhost'];
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const pssRestricted: RuleCheck = (ctx) =>
  ctx.templates.flatMap((pod) => {
    const out: RawFinding[] = [];
    const add = (path: Array<string | number>, problem: string, value: unknown, fix: string) =>
      out.push({ index: pod.index, rule: 'pss-restricted', message: `${fieldPath(path)}: ${problem}`, value, fix });
    const spec = pod.spec;
    const P = pod.specPath;
    const podSc = isMap(spec.securityContext) ? spec.securityContext : {};
    const podScPath = [...P, 'securityContext'];

    for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (spec[field] === true)
        add([...P, field], "must be false or unset: pods must not share the node's namespaces", true, `remove ${fieldPath([...P, field])}`);
    }
    asArray(spec.volumes).forEach((volume, i) => {
      const type = isMap(volume) ? Object.keys(volume).find((k) => k !== 'name') : undefined;
      if (type !== undefined && !RESTRICTED_VOLUMES.includes(type)) {
        add(
          [...P, 'volumes', i, type],
          `volume type ${type} is not allowed by the restricted Pod Security Standard`,
          volume.name,
          `use one of ${RESTRICTED_VOLUMES.join(', ')}`,
        );
      }
    });
    asArray(podSc.sysctls).forEach((sysctl, i) => {
      if (!SAFE_SYSCTLS.includes(sysctl?.name))
        add([...podScPath, 'sysctls', i, 'name'], 'is not a safe sysctl', sysctl?.name, `remove it; allowed are ${SAFE_SYSCTLS.join(', ')}`);
    });
    for (const [key, value] of Object.entries(pod.annotations)) {
      if (key.startsWith(APPARMOR_PREFIX) && value !== 'runtime/default' && !value.startsWith('localhost/')) {
        add(
          [...pod.metadataPath, 'annotations', key],
          'must be runtime/default or localhost/<profile>',
          value,
          'use the runtime/default AppArmor profile',
        );
      }
    }
    checkCommonSecurityContext(podSc, podScPath, add);
    if (podSc.runAsNonRoot === false)
      add([...podScPath, 'runAsNonRoot'], 'must not be false', false, `set ${fieldPath([...podScPath, 'runAsNonRoot'])} to true`);
    const podSeccomp = podSc.seccompProfile?.type;
    if (podSeccomp !== undefined && !SECCOMP_ALLOWED.includes(podSeccomp)) {
      add(
        [...podScPath, 'seccompProfile', 'type'],
        'must be RuntimeDefault or Localhost',
        podSeccomp,
        `set ${fieldPath([...podScPath, 'seccompProfile', 'type'])} to RuntimeDefault`,
      );
    }

    for (const { container, path } of containersOf(pod)) {
      const sc = isMap(container.securityContext) ? container.securityContext : {};
      const cp = [...path, 'securityContext'];
      if (sc.privileged === true) add([...cp, 'privileged'], 'must be false or unset', true, `remove ${fieldPath([...cp, 'privileged'])}`);
      if (sc.allowPrivilegeEscalation !== false) {
        add(
          [...cp, 'allowPrivilegeEscalation'],
          'must be false',
          sc.allowPrivilegeEscalation,
          `set ${fieldPath([...cp, 'allowPrivilegeEscalation'])} to false`,
        );
      }
      const drop = asArray(sc.capabilities?.drop);
      if (!drop.includes('ALL'))
        add([...cp, 'capabilities', 'drop'], 'must include ALL', sc.capabilities?.drop, `set ${fieldPath([...cp, 'capabilities', 'drop'])} to [ALL]`);
      const added = asArray(sc.capabilities?.add);
      if (added.some((c) => c !== 'NET_BIND_SERVICE')) {
        add(
          [...cp, 'capabilities', 'add'],
          'may add only NET_BIND_SERVICE',
          added,
          `remove every capability but NET_BIND_SERVICE from ${fieldPath([...cp, 'capabilities', 'add'])}`,
        );
      }
      if (sc.runAsNonRoot === false) {
        add([...cp, 'runAsNonRoot'], 'must not be false', false, `set ${fieldPath([...cp, 'runAsNonRoot'])} to true`);
      } else if (sc.runAsNonRoot !== true && podSc.runAsNonRoot !== true) {
        add(
          [...cp, 'runAsNonRoot'],
          `must be true (here or in ${fieldPath(podScPath)})`,
          sc.runAsNonRoot,
          `set ${fieldPath([...podScPath, 'runAsNonRoot'])} to true`,
        );
      }
      const seccomp = sc.seccompProfile?.type;
      if (seccomp !== undefined ? !SECCOMP_ALLOWED.includes(seccomp) : !SECCOMP_ALLOWED.includes(podSeccomp)) {
        add(
          [...cp, 'seccompProfile', 'type'],
          `must be RuntimeDefault or Localhost (here or in ${fieldPath(podScPath)})`,
          seccomp,
          `set ${fieldPath([...cp, 'seccompProfile', 'type'])} to RuntimeDefault`,
        );
      }
      if (sc.procMount !== undefined && sc.procMount !== 'Default')
        add([...cp, 'procMount'], 'must be Default or unset', sc.procMount, `remove ${fieldPath([...cp, 'procMount'])}`);
      checkCommonSecurityContext(sc, cp, add);
      asArray(container.ports).forEach((port, j) => {
        if (port?.hostPort !== undefined && port.hostPort !== 0) {
          add(
            [...path, 'ports', j, 'hostPort'],
            'must be unset or 0: pods must not bind node ports',
            port.hostPort,
            `remove ${fieldPath([...path, 'ports', j, 'hostPort'])}; expose the pod through a Service`,
          );
        }
      });
    }
    return out;
  });

/** Checks that pod and container security contexts share: root UID, Windows host process, SELinux. */
function checkCommonSecurityContext(
  sc: Record<string, any>,
  path: Array<string | number>,
  add: (path: Array<string | number>, problem: string, value: unknown, fix: string) => void,
): void {
  if (sc.runAsUser === 0) add([...path, 'runAsUser'], 'must not be 0 (root)', 0, `remove ${fieldPath([...path, 'runAsUser'])}`);
  if (sc.windowsOptions?.hostProcess === true)
    add(
      [...path, 'windowsOptions', 'hostProcess'],
      'must be false or unset',
      true,
      `remove ${fieldPath([...path, 'windowsOptions', 'hostProcess'])}`,
    );
  const selinux = isMap(sc.seLinuxOptions) ? sc.seLinuxOptions : {};
  if (selinux.type !== undefined && !SELINUX_TYPES.includes(selinux.type)) {
    add(
      [...path, 'seLinuxOptions', 'type'],
      'must be container_t, container_init_t or container_kvm_t',
      selinux.type,
      `remove ${fieldPath([...path, 'seLinuxOptions', 'type'])}`,
    );
  }
  for (const field of ['user', 'role']) {
    if (selinux[field] !== undefined && selinux[field] !== '')
      add([...path, 'seLinuxOptions', field], 'must be unset', selinux[field], `remove ${fieldPath([...path, 'seLinuxOptions', field])}`);
  }
}

// ---- openshift-restricted-v2 --------------------------------------------------------------------------

const openshiftRestrictedV2: RuleCheck = (ctx) =>
  ctx.templates.flatMap((pod) => {
    const out: RawFinding[] = [];
    const check = (sc: unknown, path: Array<string | number>, fields: string[]) => {
      if (!isMap(sc)) return;
      for (const field of fields) {
        const value = sc[field];
        if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
        out.push({
          index: pod.index,
          rule: 'openshift-restricted-v2',
          message: `${fieldPath([...path, field])}: must not be set: OpenShift's restricted-v2 SCC assigns it from the namespace's range`,
          value,
          fix: `remove ${fieldPath([...path, field])}; the image must run as an arbitrary non-root UID in group 0`,
        });
      }
    };
    check(pod.spec.securityContext, [...pod.specPath, 'securityContext'], ['runAsUser', 'runAsGroup', 'fsGroup', 'supplementalGroups']);
    for (const { container, path } of containersOf(pod)) check(container.securityContext, [...path, 'securityContext'], ['runAsUser', 'runAsGroup']);
    return out;
  });

// ---- resources-required ---------------------------------------------------------------------------------

const resourcesRequired: RuleCheck = (ctx) =>
  ctx.templates.flatMap((pod) =>
    containersOf(pod)
      .filter((c) => c.list !== 'ephemeralContainers')
      .flatMap(({ container, path }) => {
        const out: RawFinding[] = [];
        const resources = isMap(container.resources) ? container.resources : {};
        for (const resource of ['cpu', 'memory']) {
          for (const kind of ['requests', 'limits']) {
            if (resources[kind]?.[resource] === undefined) {
              const field = fieldPath([...path, 'resources', kind, resource]);
              out.push({
                index: pod.index,
                rule: 'resources-required',
                message: `${field}: is required`,
                value: undefined,
                fix: `set ${field}, e.g. ${resource === 'cpu' ? '250m' : '512Mi'}`,
              });
            }
          }
          const request = resources.requests?.[resource];
          const limit = resources.limits?.[resource];
          if (request === undefined || limit === undefined) continue;
          const requested = parseQuantity(String(request));
          const limited = parseQuantity(String(limit));
          if (requested !== undefined && limited !== undefined && limited < requested) {
            const field = fieldPath([...path, 'resources', 'limits', resource]);
            out.push({
              index: pod.index,
              rule: 'resources-required',
              message: `${field}: must be at least the request ${request}`,
              value: limit,
              fix: `raise the ${resource} limit to ${request} or more, or lower the request`,
            });
          }
        }
        return out;
      }),
  );

// ---- probes-required --------------------------------------------------------------------------------------

const probesRequired: RuleCheck = (ctx) =>
  ctx.templates
    .filter((pod) => pod.longRunning)
    .flatMap((pod) =>
      containersOf(pod)
        .filter((c) => c.list === 'containers')
        .flatMap(({ container, path }) =>
          ['livenessProbe', 'readinessProbe']
            .filter((probe) => container[probe] === undefined)
            .map((probe) => ({
              index: pod.index,
              rule: 'probes-required' as const,
              message: `${fieldPath([...path, probe])}: is required for a long-running container`,
              value: undefined,
              fix: `add ${fieldPath([...path, probe])} (httpGet, tcpSocket, grpc or exec)`,
            })),
        ),
    );

// ---- images -----------------------------------------------------------------------------------------------

/** Every image of the set: containers of pod templates, and the images of operator-managed custom resources. */
function imagesOf(ctx: RuleContext): Array<{ index: number; path: Array<string | number>; image: unknown; scheme: VersionScheme }> {
  const fromPods = ctx.templates.flatMap((pod) =>
    containersOf(pod).map(({ container, path }) => ({
      index: pod.index,
      path: [...path, 'image'],
      image: container.image,
      scheme: 'semver' as const,
    })),
  );
  const fromCustomResources = Object.entries(CUSTOM_RESOURCE_IMAGES).flatMap(([groupKind, places]) => {
    const [group, kind] = groupKind.split('/');
    return ctx
      .objectsOf(group, kind)
      .flatMap(({ object, index }) =>
        places.filter(({ path }) => at(object, path) !== undefined).map(({ path, scheme }) => ({ index, path, image: at(object, path), scheme })),
      );
  });
  return [...fromPods, ...fromCustomResources].sort((a, b) => a.index - b.index);
}

const imageTagPinned: RuleCheck = (ctx) =>
  imagesOf(ctx).flatMap(({ index, path, image, scheme }): RawFinding[] => {
    if (typeof image !== 'string') return [];
    const field = fieldPath(path);
    const { repository, tag, digest } = parseImage(image);
    const finding = (problem: string, fix: string): RawFinding[] => [
      { index, rule: 'image-tag-pinned', message: `${field}: ${problem}`, value: image, fix },
    ];
    if (digest !== undefined) return IMAGE_DIGEST.test(digest) ? [] : finding('has a malformed digest', IMAGE_DIGEST.fix);
    if (tag === undefined)
      return finding('has no tag, so it runs whatever latest is', `pin it, e.g. ${repository}:<version> or ${repository}@sha256:<digest>`);
    const problem = imageTagProblem(tag, { critical: ctx.set.critical, scheme });
    return problem === undefined ? [] : finding(`tag ${problem.problem}`, problem.fix);
  });

const imageRegistryAllowed: RuleCheck = (ctx) => {
  const allowed = ctx.set.allowedRegistries;
  if (allowed === undefined) return [];
  return imagesOf(ctx)
    .filter(({ image }) => typeof image === 'string' && !allowed.some((prefix) => image.startsWith(prefix)))
    .map(({ index, path, image }) => ({
      index,
      rule: 'image-registry-allowed' as const,
      message: `${fieldPath(path)}: is not from a registry allowed in ${ctx.set.environment}`,
      value: image,
      fix:
        allowed.length > 0
          ? `use an image under ${allowed.join(' or ')} (mirror it there first)`
          : `${ctx.set.environment} allows no registry; list one in its allowed registries`,
    }));
};

// ---- production-replicas ----------------------------------------------------------------------------------

const productionReplicas: RuleCheck = (ctx) => {
  if (!ctx.set.critical) return [];
  const autoscalers = ctx.objectsOf('autoscaling', 'HorizontalPodAutoscaler');
  const budgets = ctx.objectsOf('policy', 'PodDisruptionBudget');
  const services = ctx.objectsOf('', 'Service');
  const workloads = [...['Deployment', 'StatefulSet'].flatMap((kind) => ctx.objectsOf('apps', kind)), ...ctx.objectsOf('argoproj.io', 'Rollout')];
  return workloads
    .sort((a, b) => a.index - b.index)
    .flatMap(({ object, index, namespace }) => {
      const out: RawFinding[] = [];
      const name = object.metadata?.name;
      const labels = ctx.templates.find((t) => t.index === index)?.labels ?? {};
      const replicas = object.spec?.replicas;
      // The idle colour of a blue-green release: scaled to 0 and selected by a Service that says it is a preview.
      const isIdleColour =
        replicas === 0 &&
        services.some(
          (s) =>
            s.namespace === namespace &&
            s.object.metadata?.labels?.[PREVIEW_LABEL] === 'true' &&
            isMap(s.object.spec?.selector) &&
            Object.keys(s.object.spec.selector).length > 0 &&
            mapSelectorMatches(stringMap(s.object.spec.selector), labels),
        );
      if (isIdleColour) return [];
      const hpa = autoscalers.find(
        (h) => h.namespace === namespace && h.object.spec?.scaleTargetRef?.kind === object.kind && h.object.spec?.scaleTargetRef?.name === name,
      );
      if (hpa !== undefined) {
        const min = hpa.object.spec?.minReplicas ?? 1;
        if (typeof min !== 'number' || min < 2) {
          const hpaName = hpa.object.metadata?.name;
          out.push({
            index,
            rule: 'production-replicas',
            message: `spec.replicas: is owned by HorizontalPodAutoscaler ${hpaName}, whose spec.minReplicas must be at least 2 in a critical environment`,
            value: min,
            fix: `raise spec.minReplicas of HorizontalPodAutoscaler ${hpaName} to 2 or more`,
          });
        }
      } else if (typeof replicas !== 'number' || replicas < 2) {
        out.push({
          index,
          rule: 'production-replicas',
          message: `spec.replicas: must be at least 2 in a critical environment${replicas === undefined ? ' (unset means 1)' : ''}`,
          value: replicas,
          fix: 'set spec.replicas to 2 or more, or scale it with a HorizontalPodAutoscaler whose minReplicas is at least 2',
        });
      }
      const hasBudget = budgets.some(
        (b) => b.namespace === namespace && isMap(b.object.spec?.selector) && selectorMatches(b.object.spec.selector, labels),
      );
      if (!hasBudget) {
        out.push({
          index,
          rule: 'production-replicas',
          message: 'spec.template.metadata.labels: no PodDisruptionBudget selects these pods, so a node drain may stop them all',
          value: labels,
          fix: `add a PodDisruptionBudget (policy/v1) in ${namespace || 'the namespace'} whose selector matches these labels`,
        });
      }
      return out;
    });
};

// ---- network-policy-coverage --------------------------------------------------------------------------------

const networkPolicyCoverage: RuleCheck = (ctx) => {
  const policies = ctx.objectsOf('networking.k8s.io', 'NetworkPolicy');
  return ctx.templates
    .filter(
      (pod) =>
        !policies.some(
          (p) => p.namespace === pod.namespace && isMap(p.object.spec?.podSelector) && selectorMatches(p.object.spec.podSelector, pod.labels),
        ),
    )
    .map((pod) => ({
      index: pod.index,
      rule: 'network-policy-coverage' as const,
      message: `${fieldPath([...pod.metadataPath, 'labels'])}: no NetworkPolicy of namespace ${pod.namespace || '(none)'} selects these pods`,
      value: pod.labels,
      fix: `add a NetworkPolicy in ${pod.namespace || 'the namespace'} whose podSelector matches these labels`,
    }));
};

// ---- no-secret-data -------------------------------------------------------------------------------------------

const noSecretData: RuleCheck = (ctx) =>
  ctx.objectsOf('', 'Secret').flatMap(({ object, index }) =>
    ['data', 'stringData']
      .filter((field) => isMap(object[field]) && Object.keys(object[field]).length > 0)
      .map((field) => ({
        index,
        rule: 'no-secret-data' as const,
        message: `${field}: holds secret values, which must never be in git (keys shown, values never)`,
        value: Object.keys(object[field]),
        fix: `remove ${field}; let the cluster provide the Secret (Sealed Secrets, External Secrets) and reference it by name`,
      })),
  );

// ---- service-selects-pods ------------------------------------------------------------------------------------

const serviceSelectsPods: RuleCheck = (ctx) =>
  ctx.objectsOf('', 'Service').flatMap(({ object, index, namespace }): RawFinding[] => {
    const selector = stringMap(object.spec?.selector);
    if (Object.keys(selector).length === 0 || object.spec?.type === 'ExternalName') return [];
    const pods = ctx.templates.filter((pod) => pod.namespace === namespace && mapSelectorMatches(selector, pod.labels));
    if (pods.length === 0) {
      return [
        {
          index,
          rule: 'service-selects-pods',
          message: `spec.selector: selects no pods of any workload in namespace ${namespace || '(none)'}`,
          value: selector,
          fix: 'make spec.selector a subset of the pod template labels of the workload it fronts',
        },
      ];
    }
    const declared = pods.flatMap((pod) =>
      containersOf(pod)
        .filter((c) => c.list === 'containers')
        .flatMap((c) => asArray(c.container.ports)),
    );
    return asArray(object.spec?.ports).flatMap((port, i): RawFinding[] => {
      const target = port?.targetPort ?? port?.port;
      const found = typeof target === 'number' ? declared.some((p) => p?.containerPort === target) : declared.some((p) => p?.name === target);
      if (found || target === undefined) return [];
      const field = port?.targetPort === undefined ? `spec.ports[${i}].port` : `spec.ports[${i}].targetPort`;
      const choices = declared.map((p) => (p?.name ? `${p.name} (${p.containerPort})` : String(p?.containerPort))).join(', ') || 'none';
      return [
        {
          index,
          rule: 'service-selects-pods',
          message: `${field}: no container of the selected pods declares this port`,
          value: target,
          fix: `point it at a declared container port: ${choices}`,
        },
      ];
    });
  });

// ---- dns-hostname and tls-required ------------------------------------------------------------------------------

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Whether `host` is a valid DNS name for an Ingress (`wildcard`: may start with `*.`) or a Route. */
export function isHostname(host: string, wildcard: boolean): boolean {
  const name = wildcard && host.startsWith('*.') ? host.slice(2) : host;
  return DNS_NAME.test(name) && !IPV4.test(name);
}

const HOSTNAME_FIX = 'use lower-case labels of letters, digits and hyphens, at most 63 characters each, e.g. app.example.com';

const dnsHostname: RuleCheck = (ctx) => {
  const out: RawFinding[] = [];
  const check = (index: number, path: Array<string | number>, host: unknown, wildcard: boolean) => {
    if (typeof host === 'string' && !isHostname(host, wildcard)) {
      out.push({ index, rule: 'dns-hostname', message: `${fieldPath(path)}: is not a valid DNS name`, value: host, fix: HOSTNAME_FIX });
    }
  };
  const objects = [...ctx.objectsOf('networking.k8s.io', 'Ingress'), ...ctx.objectsOf('route.openshift.io', 'Route')].sort(
    (a, b) => a.index - b.index,
  );
  for (const { object, index } of objects) {
    if (object.kind === 'Route') {
      check(index, ['spec', 'host'], object.spec?.host, false);
      continue;
    }
    asArray(object.spec?.rules).forEach((rule, i) => check(index, ['spec', 'rules', i, 'host'], rule?.host, true));
    asArray(object.spec?.tls).forEach((tls, i) => asArray(tls?.hosts).forEach((host, j) => check(index, ['spec', 'tls', i, 'hosts', j], host, true)));
  }
  return out;
};

function tlsCovers(tlsHost: unknown, host: string): boolean {
  if (typeof tlsHost !== 'string') return false;
  if (tlsHost === host) return true;
  return tlsHost.startsWith('*.') && host.endsWith(tlsHost.slice(1)) && host.split('.').length === tlsHost.split('.').length;
}

const tlsRequired: RuleCheck = (ctx) => {
  const ingresses = ctx.objectsOf('networking.k8s.io', 'Ingress').flatMap(({ object, index }): RawFinding[] => {
    const tls = asArray(object.spec?.tls);
    const hosts = asArray(object.spec?.rules).map((r) => r?.host);
    if (tls.length === 0) {
      return [
        {
          index,
          rule: 'tls-required',
          message: 'spec.tls: is required: without it the Ingress serves plain HTTP',
          value: undefined,
          fix: `add spec.tls with a secretName and the hosts ${hosts.filter((h) => typeof h === 'string').join(', ') || 'of the rules'} (cert-manager issues the certificate)`,
        },
      ];
    }
    return hosts.flatMap((host, i): RawFinding[] =>
      typeof host !== 'string' || tls.some((t) => asArray(t?.hosts).some((h) => tlsCovers(h, host)))
        ? []
        : [
            {
              index,
              rule: 'tls-required',
              message: `spec.rules[${i}].host: is not covered by any spec.tls[].hosts`,
              value: host,
              fix: `add ${host} to the hosts of a spec.tls entry`,
            },
          ],
    );
  });
  const routes = ctx.objectsOf('route.openshift.io', 'Route').flatMap(({ object, index }): RawFinding[] => {
    const tls = object.spec?.tls;
    if (!isMap(tls)) {
      return [
        {
          index,
          rule: 'tls-required',
          message: 'spec.tls: is required: without it the Route serves plain HTTP',
          value: tls,
          fix: 'set spec.tls.termination to edge, reencrypt or passthrough and spec.tls.insecureEdgeTerminationPolicy to Redirect',
        },
      ];
    }
    const out: RawFinding[] = [];
    if (tls.termination === undefined)
      out.push({
        index,
        rule: 'tls-required',
        message: 'spec.tls.termination: is required',
        value: undefined,
        fix: 'set spec.tls.termination to edge, reencrypt or passthrough',
      });
    if (tls.insecureEdgeTerminationPolicy === 'Allow') {
      out.push({
        index,
        rule: 'tls-required',
        message: 'spec.tls.insecureEdgeTerminationPolicy: must be Redirect or None, not Allow (Allow serves plain HTTP too)',
        value: 'Allow',
        fix: 'set spec.tls.insecureEdgeTerminationPolicy to Redirect',
      });
    }
    return out;
  });
  return [...ingresses, ...routes];
};

// ---- critical-sync-approval ---------------------------------------------------------------------------

const criticalSyncApproval: RuleCheck = (ctx) =>
  ctx.objectsOf('argoproj.io', 'Application').flatMap(({ object, index }): RawFinding[] => {
    const environment = stringMap(object.metadata?.labels)['eaf.io/environment'];
    const critical = ctx.set.critical || (environment !== undefined && ctx.criticalEnvironments.has(environment));
    const automated = object.spec?.syncPolicy?.automated;
    if (!critical || automated === undefined || automated === null || automated.enabled === false) return [];
    return [
      {
        index,
        rule: 'critical-sync-approval',
        message: `spec.syncPolicy.automated: is set for ${environment === undefined ? 'a critical folder' : `the critical environment ${environment}`}: every commit would reach real data without approval`,
        value: automated,
        fix: findRule('critical-sync-approval')!.fix,
      },
    ];
  });

// ---- rollout-analysis-required ----------------------------------------------------------------------

const rolloutAnalysisRequired: RuleCheck = (ctx) => {
  if (!ctx.set.critical) return [];
  const templates = ctx.objectsOf('argoproj.io', 'AnalysisTemplate');
  return ctx.objectsOf('argoproj.io', 'Rollout').flatMap(({ object, index, namespace }): RawFinding[] => {
    const finding = (path: Array<string | number>, message: string, value: unknown): RawFinding[] => [
      {
        index,
        rule: 'rollout-analysis-required',
        message: `${fieldPath(path)}: ${message}`,
        value,
        fix: findRule('rollout-analysis-required')!.fix,
      },
    ];
    // Each analysis (with its path) of the strategy: blue-green before or after the promotion, canary steps and background.
    const strategy = object.spec?.strategy;
    const analyses: Array<[Array<string | number>, any]> = isMap(strategy?.blueGreen)
      ? ['prePromotionAnalysis', 'postPromotionAnalysis'].map((key): [Array<string | number>, any] => [
          ['spec', 'strategy', 'blueGreen', key],
          strategy.blueGreen[key],
        ])
      : isMap(strategy?.canary)
        ? [
            [['spec', 'strategy', 'canary', 'analysis'], strategy.canary.analysis],
            ...asArray(strategy.canary.steps).map((step, i): [Array<string | number>, any] => [
              ['spec', 'strategy', 'canary', 'steps', i, 'analysis'],
              step?.analysis,
            ]),
          ]
        : [];
    const used = analyses.filter(([, analysis]) => isMap(analysis) && asArray(analysis.templates).length > 0);
    if (used.length === 0) {
      const where = isMap(strategy?.blueGreen)
        ? ['spec', 'strategy', 'blueGreen', 'prePromotionAnalysis']
        : isMap(strategy?.canary)
          ? ['spec', 'strategy', 'canary', 'steps']
          : ['spec', 'strategy'];
      return finding(where, 'is missing: in a critical environment the new pods must pass an analysis, whose failure aborts the release', undefined);
    }
    return used.flatMap(([path, analysis]) =>
      asArray(analysis.templates).flatMap((ref, j): RawFinding[] => {
        const name = ref?.templateName;
        if (
          ref?.clusterScope === true ||
          typeof name !== 'string' ||
          templates.some((t) => t.namespace === namespace && t.object.metadata?.name === name)
        )
          return [];
        return finding([...path, 'templates', j, 'templateName'], `names no AnalysisTemplate of namespace ${namespace || '(none)'}`, name);
      }),
    );
  });
};

// ---- api-server-limits, apply-size -----------------------------------------------------------------

/** Kinds whose names the API server checks as DNS labels rather than subdomains (RFC 1035 for Services). */
const LABEL_NAMED: Record<string, Format> = { Namespace: DNS_LABEL, Service: DNS_1035_LABEL };

const apiServerLimits: RuleCheck = (ctx) =>
  ctx.set.objects.flatMap((object, index): RawFinding[] => {
    if (!isMap(object) || !isMap(object.metadata)) return [];
    const out: RawFinding[] = [];
    const add = (path: Array<string | number>, problem: string, value: unknown, fix: string) =>
      out.push({ index, rule: 'api-server-limits', message: `${fieldPath(path)}: ${problem}`, value, fix });
    const metadata = object.metadata;
    const nameFormat = (object.apiVersion === 'v1' && LABEL_NAMED[object.kind]) || DNS_NAME;
    if (typeof metadata.name === 'string' && !nameFormat.test(metadata.name))
      add(['metadata', 'name'], `is not a valid ${object.kind} name`, metadata.name, nameFormat.fix);
    for (const [key, value] of Object.entries(stringMap(metadata.labels))) {
      if (!QUALIFIED_NAME.test(key)) add(['metadata', 'labels', key], 'is not a valid label key', key, QUALIFIED_NAME.fix);
      if (!LABEL_VALUE.test(value)) add(['metadata', 'labels', key], 'is not a valid label value', value, LABEL_VALUE.fix);
    }
    const annotations = stringMap(metadata.annotations);
    for (const key of Object.keys(annotations)) {
      if (!QUALIFIED_NAME.test(key)) add(['metadata', 'annotations', key], 'is not a valid annotation key', key, QUALIFIED_NAME.fix);
    }
    const annotationBytes = Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    if (annotationBytes > ANNOTATIONS_LIMIT)
      add(
        ['metadata', 'annotations'],
        `are ${annotationBytes} bytes together, above the API server's ${ANNOTATIONS_LIMIT}`,
        undefined,
        'move large values out of annotations',
      );
    const size = ctx.jsonBytes(index);
    if (size > OBJECT_LIMIT) add([], `is ${size} bytes as JSON, above ${OBJECT_LIMIT}`, undefined, 'split it into smaller objects');
    return out;
  });

const applySize: RuleCheck = (ctx) =>
  ctx.set.objects.flatMap((_object, index): RawFinding[] => {
    const size = ctx.jsonBytes(index);
    if (size <= ANNOTATIONS_LIMIT || size > OBJECT_LIMIT) return [];
    return [
      {
        index,
        rule: 'apply-size',
        message: `(object): is ${size} bytes as JSON; client-side apply stores it in an annotation limited to ${ANNOTATIONS_LIMIT} bytes`,
        value: undefined,
        fix: findRule('apply-size')!.fix,
      },
    ];
  });

/** The checks of the policy rules (the schema and waiver rules are applied by the validator itself). */
export const RULE_CHECKS: ReadonlyArray<[RuleId, RuleCheck]> = [
  ['pss-restricted', pssRestricted],
  ['openshift-restricted-v2', openshiftRestrictedV2],
  ['resources-required', resourcesRequired],
  ['probes-required', probesRequired],
  ['image-tag-pinned', imageTagPinned],
  ['image-registry-allowed', imageRegistryAllowed],
  ['production-replicas', productionReplicas],
  ['network-policy-coverage', networkPolicyCoverage],
  ['no-secret-data', noSecretData],
  ['service-selects-pods', serviceSelectsPods],
  ['dns-hostname', dnsHostname],
  ['tls-required', tlsRequired],
  ['api-server-limits', apiServerLimits],
  ['apply-size', applySize],
  ['critical-sync-approval', criticalSyncApproval],
  ['rollout-analysis-required', rolloutAnalysisRequired],
];
