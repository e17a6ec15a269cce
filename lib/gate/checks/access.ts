// Who can reach a product and what its pods can do once broken into: a read-only root filesystem, a service-account
// token only where the pod calls the API server, and no Service reachable from outside the cluster unless declared.
import { fieldPath } from '../finding';
import { RawFinding, RuleCheck } from '../rule-context';
import { asArray, containersOf, isMap, PodTemplate } from '../workloads';

export const readOnlyRootFilesystem: RuleCheck = (ctx) =>
  ctx.templates.flatMap((pod) =>
    containersOf(pod).flatMap(({ container, path }): RawFinding[] => {
      const value = isMap(container.securityContext) ? container.securityContext.readOnlyRootFilesystem : undefined;
      if (value === true) return [];
      const field = fieldPath([...path, 'securityContext', 'readOnlyRootFilesystem']);
      return [
        {
          index: pod.index,
          rule: 'read-only-root-filesystem',
          message: `${field}: must be true: a process that is broken into must not be able to change the image's files`,
          value,
          fix: `set ${field} to true, and mount an emptyDir where the image writes (e.g. /tmp)`,
        },
      ];
    }),
  );

/** The `name` of the ServiceAccount a pod runs as (`default` when it names none). */
function accountOf(pod: PodTemplate): string {
  const name = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
  return typeof name === 'string' && name !== '' ? name : 'default';
}

export const serviceAccountToken: RuleCheck = (ctx) => {
  const accounts = new Map(ctx.objectsOf('', 'ServiceAccount').map((a) => [`${a.namespace}/${a.object.metadata?.name}`, a.object]));
  // A pod declares that it calls the API server by running as an account of its own that a RoleBinding grants what it calls.
  const bound = new Set(
    ctx.objectsOf('rbac.authorization.k8s.io', 'RoleBinding').flatMap(({ object, namespace }) =>
      asArray(object.subjects)
        .filter((s) => s?.kind === 'ServiceAccount')
        .map((s) => `${typeof s.namespace === 'string' ? s.namespace : namespace}/${s.name}`),
    ),
  );
  return ctx.templates.flatMap((pod): RawFinding[] => {
    const account = accountOf(pod);
    const key = `${pod.namespace}/${account}`;
    const own = pod.spec.automountServiceAccountToken;
    const inherited = accounts.get(key)?.automountServiceAccountToken;
    const mounted = typeof own === 'boolean' ? own : typeof inherited === 'boolean' ? inherited : true;
    if (!mounted || (account !== 'default' && bound.has(key))) return [];
    const field = fieldPath([...pod.specPath, 'automountServiceAccountToken']);
    const why =
      own === true ? 'mounts' : `is unset and ServiceAccount ${account} does not set automountServiceAccountToken to false, so the pod mounts`;
    return [
      {
        index: pod.index,
        rule: 'service-account-token',
        message:
          `${field}: ${why} the token of ServiceAccount ${account}, though no RoleBinding grants that account anything: ` +
          'the pod does not call the API server, and the token would only help whoever breaks into it',
        value: own,
        fix:
          `set ${field} to false; a pod that calls the API server runs as a ServiceAccount of its own (serviceAccountName) ` +
          'that a RoleBinding grants what it calls',
      },
    ];
  });
};

export const serviceExposure: RuleCheck = (ctx) => {
  const declared = new Set(ctx.set.exposedServices ?? []);
  return ctx.objectsOf('', 'Service').flatMap(({ object, index }): RawFinding[] => {
    const name = object.metadata?.name;
    if (declared.has(name)) return [];
    const spec = isMap(object.spec) ? object.spec : {};
    const fix = `make the Service type ClusterIP and expose it through the Ingress or Route, or declare it in network.exposedServices: [${name}]`;
    const out: RawFinding[] = [];
    if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') {
      out.push({
        index,
        rule: 'service-exposure',
        message:
          `spec.type: a ${spec.type} Service is reachable from outside the cluster, past the Ingress or Route and its TLS, ` +
          'and the environment does not declare it',
        value: spec.type,
        fix,
      });
    }
    const ips = asArray(spec.externalIPs);
    if (ips.length > 0) {
      out.push({
        index,
        rule: 'service-exposure',
        message: 'spec.externalIPs: the Service takes traffic for these addresses from outside the cluster, and the environment does not declare it',
        value: ips,
        fix,
      });
    }
    return out;
  });
};
