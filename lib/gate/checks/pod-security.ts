// The pod-security rules: the restricted Pod Security Standard and OpenShift's restricted-v2 SCC.
import { fieldPath, Yaml } from '../finding';
import { RawFinding, RuleCheck } from '../rule-context';
import { asArray, ContainerRef, containersOf, isMap, PodTemplate } from '../workloads';

/** Volume types the restricted Pod Security Standard allows (the admission policies use the same lists). */
export const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
/** Sysctls the baseline Pod Security Standard allows (Kubernetes 1.28). */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
];
export const SECCOMP_ALLOWED = ['RuntimeDefault', 'Localhost'];
export const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** Records a finding of a pod template at a path. */
type Add = (path: Array<string | number>, problem: string, value: unknown, fix: string) => void;
/** The pod's security context, and its path. */
type PodContext = { readonly sc: Record<string, Yaml>; readonly path: Array<string | number> };

export const pssRestricted: RuleCheck = (ctx) =>
  ctx.templates.flatMap((pod) => {
    const out: RawFinding[] = [];
    const add: Add = (path, problem, value, fix) =>
      out.push({ index: pod.index, rule: 'pss-restricted', message: `${fieldPath(path)}: ${problem}`, value, fix });
    const podContext = checkPod(pod, add);
    for (const container of containersOf(pod)) {
      checkContainerPrivileges(container, add);
      checkContainerIdentity(container, podContext, add);
      checkHostPorts(container, add);
    }
    return out;
  });

/** The pod-level fields of the restricted standard: host namespaces, volumes, sysctls, AppArmor, the pod's context. */
function checkPod(pod: PodTemplate, add: Add): PodContext {
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
  return { sc: podSc, path: podScPath };
}

/** A container's privileges: privileged, escalation, capabilities. */
function checkContainerPrivileges({ container, path }: ContainerRef, add: Add): void {
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
}

/** A container's identity: non-root, seccomp, procMount, and what pod and container contexts share. */
function checkContainerIdentity({ container, path }: ContainerRef, pod: PodContext, add: Add): void {
  const sc = isMap(container.securityContext) ? container.securityContext : {};
  const cp = [...path, 'securityContext'];
  const podSc = pod.sc;
  const podScPath = pod.path;
  const podSeccomp = podSc.seccompProfile?.type;
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
}

/** A container must not bind node ports. */
function checkHostPorts({ container, path }: ContainerRef, add: Add): void {
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

/** Checks that pod and container security contexts share: root UID, Windows host process, SELinux. */
function checkCommonSecurityContext(
  sc: Record<string, Yaml>,
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

export const openshiftRestrictedV2: RuleCheck = (ctx) =>
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
