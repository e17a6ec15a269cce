import { Manifest } from '../../lib/gate';
import { container, deployment, findingsOf, NS, podSpec, REGISTRY, workload } from './fixtures';

const D = 'production: Deployment/shop-production/api';
const C = 'spec.template.spec.containers[0]';

describe('pss-restricted', () => {
  test('passes runAsNonRoot and seccomp set once for the pod, Localhost seccomp and an added NET_BIND_SERVICE', () => {
    // GIVEN containers that inherit runAsNonRoot and seccomp from the pod, one with Localhost seccomp and NET_BIND_SERVICE
    const plain = container('api', {
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
    });
    const localhost = container('sidecar', {
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' },
      },
    });
    const objects = workload('api', {
      spec: {
        containers: [plain, localhost],
        securityContext: {
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
          sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
        },
      },
    });
    // WHEN validated THEN the restricted standard holds
    expect(findingsOf('pss-restricted', objects)).toEqual([]);
  });

  test('fails on a container that does not say restricted, naming each missing field', () => {
    const objects = workload('api', { spec: { securityContext: {}, containers: [container('api', { securityContext: {} })] } });
    expect(findingsOf('pss-restricted', objects)).toEqual([
      `${D}: [pss-restricted] ${C}.securityContext.allowPrivilegeEscalation: must be false (got nothing); fix: set ${C}.securityContext.allowPrivilegeEscalation to false`,
      `${D}: [pss-restricted] ${C}.securityContext.capabilities.drop: must include ALL (got nothing); fix: set ${C}.securityContext.capabilities.drop to [ALL]`,
      `${D}: [pss-restricted] ${C}.securityContext.runAsNonRoot: must be true (here or in spec.template.spec.securityContext) (got nothing); fix: set spec.template.spec.securityContext.runAsNonRoot to true`,
      `${D}: [pss-restricted] ${C}.securityContext.seccompProfile.type: must be RuntimeDefault or Localhost (here or in spec.template.spec.securityContext) (got nothing); fix: set ${C}.securityContext.seccompProfile.type to RuntimeDefault`,
    ]);
  });

  test('fails on privileged settings of pod and container', () => {
    const bad = container('api', {
      ports: [{ name: 'http', containerPort: 8080, hostPort: 80 }],
      securityContext: {
        privileged: true,
        allowPrivilegeEscalation: true,
        capabilities: { drop: ['NET_RAW'], add: ['SYS_ADMIN', 'NET_BIND_SERVICE'] },
        runAsNonRoot: false,
        runAsUser: 0,
        procMount: 'Unmasked',
        seccompProfile: { type: 'Unconfined' },
        seLinuxOptions: { type: 'spc_t', user: 'system_u' },
        windowsOptions: { hostProcess: true },
      },
    });
    const objects = workload('api', {
      spec: {
        hostNetwork: true,
        hostPID: true,
        securityContext: { runAsNonRoot: false, seccompProfile: { type: 'Unconfined' }, sysctls: [{ name: 'kernel.msgmax', value: '1' }] },
        containers: [bad],
        volumes: [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }],
      },
    });
    objects[0].spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/api': 'unconfined' };
    const P = 'spec.template.spec';
    expect(findingsOf('pss-restricted', objects)).toEqual([
      `${D}: [pss-restricted] ${P}.hostNetwork: must be false or unset: pods must not share the node's namespaces (got true); fix: remove ${P}.hostNetwork`,
      `${D}: [pss-restricted] ${P}.hostPID: must be false or unset: pods must not share the node's namespaces (got true); fix: remove ${P}.hostPID`,
      `${D}: [pss-restricted] ${P}.volumes[0].hostPath: volume type hostPath is not allowed by the restricted Pod Security Standard (got "docker"); fix: use one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret`,
      `${D}: [pss-restricted] ${P}.securityContext.sysctls[0].name: is not a safe sysctl (got "kernel.msgmax"); fix: remove it; allowed are kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports`,
      `${D}: [pss-restricted] spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/api"]: must be runtime/default or localhost/<profile> (got "unconfined"); fix: use the runtime/default AppArmor profile`,
      `${D}: [pss-restricted] ${P}.securityContext.runAsNonRoot: must not be false (got false); fix: set ${P}.securityContext.runAsNonRoot to true`,
      `${D}: [pss-restricted] ${P}.securityContext.seccompProfile.type: must be RuntimeDefault or Localhost (got "Unconfined"); fix: set ${P}.securityContext.seccompProfile.type to RuntimeDefault`,
      `${D}: [pss-restricted] ${C}.securityContext.privileged: must be false or unset (got true); fix: remove ${C}.securityContext.privileged`,
      `${D}: [pss-restricted] ${C}.securityContext.allowPrivilegeEscalation: must be false (got true); fix: set ${C}.securityContext.allowPrivilegeEscalation to false`,
      `${D}: [pss-restricted] ${C}.securityContext.capabilities.drop: must include ALL (got ["NET_RAW"]); fix: set ${C}.securityContext.capabilities.drop to [ALL]`,
      `${D}: [pss-restricted] ${C}.securityContext.capabilities.add: may add only NET_BIND_SERVICE (got ["SYS_ADMIN","NET_BIND_SERVICE"]); fix: remove every capability but NET_BIND_SERVICE from ${C}.securityContext.capabilities.add`,
      `${D}: [pss-restricted] ${C}.securityContext.runAsNonRoot: must not be false (got false); fix: set ${C}.securityContext.runAsNonRoot to true`,
      `${D}: [pss-restricted] ${C}.securityContext.seccompProfile.type: must be RuntimeDefault or Localhost (here or in ${P}.securityContext) (got "Unconfined"); fix: set ${C}.securityContext.seccompProfile.type to RuntimeDefault`,
      `${D}: [pss-restricted] ${C}.securityContext.procMount: must be Default or unset (got "Unmasked"); fix: remove ${C}.securityContext.procMount`,
      `${D}: [pss-restricted] ${C}.securityContext.runAsUser: must not be 0 (root) (got 0); fix: remove ${C}.securityContext.runAsUser`,
      `${D}: [pss-restricted] ${C}.securityContext.windowsOptions.hostProcess: must be false or unset (got true); fix: remove ${C}.securityContext.windowsOptions.hostProcess`,
      `${D}: [pss-restricted] ${C}.securityContext.seLinuxOptions.type: must be container_t, container_init_t or container_kvm_t (got "spc_t"); fix: remove ${C}.securityContext.seLinuxOptions.type`,
      `${D}: [pss-restricted] ${C}.securityContext.seLinuxOptions.user: must be unset (got "system_u"); fix: remove ${C}.securityContext.seLinuxOptions.user`,
      `${D}: [pss-restricted] ${C}.ports[0].hostPort: must be unset or 0: pods must not bind node ports (got 80); fix: remove ${C}.ports[0].hostPort; expose the pod through a Service`,
    ]);
  });

  test('checks init containers, CronJobs and bare Pods too, but not operator-managed custom resources', () => {
    const init = container('migrate', { securityContext: { ...container().securityContext, allowPrivilegeEscalation: true } });
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'report', namespace: NS },
      spec: { schedule: '0 1 * * *', jobTemplate: { spec: { template: { spec: podSpec({ restartPolicy: 'Never', hostIPC: true }) } } } },
    };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: NS }, spec: podSpec({ initContainers: [init] }) };
    const cluster = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'db', namespace: NS },
      spec: { instances: 3, storage: { size: '1Gi' } },
    };
    expect(findingsOf('pss-restricted', [cronJob, pod, cluster])).toEqual([
      "production: CronJob/shop-production/report: [pss-restricted] spec.jobTemplate.spec.template.spec.hostIPC: must be false or unset: pods must not share the node's namespaces (got true); fix: remove spec.jobTemplate.spec.template.spec.hostIPC",
      'production: Pod/shop-production/debug: [pss-restricted] spec.initContainers[0].securityContext.allowPrivilegeEscalation: must be false (got true); fix: set spec.initContainers[0].securityContext.allowPrivilegeEscalation to false',
    ]);
  });
});

describe('openshift-restricted-v2', () => {
  test('passes a pod that leaves every id to OpenShift (fsGroupChangePolicy is fine)', () => {
    const objects = workload('api', { spec: { securityContext: { runAsNonRoot: true, fsGroupChangePolicy: 'Always', supplementalGroups: [] } } });
    expect(findingsOf('openshift-restricted-v2', objects)).toEqual([]);
  });

  test('fails on fixed user, group, fsGroup and supplemental groups', () => {
    const objects = workload('api', {
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, supplementalGroups: [3000] },
        containers: [container('api', { securityContext: { ...container().securityContext, runAsUser: 1001 } })],
      },
    });
    const P = 'spec.template.spec.securityContext';
    const why = "must not be set: OpenShift's restricted-v2 SCC assigns it from the namespace's range";
    const fix = 'the image must run as an arbitrary non-root UID in group 0';
    expect(findingsOf('openshift-restricted-v2', objects)).toEqual([
      `${D}: [openshift-restricted-v2] ${P}.runAsUser: ${why} (got 1000); fix: remove ${P}.runAsUser; ${fix}`,
      `${D}: [openshift-restricted-v2] ${P}.runAsGroup: ${why} (got 1000); fix: remove ${P}.runAsGroup; ${fix}`,
      `${D}: [openshift-restricted-v2] ${P}.fsGroup: ${why} (got 2000); fix: remove ${P}.fsGroup; ${fix}`,
      `${D}: [openshift-restricted-v2] ${P}.supplementalGroups: ${why} (got [3000]); fix: remove ${P}.supplementalGroups; ${fix}`,
      `${D}: [openshift-restricted-v2] ${C}.securityContext.runAsUser: ${why} (got 1001); fix: remove ${C}.securityContext.runAsUser; ${fix}`,
    ]);
  });
});

describe('resources-required', () => {
  test('passes limits equal to requests, in different units', () => {
    const objects = workload('api', {
      spec: { containers: [container('api', { resources: { requests: { cpu: '1', memory: '1024Mi' }, limits: { cpu: '1000m', memory: '1Gi' } } })] },
    });
    expect(findingsOf('resources-required', objects)).toEqual([]);
  });

  test('fails on missing requests and limits, init containers included, and on a limit below its request', () => {
    const init = container('migrate', { resources: { requests: { cpu: '100m' } } });
    const api = container('api', { resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '250m', memory: '1Gi' } } });
    const objects = workload('api', { spec: { initContainers: [init], containers: [api] } });
    const I = 'spec.template.spec.initContainers[0]';
    expect(findingsOf('resources-required', objects)).toEqual([
      `${D}: [resources-required] ${C}.resources.limits.cpu: must be at least the request 500m (got "250m"); fix: raise the cpu limit to 500m or more, or lower the request`,
      `${D}: [resources-required] ${I}.resources.limits.cpu: is required (got nothing); fix: set ${I}.resources.limits.cpu, e.g. 250m`,
      `${D}: [resources-required] ${I}.resources.requests.memory: is required (got nothing); fix: set ${I}.resources.requests.memory, e.g. 512Mi`,
      `${D}: [resources-required] ${I}.resources.limits.memory: is required (got nothing); fix: set ${I}.resources.limits.memory, e.g. 512Mi`,
    ]);
  });
});

describe('probes-required', () => {
  test('passes a Job without probes and an init container without probes', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: NS },
      spec: {
        template: {
          spec: podSpec({ restartPolicy: 'Never', containers: [container('migrate', { livenessProbe: undefined, readinessProbe: undefined })] }),
        },
      },
    };
    const objects = workload('api', { spec: { initContainers: [container('wait', { livenessProbe: undefined, readinessProbe: undefined })] } });
    expect(findingsOf('probes-required', [...objects, job])).toEqual([]);
  });

  test('fails on a long-running container without liveness and readiness probes', () => {
    const sts: Manifest = { ...deployment('cache'), kind: 'StatefulSet' };
    sts.spec.serviceName = 'cache';
    delete sts.spec.template.spec.containers[0].livenessProbe;
    delete sts.spec.template.spec.containers[0].readinessProbe;
    expect(findingsOf('probes-required', [sts])).toEqual([
      `production: StatefulSet/shop-production/cache: [probes-required] ${C}.livenessProbe: is required for a long-running container (got nothing); fix: add ${C}.livenessProbe (httpGet, tcpSocket, grpc or exec)`,
      `production: StatefulSet/shop-production/cache: [probes-required] ${C}.readinessProbe: is required for a long-running container (got nothing); fix: add ${C}.readinessProbe (httpGet, tcpSocket, grpc or exec)`,
    ]);
  });
});

describe('image-tag-pinned', () => {
  const withImage = (image: string) => workload('api', { spec: { containers: [container('api', { image })] } });

  test('passes version tags and digests in a critical environment, any other tag elsewhere', () => {
    expect(findingsOf('image-tag-pinned', withImage(`${REGISTRY}shop/api:v1.4.2-rc1`))).toEqual([]);
    expect(findingsOf('image-tag-pinned', withImage(`${REGISTRY}shop/api@sha256:${'a'.repeat(64)}`))).toEqual([]);
    expect(findingsOf('image-tag-pinned', withImage(`${REGISTRY}shop/api:main-4f2a`), { environment: 'dev', critical: false })).toEqual([]);
  });

  test('fails on a missing tag, latest, a malformed digest, and a floating tag in a critical environment', () => {
    const none = findingsOf('image-tag-pinned', withImage('registry.eaf.example.com:5000/shop/api'));
    const latest = findingsOf('image-tag-pinned', withImage(`${REGISTRY}shop/api:latest`), { environment: 'dev', critical: false });
    const digest = findingsOf('image-tag-pinned', withImage(`${REGISTRY}shop/api@sha256:abc`));
    const floating = findingsOf('image-tag-pinned', withImage('quay.io/keycloak/keycloak:26.0'));
    expect([...none, ...latest, ...digest, ...floating]).toEqual([
      `${D}: [image-tag-pinned] ${C}.image: has no tag, so it runs whatever latest is (got "registry.eaf.example.com:5000/shop/api"); fix: pin it, e.g. registry.eaf.example.com:5000/shop/api:<version> or registry.eaf.example.com:5000/shop/api@sha256:<digest>`,
      `dev: Deployment/shop-production/api: [image-tag-pinned] ${C}.image: tag is a moving tag (got "registry.eaf.example.com/shop/api:latest"); fix: pin an immutable version such as 1.4.2, or a sha256 digest`,
      `${D}: [image-tag-pinned] ${C}.image: has a malformed digest (got "registry.eaf.example.com/shop/api@sha256:abc"); fix: use a digest sha256:<64 lower-case hex digits>`,
      `${D}: [image-tag-pinned] ${C}.image: tag must be a released version or a digest in a critical environment (got "quay.io/keycloak/keycloak:26.0"); fix: use a version such as 1.4.2, or a sha256 digest`,
    ]);
  });

  test('checks the images of operator-managed custom resources', () => {
    const keycloak = {
      apiVersion: 'k8s.keycloak.org/v2alpha1',
      kind: 'Keycloak',
      metadata: { name: 'keycloak', namespace: NS },
      spec: { image: 'quay.io/keycloak/keycloak:latest' },
    };
    expect(findingsOf('image-tag-pinned', [keycloak])).toEqual([
      'production: Keycloak/shop-production/keycloak: [image-tag-pinned] spec.image: tag is a moving tag (got "quay.io/keycloak/keycloak:latest"); fix: pin an immutable version such as 1.4.2, or a sha256 digest',
    ]);
  });

  test("reads PostgreSQL operand images by PostgreSQL's own numbering: <major>.<minor> is a release, <major> alone is not", () => {
    // GIVEN CloudNativePG clusters on 17.6 (a release), 17.6 with a build suffix, and the moving major tag 17
    const cluster = (name: string, imageName: string) => ({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name, namespace: NS },
      spec: { instances: 3, imageName },
    });
    const objects = [
      cluster('a', 'ghcr.io/cloudnative-pg/postgresql:17.6'),
      cluster('b', 'ghcr.io/cloudnative-pg/postgresql:17.6-202509151215'),
      cluster('c', 'ghcr.io/cloudnative-pg/postgresql:17'),
    ];
    // THEN only the moving tag fails in a critical environment; a container image tagged 17.6 still needs three parts
    expect(findingsOf('image-tag-pinned', objects)).toEqual([
      'production: Cluster/shop-production/c: [image-tag-pinned] spec.imageName: tag must be a released version or a digest in a critical environment (got "ghcr.io/cloudnative-pg/postgresql:17"); fix: use a version such as 17.6, or a sha256 digest',
    ]);
    expect(
      findingsOf('image-tag-pinned', workload('api', { spec: { containers: [container('api', { image: `${REGISTRY}shop/api:17.6` })] } })),
    ).toHaveLength(1);
  });
});

describe('image-registry-allowed', () => {
  const allowed = { allowedRegistries: [REGISTRY, 'quay.io/keycloak/'] };

  test('passes images under an allowed prefix, and anything when the environment lists none', () => {
    expect(findingsOf('image-registry-allowed', workload(), allowed)).toEqual([]);
    expect(findingsOf('image-registry-allowed', workload('api', { spec: { containers: [container('api', { image: 'nginx:1.27.0' })] } }))).toEqual(
      [],
    );
  });

  test('fails on an image from another registry, also for a CloudNativePG Cluster', () => {
    const objects = workload('api', { spec: { containers: [container('api', { image: 'docker.io/library/nginx:1.27.0' })] } });
    const cluster = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'db', namespace: NS },
      spec: { imageName: 'ghcr.io/cloudnative-pg/postgresql:16.10.0' },
    };
    const fix = 'use an image under registry.eaf.example.com/ or quay.io/keycloak/ (mirror it there first)';
    expect(findingsOf('image-registry-allowed', [...objects, cluster], allowed)).toEqual([
      `${D}: [image-registry-allowed] ${C}.image: is not from a registry allowed in production (got "docker.io/library/nginx:1.27.0"); fix: ${fix}`,
      `production: Cluster/shop-production/db: [image-registry-allowed] spec.imageName: is not from a registry allowed in production (got "ghcr.io/cloudnative-pg/postgresql:16.10.0"); fix: ${fix}`,
    ]);
  });

  test('fails on every image when the environment allows no registry', () => {
    expect(findingsOf('image-registry-allowed', workload(), { allowedRegistries: [] })).toEqual([
      `${D}: [image-registry-allowed] ${C}.image: is not from a registry allowed in production (got "registry.eaf.example.com/shop/api:1.4.2"); fix: production allows no registry; list one in its allowed registries`,
    ]);
  });
});
