import { Manifest } from '../../../lib/gate';
import { clone, container, deployment, findings, findingsOf, NS, podSpec, workload } from '../fixtures';

/**
 * The access rules of lib/gate/checks/access.ts, one edge at a time: read-only-root-filesystem, service-account-token
 * and service-exposure, with the smallest objects that pass and fail each condition.
 */

const D = `production: Deployment/${NS}/api`;
const C = 'spec.template.spec.containers[0]';
const T = 'spec.template.spec.automountServiceAccountToken';

// ---- read-only-root-filesystem --------------------------------------------------------------------------

describe('read-only-root-filesystem', () => {
  const field = (path: string) => `${path}.securityContext.readOnlyRootFilesystem`;
  const line = (object: string, path: string, got: string) =>
    `${object}: [read-only-root-filesystem] ${field(path)}: must be true: a process that is broken into must not be able to change the ` +
    `image's files (got ${got}); fix: set ${field(path)} to true, and mount an emptyDir where the image writes (e.g. /tmp)`;

  test('accepts containers and init containers that set it true', () => {
    const init = container('migrate', { ports: undefined, livenessProbe: undefined, readinessProbe: undefined });
    expect(findings(workload('api', { spec: { initContainers: [init] } }))).toEqual([]);
  });

  test('fails on false, on a context without it and on no context at all, in containers and init containers', () => {
    // GIVEN a container that sets it false, an init container without a security context, a second container without the field
    const writable = container('api', { securityContext: { ...container().securityContext, readOnlyRootFilesystem: false } });
    const { securityContext, ...bare } = container('migrate');
    const sidecar = container('proxy', { securityContext: { ...securityContext, readOnlyRootFilesystem: undefined } });
    const objects = workload('api', { spec: { containers: [writable, sidecar], initContainers: [bare] } });
    // THEN each is named with its path and value
    expect(findingsOf('read-only-root-filesystem', objects)).toEqual([
      line(D, C, 'false'),
      line(D, 'spec.template.spec.containers[1]', 'nothing'),
      line(D, 'spec.template.spec.initContainers[0]', 'nothing'),
    ]);
  });

  test('checks every kind of pod template: a bare Pod and a CronJob', () => {
    const spec = podSpec({ containers: [container('api', { securityContext: { readOnlyRootFilesystem: 'true' } })] });
    const pod: Manifest = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: NS }, spec };
    const cronJob: Manifest = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'prune', namespace: NS },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec } } } },
    };
    expect(findingsOf('read-only-root-filesystem', [pod, cronJob])).toEqual([
      line(`production: Pod/${NS}/debug`, 'spec.containers[0]', '"true"'),
      line(`production: CronJob/${NS}/prune`, 'spec.jobTemplate.spec.template.spec.containers[0]', '"true"'),
    ]);
  });

  test('a waiver with its reason switches it off for one workload', () => {
    const writable = container('api', { securityContext: { ...container().securityContext, readOnlyRootFilesystem: false } });
    const waived = workload('api', {
      spec: { containers: [writable] },
      annotations: { 'waive.eaf.io/read-only-root-filesystem': 'the vendor image unpacks into /opt' },
    });
    expect(findingsOf('read-only-root-filesystem', waived)).toEqual([]);
  });
});

// ---- service-account-token ------------------------------------------------------------------------------

/** A ServiceAccount of the namespace; `automount` is its automountServiceAccountToken (absent when undefined). */
function account(name: string, automount?: boolean, namespace = NS): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace },
    ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
  };
}

/** A RoleBinding in `namespace` of a Role to these subjects. */
function binding(subjects: unknown[], namespace = NS): Manifest {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'drill', namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'drill' },
    subjects,
  };
}

/** The API Deployment running as `serviceAccountName` (none when undefined) with automount `automount` (unset when undefined). */
function api(serviceAccountName?: string, automount?: boolean, field = 'serviceAccountName'): Manifest {
  const spec: Record<string, unknown> = { automountServiceAccountToken: automount };
  if (serviceAccountName !== undefined) spec[field] = serviceAccountName;
  return deployment('api', { spec });
}

describe('service-account-token', () => {
  const FIX =
    `fix: set ${T} to false; a pod that calls the API server runs as a ServiceAccount of its own (serviceAccountName) that a RoleBinding ` +
    'grants what it calls';
  const TAIL =
    'though no RoleBinding grants that account anything: the pod does not call the API server, and the token would only help whoever breaks into it';
  const mounts = (sa: string) => `${D}: [service-account-token] ${T}: mounts the token of ServiceAccount ${sa}, ${TAIL} (got true); ${FIX}`;
  const inherits = (sa: string) =>
    `${D}: [service-account-token] ${T}: is unset and ServiceAccount ${sa} does not set automountServiceAccountToken to false, so the pod ` +
    `mounts the token of ServiceAccount ${sa}, ${TAIL} (got nothing); ${FIX}`;
  const check = (objects: Manifest[]) => findingsOf('service-account-token', objects);

  test('accepts a pod that mounts no token: false on the pod, or unset on the pod and false on its account', () => {
    expect(check([api('api', false), account('api', true)])).toEqual([]);
    expect(check([api('api'), account('api', false)])).toEqual([]);
  });

  test('accepts a token where a RoleBinding grants the pod its own account, in another namespace or in its own', () => {
    // GIVEN the restore drill's shape: the binding lives in the drill's namespace and names the account's namespace
    expect(
      check([api('drill', true), account('drill', false), binding([{ kind: 'ServiceAccount', name: 'drill', namespace: NS }], 'drill-ns')]),
    ).toEqual([]);
    // GIVEN a binding of the pod's namespace whose subject names no namespace, and an account that leaves automount unset
    expect(check([api('drill'), account('drill'), binding([{ kind: 'ServiceAccount', name: 'drill' }])])).toEqual([]);
    // GIVEN the deprecated spec.serviceAccount field
    expect(check([api('drill', true, 'serviceAccount'), binding([{ kind: 'ServiceAccount', name: 'drill' }])])).toEqual([]);
  });

  test('fails on a token the pod mounts without a binding of its account', () => {
    expect(check([api('api', true), account('api', false)])).toEqual([mounts('api')]);
    // THEN a binding of a user of the same name, or of the same account name in another namespace, declares nothing
    expect(
      check([
        api('api', true),
        binding([
          { kind: 'User', name: 'api' },
          { kind: 'ServiceAccount', name: 'api', namespace: 'other' },
        ]),
      ]),
    ).toEqual([mounts('api')]);
  });

  test('fails on a token the pod inherits: unset on the pod, and on its account or with no account in the manifests', () => {
    expect(check([api('api'), account('api')])).toEqual([inherits('api')]);
    expect(check([api('api'), account('api', true)])).toEqual([inherits('api')]);
    expect(check([api('api')])).toEqual([inherits('api')]);
    // THEN the account of another namespace is not the pod's
    expect(check([api('api'), account('api', false, 'other')])).toEqual([inherits('api')]);
  });

  test('fails on the default account, even when a RoleBinding binds it: a pod that calls the API server has its own', () => {
    const bound = binding([{ kind: 'ServiceAccount', name: 'default' }]);
    expect(check([api(undefined, true), bound])).toEqual([mounts('default')]);
    expect(check([api('', true), bound])).toEqual([mounts('default')]);
  });

  test('cannot be waived', () => {
    const waived = clone(api('api', true));
    waived.metadata.annotations = { 'waive.eaf.io/service-account-token': 'the agent reads its own pod' };
    expect(findings([waived]).filter((f) => f.includes('[service-account-token]') || f.includes('[waiver-invalid]'))).toEqual([
      mounts('api'),
      `${D}: [waiver-invalid] metadata.annotations["waive.eaf.io/service-account-token"]: service-account-token cannot be waived ` +
        '(got "the agent reads its own pod"); fix: fix the object instead: set automountServiceAccountToken to false, or run the pod ' +
        'as its own ServiceAccount bound by a RoleBinding to a least-privilege Role',
    ]);
  });
});

// ---- service-exposure -----------------------------------------------------------------------------------

/** The API's Service with these spec fields. */
function service(spec: Record<string, unknown>, name = 'api'): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS },
    spec: { selector: { 'app.kubernetes.io/name': 'api' }, ports: [{ name: 'http', port: 8080, targetPort: 8080 }], ...spec },
  };
}

describe('service-exposure', () => {
  const S = `production: Service/${NS}/api: [service-exposure]`;
  const FIX = 'fix: make the Service type ClusterIP and expose it through the Ingress or Route, or declare it in network.exposedServices: [api]';
  const typed = (type: string) =>
    `${S} spec.type: a ${type} Service is reachable from outside the cluster, past the Ingress or Route and its TLS, and the environment ` +
    `does not declare it (got "${type}"); ${FIX}`;
  const IPS =
    `${S} spec.externalIPs: the Service takes traffic for these addresses from outside the cluster, ` + 'and the environment does not declare it';

  test('accepts ClusterIP, ExternalName and a Service with no type, and an empty externalIPs', () => {
    expect(
      findingsOf('service-exposure', [service({ type: 'ClusterIP', externalIPs: [] }), service({}, 'b'), service({ type: 'ExternalName' }, 'c')]),
    ).toEqual([]);
    expect(findingsOf('service-exposure', [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'odd', namespace: NS } }])).toEqual([]);
  });

  test('fails on LoadBalancer, NodePort and externalIPs the environment does not declare', () => {
    expect(findingsOf('service-exposure', [service({ type: 'LoadBalancer' })])).toEqual([typed('LoadBalancer')]);
    expect(findingsOf('service-exposure', [service({ type: 'NodePort', externalIPs: ['192.0.2.10'] })])).toEqual([
      typed('NodePort'),
      `${IPS} (got ["192.0.2.10"]); ${FIX}`,
    ]);
    expect(findingsOf('service-exposure', [service({ type: 'LoadBalancer' })], { exposedServices: ['mqtt'] })).toEqual([typed('LoadBalancer')]);
  });

  test('accepts the Services the environment declares by name (network.exposedServices)', () => {
    const exposed = service({ type: 'LoadBalancer', externalIPs: ['192.0.2.10'] });
    expect(findingsOf('service-exposure', [exposed], { exposedServices: ['api'] })).toEqual([]);
  });

  test('cannot be waived: the environment file declares the exposure instead', () => {
    const waived = clone(service({ type: 'NodePort' }));
    waived.metadata.annotations = { 'waive.eaf.io/service-exposure': 'the lab has no load balancer' };
    expect(findingsOf('service-exposure', [waived])).toEqual([typed('NodePort')]);
    expect(findingsOf('waiver-invalid', [waived])).toHaveLength(1);
  });
});
