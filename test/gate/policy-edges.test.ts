import { Manifest } from '../../lib/gate';
import { container, deployment, findingsOf, NS, workload } from './fixtures';

/** The edges of each policy rule: what just passes, what just fails, and what a rule leaves to another. */

const D = 'production: Deployment/shop-production/api';
const P = 'spec.template.spec';
const C = `${P}.containers[0]`;
const REPLICAS_FIX = 'fix: set spec.replicas to 2 or more, or scale it with a HorizontalPodAutoscaler whose minReplicas is at least 2';

describe('pss-restricted edges', () => {
  test('passes host namespaces set to false, volumes of no type, allowed AppArmor and SELinux settings, Localhost seccomp, hostPort 0 and a non-root user', () => {
    // GIVEN a pod using every allowed value of the fields the rule reads
    const objects = workload('api', {
      spec: {
        hostNetwork: false,
        volumes: [{ name: 'nameonly' }, 'junk', { name: 'tmp', emptyDir: {} }],
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          seccompProfile: { type: 'Localhost' },
          seLinuxOptions: { type: 'container_t', user: '', role: '' },
          windowsOptions: { hostProcess: false },
        },
        containers: [
          container('api', {
            ports: [{ containerPort: 8080, hostPort: 0, name: 'http' }],
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, procMount: 'Default', seLinuxOptions: { type: '' } },
          }),
        ],
      },
    });
    objects[0].spec.template.metadata.annotations = {
      'container.apparmor.security.beta.kubernetes.io/api': 'runtime/default',
      'container.apparmor.security.beta.kubernetes.io/sidecar': 'localhost/profile',
      'example.com/other': 'unconfined',
    };
    // WHEN validated THEN nothing is found
    expect(findingsOf('pss-restricted', objects)).toEqual([]);
  });

  test("fails on an SELinux role, and on a container whose Localhost seccomp leaves the pod's own Unconfined standing", () => {
    const role = workload('api', {
      spec: {
        securityContext: { runAsNonRoot: true, seLinuxOptions: { role: 'sysadm_r' } },
        containers: [
          container('api', {
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'Localhost' } },
          }),
        ],
      },
    });
    expect(findingsOf('pss-restricted', role)).toEqual([
      `${D}: [pss-restricted] ${P}.securityContext.seLinuxOptions.role: must be unset (got "sysadm_r"); fix: remove ${P}.securityContext.seLinuxOptions.role`,
    ]);
    const unconfined = workload('api', {
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
        containers: [container('api', { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } })],
      },
    });
    expect(findingsOf('pss-restricted', unconfined)).toEqual([
      `${D}: [pss-restricted] ${P}.securityContext.seccompProfile.type: must be RuntimeDefault or Localhost (got "Unconfined"); fix: set ${P}.securityContext.seccompProfile.type to RuntimeDefault`,
      `${D}: [pss-restricted] ${C}.securityContext.seccompProfile.type: must be RuntimeDefault or Localhost (here or in ${P}.securityContext) (got nothing); fix: set ${C}.securityContext.seccompProfile.type to RuntimeDefault`,
    ]);
  });
});

describe('openshift-restricted-v2 edges', () => {
  test('checks runAsUser and runAsGroup of containers (group 0 too) and skips a pod security context that is no map', () => {
    const objects = workload('api', {
      spec: {
        securityContext: 'none',
        containers: [container('api', { securityContext: { ...container().securityContext, runAsGroup: 0, fsGroup: 5 } })],
      },
    });
    expect(findingsOf('openshift-restricted-v2', objects)).toEqual([
      `${D}: [openshift-restricted-v2] ${C}.securityContext.runAsGroup: must not be set: OpenShift's restricted-v2 SCC assigns it from the namespace's range (got 0); fix: remove ${C}.securityContext.runAsGroup; the image must run as an arbitrary non-root UID in group 0`,
    ]);
  });
});

describe('resources-required and probes-required edges', () => {
  test('leave ephemeral containers out, read numbers as quantities, and compare nothing they cannot read', () => {
    const objects = workload('api', {
      spec: {
        ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36.1' }],
        initContainers: [container('init', { resources: { requests: { cpu: 'lots', memory: 1 }, limits: { cpu: '1', memory: 2 } } })],
      },
    });
    expect(findingsOf('resources-required', objects)).toEqual([]);
    expect(findingsOf('probes-required', objects)).toEqual([]);
  });

  test('compare a limit written as a number with its request', () => {
    const objects = workload('api', {
      spec: { containers: [container('api', { resources: { requests: { cpu: 2, memory: '1Gi' }, limits: { cpu: 1, memory: '1Gi' } } })] },
    });
    expect(findingsOf('resources-required', objects)).toEqual([
      `${D}: [resources-required] ${C}.resources.limits.cpu: must be at least the request 2 (got 1); fix: raise the cpu limit to 2 or more, or lower the request`,
    ]);
  });

  test('require probes of a DaemonSet', () => {
    const agent: Manifest = { ...deployment('agent'), kind: 'DaemonSet' };
    delete agent.spec.replicas;
    delete agent.spec.template.spec.containers[0].readinessProbe;
    expect(findingsOf('probes-required', [agent])).toEqual([
      `production: DaemonSet/shop-production/agent: [probes-required] ${C}.readinessProbe: is required for a long-running container (got nothing); fix: add ${C}.readinessProbe (httpGet, tcpSocket, grpc or exec)`,
    ]);
  });
});

describe('image rules edges', () => {
  test('skip an image that is no string, and pass a digest from an allowed registry', () => {
    const objects = workload('api', {
      spec: { containers: [container('api', { image: 42 }), container('b', { image: `registry.eaf.example.com/b@sha256:${'a'.repeat(64)}` })] },
    });
    expect(findingsOf('image-tag-pinned', objects)).toEqual([]);
    expect(findingsOf('image-registry-allowed', objects, { allowedRegistries: ['registry.eaf.example.com/'] })).toEqual([]);
  });

  test('pass a released PostgreSQL and Keycloak operand, and a Cluster without an image', () => {
    const objects = [
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: 'db', namespace: NS },
        spec: { instances: 3, imageName: 'ghcr.io/cloudnative-pg/postgresql:17.6' },
      },
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'plain', namespace: NS }, spec: { instances: 3 } },
      {
        apiVersion: 'k8s.keycloak.org/v2alpha1',
        kind: 'Keycloak',
        metadata: { name: 'kc', namespace: NS },
        spec: { image: 'quay.io/keycloak/keycloak:26.0.7' },
      },
    ];
    expect(findingsOf('image-tag-pinned', objects)).toEqual([]);
    expect(findingsOf('image-registry-allowed', objects, { allowedRegistries: ['quay.io/keycloak/'] })).toEqual([
      'production: Cluster/shop-production/db: [image-registry-allowed] spec.imageName: is not from a registry allowed in production (got "ghcr.io/cloudnative-pg/postgresql:17.6"); fix: use an image under quay.io/keycloak/ (mirror it there first)',
    ]);
  });
});

describe('production-replicas edges', () => {
  const hpa = (target: { kind: string; name: string }, minReplicas?: unknown, namespace = NS) => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'api-hpa', namespace },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', ...target }, ...(minReplicas === undefined ? {} : { minReplicas }), maxReplicas: 6 },
  });
  const scaled = () => workload('api', { replicas: undefined });
  const unsetReplicas = `${D}: [production-replicas] spec.replicas: must be at least 2 in a critical environment (unset means 1) (got nothing); ${REPLICAS_FIX}`;
  const hpaFinding = (value: string) =>
    `${D}: [production-replicas] spec.replicas: is owned by HorizontalPodAutoscaler api-hpa, whose spec.minReplicas must be at least 2 in a critical environment (got ${value}); fix: raise spec.minReplicas of HorizontalPodAutoscaler api-hpa to 2 or more`;

  test('fails on an autoscaler minimum of 1 or one that is no number', () => {
    expect(findingsOf('production-replicas', [...scaled(), hpa({ kind: 'Deployment', name: 'api' }, 1)])).toEqual([hpaFinding('1')]);
    expect(findingsOf('production-replicas', [...scaled(), hpa({ kind: 'Deployment', name: 'api' }, '3')])).toEqual([hpaFinding('"3"')]);
  });

  test('counts only an autoscaler of the same namespace, kind and name', () => {
    expect(findingsOf('production-replicas', [...scaled(), hpa({ kind: 'Deployment', name: 'api' }, 3, 'other')])).toEqual([unsetReplicas]);
    expect(findingsOf('production-replicas', [...scaled(), hpa({ kind: 'StatefulSet', name: 'api' }, 3)])).toEqual([unsetReplicas]);
    expect(findingsOf('production-replicas', [...scaled(), hpa({ kind: 'Deployment', name: 'web' }, 3)])).toEqual([unsetReplicas]);
  });

  test('checks StatefulSets too', () => {
    const db: Manifest = { ...deployment('db', { replicas: 1 }), kind: 'StatefulSet' };
    db.spec.serviceName = 'db';
    expect(findingsOf('production-replicas', [db])).toEqual([
      `production: StatefulSet/shop-production/db: [production-replicas] spec.replicas: must be at least 2 in a critical environment (got 1); ${REPLICAS_FIX}`,
      'production: StatefulSet/shop-production/db: [production-replicas] spec.template.metadata.labels: no PodDisruptionBudget selects these pods, so a node drain may stop them all (got {"app.kubernetes.io/name":"db"}); fix: add a PodDisruptionBudget (policy/v1) in shop-production whose selector matches these labels',
    ]);
  });

  test('exempts an idle colour only when a preview Service of its namespace selects it with a non-empty selector and it runs 0 replicas', () => {
    const labels = { app: 'api', color: 'green' };
    const green = (replicas: number) => deployment('api-green', { replicas, labels });
    const preview = (metadata: Record<string, unknown>, selector: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api-preview', namespace: NS, ...metadata },
      spec: { selector, ports: [{ port: 8080 }] },
    });
    const live = { 'eaf.io/preview': 'true' };
    const notExempt = (replicas: number) => [
      `production: Deployment/shop-production/api-green: [production-replicas] spec.replicas: must be at least 2 in a critical environment (got ${replicas}); ${REPLICAS_FIX}`,
      'production: Deployment/shop-production/api-green: [production-replicas] spec.template.metadata.labels: no PodDisruptionBudget selects these pods, so a node drain may stop them all (got {"app":"api","color":"green"}); fix: add a PodDisruptionBudget (policy/v1) in shop-production whose selector matches these labels',
    ];
    expect(findingsOf('production-replicas', [green(0), preview({ labels: live }, labels)])).toEqual([]);
    expect(findingsOf('production-replicas', [green(0), preview({ labels: live }, {})])).toEqual(notExempt(0));
    expect(findingsOf('production-replicas', [green(0), preview({ labels: live, namespace: 'other' }, labels)])).toEqual(notExempt(0));
    expect(findingsOf('production-replicas', [green(0), preview({ labels: { 'eaf.io/preview': 'false' } }, labels)])).toEqual(notExempt(0));
    expect(findingsOf('production-replicas', [green(0), preview({ labels: live }, { app: 'api', color: 'blue' })])).toEqual(notExempt(0));
    expect(findingsOf('production-replicas', [green(1), preview({ labels: live }, labels)])).toEqual(notExempt(1));
  });

  test('counts a budget of the same namespace with a map selector, matchExpressions included', () => {
    const budget = (namespace: string, selector: unknown) => ({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'p', namespace },
      spec: { maxUnavailable: 1, selector },
    });
    const missing = [
      `${D}: [production-replicas] spec.template.metadata.labels: no PodDisruptionBudget selects these pods, so a node drain may stop them all (got {"app.kubernetes.io/name":"api"}); fix: add a PodDisruptionBudget (policy/v1) in shop-production whose selector matches these labels`,
    ];
    expect(findingsOf('production-replicas', [deployment('api'), budget('other', { matchLabels: { 'app.kubernetes.io/name': 'api' } })])).toEqual(
      missing,
    );
    expect(findingsOf('production-replicas', [deployment('api'), budget(NS, 'app=api')])).toEqual(missing);
    expect(
      findingsOf('production-replicas', [
        deployment('api'),
        budget(NS, { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'Exists' }] }),
      ]),
    ).toEqual([]);
  });

  test('says "the namespace" for an object without one, as network-policy-coverage does', () => {
    const loose = deployment('api', { replicas: 1 });
    delete loose.metadata.namespace;
    expect(findingsOf('production-replicas', [loose])).toEqual([
      `production: Deployment/api: [production-replicas] spec.replicas: must be at least 2 in a critical environment (got 1); ${REPLICAS_FIX}`,
      'production: Deployment/api: [production-replicas] spec.template.metadata.labels: no PodDisruptionBudget selects these pods, so a node drain may stop them all (got {"app.kubernetes.io/name":"api"}); fix: add a PodDisruptionBudget (policy/v1) in the namespace whose selector matches these labels',
    ]);
    expect(findingsOf('network-policy-coverage', [loose])).toEqual([
      'production: Deployment/api: [network-policy-coverage] spec.template.metadata.labels: no NetworkPolicy of namespace (none) selects these pods (got {"app.kubernetes.io/name":"api"}); fix: add a NetworkPolicy in the namespace whose podSelector matches these labels',
    ]);
  });
});

describe('network-policy-coverage and no-secret-data edges', () => {
  test('a NetworkPolicy without podSelector selects nothing', () => {
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'n', namespace: NS },
      spec: { policyTypes: ['Ingress'] },
    };
    expect(findingsOf('network-policy-coverage', [deployment('api'), policy])).toEqual([
      `${D}: [network-policy-coverage] spec.template.metadata.labels: no NetworkPolicy of namespace shop-production selects these pods (got {"app.kubernetes.io/name":"api"}); fix: add a NetworkPolicy in shop-production whose podSelector matches these labels`,
    ]);
  });

  test('a Secret whose data is no map and whose stringData is empty holds no values', () => {
    expect(
      findingsOf('no-secret-data', [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: NS }, data: 'abc', stringData: {} }]),
    ).toEqual([]);
  });
});

describe('service-selects-pods edges', () => {
  const service = (name: string, spec: Record<string, unknown>, namespace = NS) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec,
  });

  test('counts ports of the main containers only, by number when a Service port has no targetPort, and skips ExternalName and string-less selectors', () => {
    const [api] = workload('api', {
      spec: {
        containers: [container('api', { ports: [{ containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] })],
        initContainers: [container('init', { ports: [{ name: 'init', containerPort: 7000 }] })],
      },
    });
    expect(
      findingsOf('service-selects-pods', [
        api,
        service('a', { selector: { 'app.kubernetes.io/name': 'api' }, ports: [{ port: 80, targetPort: 7000 }, { port: 9090 }, {}, 'junk'] }),
        service('b', { type: 'ExternalName', selector: { 'app.kubernetes.io/name': 'nope' }, externalName: 'x.example.com' }),
        service('c', { selector: { 'app.kubernetes.io/name': 'api' }, ports: [{ port: 80 }] }, 'other'),
        service('d', { selector: { 'app.kubernetes.io/name': 5 } }),
      ]),
    ).toEqual([
      'production: Service/shop-production/a: [service-selects-pods] spec.ports[0].targetPort: no container of the selected pods declares this port (got 7000); fix: point it at a declared container port: 8080, metrics (9090)',
      'production: Service/other/c: [service-selects-pods] spec.selector: selects no pods of any workload in namespace other (got {"app.kubernetes.io/name":"api"}); fix: make spec.selector a subset of the pod template labels of the workload it fronts',
    ]);
  });

  test('says none when the selected pods declare no port', () => {
    const [bare] = workload('bare', { spec: { containers: [container('bare', { ports: undefined })] } });
    expect(
      findingsOf('service-selects-pods', [
        bare,
        service('bare', { selector: { 'app.kubernetes.io/name': 'bare' }, ports: [{ port: 80, targetPort: 'http' }] }),
      ]),
    ).toEqual([
      'production: Service/shop-production/bare: [service-selects-pods] spec.ports[0].targetPort: no container of the selected pods declares this port (got "http"); fix: point it at a declared container port: none',
    ]);
  });
});

describe('dns-hostname and tls-required edges', () => {
  const ingress = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: NS },
    spec,
  });
  const route = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: { name, namespace: NS },
    spec: { to: { kind: 'Service', name: 'x' }, ...spec },
  });
  const HOSTNAME_FIX = 'fix: use lower-case labels of letters, digits and hyphens, at most 63 characters each, e.g. app.example.com';

  test('allow a wildcard only as the first label of an Ingress host, labels of 63 characters and names that merely start with digits', () => {
    const objects = [
      ingress('i', {
        rules: [{ host: 5 }, { http: {} }, { host: 'a.*.example.com' }, { host: '*.example.com' }, { host: `${'a'.repeat(63)}.example.com` }],
        tls: [{ hosts: [7, '*'] }],
      }),
      route('r', { host: 'A.example.com' }),
      route('ok', { host: '192.168.0.1.example.com' }),
    ];
    expect(findingsOf('dns-hostname', objects)).toEqual([
      `production: Ingress/shop-production/i: [dns-hostname] spec.rules[2].host: is not a valid DNS name (got "a.*.example.com"); ${HOSTNAME_FIX}`,
      `production: Ingress/shop-production/i: [dns-hostname] spec.tls[0].hosts[1]: is not a valid DNS name (got "*"); ${HOSTNAME_FIX}`,
      `production: Route/shop-production/r: [dns-hostname] spec.host: is not a valid DNS name (got "A.example.com"); ${HOSTNAME_FIX}`,
    ]);
  });

  test('name the hosts to cover, let a wildcard cover one label only, and pass a Route that drops plain HTTP', () => {
    const objects = [
      ingress('nohosts', { rules: [{ http: {} }] }),
      ingress('multi', { rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }, { host: 5 }] }),
      ingress('wild', { rules: [{ host: 'example.com' }, { host: 'x.example.com' }], tls: [{ hosts: ['*.example.com', 3] }, 'junk'] }),
      route('none', { host: 'a.example.com', tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'None' } }),
      route('str', { host: 'a.example.com', tls: 'edge' }),
    ];
    expect(findingsOf('tls-required', objects)).toEqual([
      'production: Ingress/shop-production/nohosts: [tls-required] spec.tls: is required: without it the Ingress serves plain HTTP (got nothing); fix: add spec.tls with a secretName and the hosts of the rules (cert-manager issues the certificate)',
      'production: Ingress/shop-production/multi: [tls-required] spec.tls: is required: without it the Ingress serves plain HTTP (got nothing); fix: add spec.tls with a secretName and the hosts a.example.com, b.example.com (cert-manager issues the certificate)',
      'production: Ingress/shop-production/wild: [tls-required] spec.rules[0].host: is not covered by any spec.tls[].hosts (got "example.com"); fix: add example.com to the hosts of a spec.tls entry',
      'production: Route/shop-production/str: [tls-required] spec.tls: is required: without it the Route serves plain HTTP (got "edge"); fix: set spec.tls.termination to edge, reencrypt or passthrough and spec.tls.insecureEdgeTerminationPolicy to Redirect',
    ]);
  });
});

describe('api-server-limits and apply-size edges', () => {
  const configMap = (name: unknown, metadata: Record<string, unknown> = {}, apiVersion = 'v1', kind = 'ConfigMap') => ({
    apiVersion,
    kind,
    metadata: { name, namespace: NS, ...metadata },
    data: {},
  });

  test('check annotation keys, skip names and labels that are no strings, and read label-named kinds of the core group only', () => {
    const objects = [
      configMap('a', { annotations: { 'bad key!': 'x', 'example.com/key': 'y' } }),
      configMap(7, { labels: { k: 5 } }),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: 'x' },
      'junk' as unknown as Manifest,
      configMap('svc.v2', {}, 'example.com/v1', 'Service'),
      configMap('n.x', {}, 'v1', 'Namespace'),
      configMap('okay-name'),
    ];
    expect(findingsOf('api-server-limits', objects)).toEqual([
      'production: ConfigMap/shop-production/a: [api-server-limits] metadata.annotations["bad key!"]: is not a valid annotation key (got "bad key!"); fix: use [prefix/]name: a DNS-subdomain prefix, and a name of at most 63 letters, digits, -, _ and .',
      'production: Namespace/shop-production/n.x: [api-server-limits] metadata.name: is not a valid Namespace name (got "n.x"); fix: use a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
    ]);
  });

  test('accept annotations of exactly 256 KiB together', () => {
    expect(findingsOf('api-server-limits', [configMap('a', { annotations: { k: 'x'.repeat(262143) } })])).toEqual([]);
  });

  test('leave an object above 1 MiB to api-server-limits, and flag one of exactly 1 MiB for client-side apply', () => {
    const blob = (size: number) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: NS }, data: { a: 'y'.repeat(size) } });
    const base = JSON.stringify(blob(0)).length;
    expect(findingsOf('apply-size', [blob(1048576 - base + 1)])).toEqual([]);
    expect(findingsOf('apply-size', [blob(1048576 - base)])).toEqual([
      'production: ConfigMap/shop-production/x: [apply-size] (object): is 1048576 bytes as JSON; client-side apply stores it in an annotation limited to 262144 bytes (got nothing); fix: split the object (e.g. one ConfigMap per realm), or apply it server-side and waive the rule with that reason',
    ]);
    expect(findingsOf('api-server-limits', [blob(1048576 - base)])).toEqual([]);
  });
});
