// The rules on Services, RBAC and NetworkPolicies as CEL: what checks/access.ts, checks/rbac.ts and
// checks/network-allow-all.ts require of one object, said again for the API server.
import { AdmissionRule, list } from './cel';

// The same lists as checks/rbac.ts.
const BROAD_CLUSTER_ROLES = ['cluster-admin', 'admin', 'edit'];
const ESCALATING_VERBS = ['escalate', 'bind', 'impersonate'];
const SAFE_SCCS = ['restricted', 'restricted-v2', 'nonroot', 'nonroot-v2'];

const ROLE_FIX = 'name the API groups, resources and verbs the account calls, in a Role of its namespace';

/** A label selector that selects everything (`s` is set): no labels and no expressions. */
const selectsAll = (s: string) =>
  `((!has(${s}.matchLabels) || size(${s}.matchLabels) == 0) && (!has(${s}.matchExpressions) || size(${s}.matchExpressions) == 0))`;
/** A peer `p` that is every pod of every namespace. */
const EVERY_POD = `(has(p.namespaceSelector) && ${selectsAll('p.namespaceSelector')} && (!has(p.podSelector) || ${selectsAll('p.podSelector')}))`;
/** An ipBlock of peer `p` that is a whole address family (a /0) with nothing excepted. */
const WHOLE_FAMILY = `(has(p.ipBlock) && p.ipBlock.cidr.endsWith('/0') && (!has(p.ipBlock.except) || size(p.ipBlock.except) == 0))`;

/** A spec.tls entry covers rule `r`'s host: the same name, or a wildcard of the same depth (checks/exposure.ts tlsCovers). */
const TLS_COVERS =
  'object.spec.tls.exists(t, has(t.hosts) && t.hosts.exists(h, h == r.host || ' +
  "(h.startsWith('*.') && r.host.endsWith(h.substring(1)) && size(r.host.split('.')) == size(h.split('.')))))";

export const OBJECT_RULES: readonly AdmissionRule[] = [
  {
    rule: 'service-exposure',
    resources: [{ apiGroups: [''], resources: ['services'] }],
    conditions: (environment) =>
      environment.exposedServices.length === 0
        ? []
        : [{ name: 'not-declared', expression: `!(object.metadata.name in ${list(environment.exposedServices)})` }],
    checks: () => [
      {
        expression: "!has(object.spec.type) || !(object.spec.type in ['LoadBalancer', 'NodePort'])",
        problem:
          'a LoadBalancer or NodePort Service is reachable from outside the cluster, past the Ingress or Route and its TLS, ' +
          'and the environment does not declare it',
        fix: 'make the Service type ClusterIP and expose it through the Ingress or Route, or list it in network.exposedServices',
      },
      {
        expression: '!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0',
        problem: 'a Service with externalIPs takes traffic from outside the cluster, and the environment does not declare it',
        fix: 'remove spec.externalIPs, or list the Service in network.exposedServices',
      },
    ],
    gateOnly: '',
  },
  {
    rule: 'rbac-least-privilege',
    resources: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'] }],
    checks: () => [
      {
        expression:
          "object.kind != 'Role' || !has(object.rules) || object.rules.all(r, " +
          "(!has(r.apiGroups) || !r.apiGroups.exists(v, v.contains('*'))) && (!has(r.resources) || !r.resources.exists(v, v.contains('*'))) && " +
          "(!has(r.verbs) || !r.verbs.exists(v, v.contains('*'))))",
        problem: 'a Role rule must not use a wildcard (*) in apiGroups, resources or verbs: it grants what exists now and whatever is added later',
        fix: ROLE_FIX,
      },
      {
        expression:
          "object.kind != 'Role' || !has(object.rules) || " +
          `object.rules.all(r, !has(r.verbs) || !r.verbs.exists(v, v in ${list(ESCALATING_VERBS)}))`,
        problem:
          'a Role rule must not allow escalate, bind or impersonate: they let the account grant permissions it does not hold, or act as someone else',
        fix: `remove escalate, bind and impersonate; ${ROLE_FIX}`,
      },
      {
        expression:
          "object.kind != 'Role' || !has(object.rules) || object.rules.all(r, !(has(r.verbs) && 'use' in r.verbs && has(r.resources) && " +
          "'securitycontextconstraints' in r.resources) || " +
          `(has(r.resourceNames) && size(r.resourceNames) > 0 && r.resourceNames.all(n, n in ${list(SAFE_SCCS)})))`,
        problem:
          'a Role rule that allows use of SecurityContextConstraints must name only the restricted ones: ' +
          'pods could run privileged, as root or on the host',
        fix: `name only ${SAFE_SCCS.join(', ')} in resourceNames, or remove the rule: restricted-v2 needs no grant`,
      },
      {
        expression: `object.kind != 'RoleBinding' || !(object.roleRef.kind == 'ClusterRole' && object.roleRef.name in ${list(BROAD_CLUSTER_ROLES)})`,
        problem: 'a RoleBinding must not grant the built-in ClusterRole cluster-admin, admin or edit, which grant far more than any workload calls',
        fix: `bind a Role of the namespace that names only what the account calls; ${ROLE_FIX}`,
      },
    ],
    gateOnly:
      'the gate alone refuses cluster-scoped RBAC (a ClusterRole, a ClusterRoleBinding): a binding scoped to namespaces ' +
      "cannot select a cluster-scoped object (it would match every one in the cluster, the platform's own included); in the " +
      "cluster, the product's Argo CD project, which may create nothing cluster-scoped, refuses them",
  },
  {
    rule: 'tls-required',
    resources: [
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses'] },
      { apiGroups: ['route.openshift.io'], resources: ['routes'] },
    ],
    checks: () => [
      {
        expression: "object.kind != 'Ingress' || (has(object.spec.tls) && size(object.spec.tls) > 0)",
        problem: 'an Ingress must have spec.tls: without it the Ingress serves plain HTTP',
        fix: 'add spec.tls with a secretName and the hosts of the rules (cert-manager issues the certificate)',
      },
      {
        expression:
          "object.kind != 'Ingress' || !has(object.spec.tls) || !has(object.spec.rules) || " +
          `object.spec.rules.all(r, !has(r.host) || ${TLS_COVERS})`,
        problem: 'every host of an Ingress rule must be covered by a spec.tls[].hosts entry (the same name, or a wildcard one label above it)',
        fix: 'add the host to the hosts of a spec.tls entry',
      },
      {
        expression:
          "object.kind != 'Route' || (has(object.spec.tls) && has(object.spec.tls.termination) && " +
          "!(has(object.spec.tls.insecureEdgeTerminationPolicy) && object.spec.tls.insecureEdgeTerminationPolicy == 'Allow'))",
        problem: 'a Route must terminate TLS (spec.tls.termination) and must not serve plain HTTP too (insecureEdgeTerminationPolicy Allow)',
        fix: 'set spec.tls.termination to edge, reencrypt or passthrough and spec.tls.insecureEdgeTerminationPolicy to Redirect',
      },
    ],
    gateOnly: '',
  },
  {
    rule: 'network-policy-allow-all',
    resources: [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'] }],
    checks: () => [
      {
        expression: '!has(object.spec.ingress) || object.spec.ingress.all(r, has(r.from) && size(r.from) > 0)',
        problem: 'every ingress rule must name its sources (from): without, every source in the cluster and outside it may reach the pods',
        fix: 'name the peers (a podSelector or a namespaceSelector with labels, or ipBlocks of the addresses needed) and the ports',
      },
      {
        expression: '!has(object.spec.egress) || object.spec.egress.all(r, (has(r.to) && size(r.to) > 0) || (has(r.ports) && size(r.ports) > 0))',
        problem: 'no egress rule may be empty ({}): every destination, in the cluster and outside it, on every port',
        fix: 'name the peers (a podSelector or a namespaceSelector with labels, or ipBlocks of the addresses needed) and the ports',
      },
      {
        expression:
          `(!has(object.spec.ingress) || object.spec.ingress.all(r, !has(r.from) || !r.from.exists(p, ${EVERY_POD}))) && ` +
          `(!has(object.spec.egress) || object.spec.egress.all(r, !has(r.to) || !r.to.exists(p, ${EVERY_POD})))`,
        problem: 'no peer may select every pod of every namespace (an empty namespaceSelector with no or an empty podSelector)',
        fix: 'give the namespaceSelector or the podSelector labels',
      },
      {
        expression: `!has(object.spec.ingress) || object.spec.ingress.all(r, !has(r.from) || !r.from.exists(p, ${WHOLE_FAMILY}))`,
        problem: 'no ingress ipBlock may admit every address (0.0.0.0/0 or ::/0)',
        fix: 'name the addresses the pods must be reached from, each block as narrow as it can be',
      },
    ],
    gateOnly:
      'the gate alone checks ingress ipBlocks that only together, or only minus their excepts, admit every public address ' +
      '(0.0.0.0/1 plus 128.0.0.0/1; 0.0.0.0/0 except 10.0.0.0/8): that takes the union and difference of address ranges, ' +
      'which CEL has no function for; admission refuses an ipBlock of /0 with no except',
  },
];
