import { Manifest } from '../../../lib/gate';
import { findingsOf, NS } from '../fixtures';

/**
 * The RBAC rule of lib/gate/checks/rbac.ts, rbac-least-privilege, one edge at a time: cluster-scoped objects, bindings
 * of the broad built-in ClusterRoles, wildcards, escalating verbs and SecurityContextConstraints.
 */

const GROUP = 'rbac.authorization.k8s.io';
const ROLE_FIX = 'name the API groups, resources and verbs the account calls, in a Role of its namespace';

/** A Role (or ClusterRole) named `drill` with these rules. */
function role(rules: unknown[], kind = 'Role'): Manifest {
  return { apiVersion: `${GROUP}/v1`, kind, metadata: { name: 'drill', ...(kind === 'Role' ? { namespace: NS } : {}) }, rules };
}

/** A binding (RoleBinding or ClusterRoleBinding) named `drill` of `roleRef` to the drill's account. */
function binding(roleRef: { kind: string; name: string }, kind = 'RoleBinding'): Manifest {
  return {
    apiVersion: `${GROUP}/v1`,
    kind,
    metadata: { name: 'drill', ...(kind === 'RoleBinding' ? { namespace: NS } : {}) },
    roleRef: { apiGroup: GROUP, ...roleRef },
    subjects: [{ kind: 'ServiceAccount', name: 'drill', namespace: NS }],
  };
}

/** The restore drill's grants, as the library renders them: named groups, resources, verbs and objects. */
const DRILL_RULES = [
  { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], verbs: ['create'] },
  { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], resourceNames: ['shop-db-drill'], verbs: ['get', 'delete'] },
  { apiGroups: [''], resources: ['pods/exec'], resourceNames: ['shop-db-drill-1'], verbs: ['get', 'create'] },
];

const check = (objects: Manifest[]) => findingsOf('rbac-least-privilege', objects);
const R = `production: Role/${NS}/drill: [rbac-least-privilege]`;

describe('rbac-least-privilege', () => {
  test("accepts a Role that names what it grants, bound by a RoleBinding, and a binding of the built-in view or the product's own admin Role", () => {
    expect(check([role(DRILL_RULES), binding({ kind: 'Role', name: 'drill' })])).toEqual([]);
    expect(check([binding({ kind: 'ClusterRole', name: 'view' }), binding({ kind: 'Role', name: 'admin' })])).toEqual([]);
    expect(check([role([{ apiGroups: [''], resources: ['configmaps'] }, {}, 'odd'])])).toEqual([]);
  });

  test('fails on cluster-scoped RBAC, and on a binding of cluster-admin, admin or edit', () => {
    const scoped = (kind: string) =>
      `production: ${kind}/drill: [rbac-least-privilege] kind: a product must not create cluster-scoped RBAC: it would reach beyond its namespaces ` +
      `(got "${kind}"); fix: use a Role and a RoleBinding in the product's namespace instead of the ${kind}`;
    const broad = (object: string, name: string) =>
      `production: ${object}: [rbac-least-privilege] roleRef.name: binds the built-in ClusterRole ${name}, which grants far more than any ` +
      `workload calls (got "${name}"); fix: bind a Role of the namespace that names only what the account calls; ${ROLE_FIX}`;
    expect(check([role(DRILL_RULES, 'ClusterRole'), binding({ kind: 'ClusterRole', name: 'cluster-admin' }, 'ClusterRoleBinding')])).toEqual([
      scoped('ClusterRole'),
      scoped('ClusterRoleBinding'),
      broad('ClusterRoleBinding/drill', 'cluster-admin'),
    ]);
    expect(check([binding({ kind: 'ClusterRole', name: 'admin' })])).toEqual([broad(`RoleBinding/${NS}/drill`, 'admin')]);
    expect(check([binding({ kind: 'ClusterRole', name: 'edit' })])).toEqual([broad(`RoleBinding/${NS}/drill`, 'edit')]);
  });

  test('fails on a wildcard in apiGroups, resources or verbs, a ClusterRole included', () => {
    const wildcard = (prefix: string, field: string, got: string) =>
      `${prefix} rules[0].${field}: must not use a wildcard: it grants what exists now and whatever is added later (got ${got}); fix: ${ROLE_FIX}`;
    expect(check([role([{ apiGroups: ['*'], resources: ['pods/*', 'secrets'], verbs: ['get', '*'] }])])).toEqual([
      wildcard(R, 'apiGroups', '["*"]'),
      wildcard(R, 'resources', '["pods/*"]'),
      wildcard(R, 'verbs', '["*"]'),
    ]);
    expect(check([role([{ apiGroups: [''], resources: ['*'], verbs: ['get'] }], 'ClusterRole')])).toContain(
      wildcard('production: ClusterRole/drill: [rbac-least-privilege]', 'resources', '["*"]'),
    );
  });

  test('fails on escalate, bind and impersonate', () => {
    expect(check([role([{ apiGroups: [GROUP], resources: ['roles'], verbs: ['get', 'bind', 'escalate', 'impersonate'] }])])).toEqual([
      `${R} rules[0].verbs: must not allow escalate, bind, impersonate: they let the account grant permissions it does not hold, or act as ` +
        'someone else (got ["escalate","bind","impersonate"]); fix: remove escalate, bind, impersonate from rules[0].verbs',
    ]);
  });

  test('accepts use of the restricted SecurityContextConstraints by name, and other verbs on them', () => {
    const scc = { apiGroups: ['security.openshift.io'], resources: ['securitycontextconstraints'] };
    expect(check([role([{ ...scc, verbs: ['use'], resourceNames: ['restricted-v2', 'restricted', 'nonroot-v2', 'nonroot'] }])])).toEqual([]);
    expect(
      check([
        role([
          { ...scc, verbs: ['get'] },
          { apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'] },
        ]),
      ]),
    ).toEqual([]);
  });

  test('fails on use of a privileged SecurityContextConstraints, or of every one', () => {
    const scc = { apiGroups: ['security.openshift.io'], resources: ['securitycontextconstraints'], verbs: ['use'] };
    const FIX =
      'fix: name only restricted, restricted-v2, nonroot, nonroot-v2 in rules[0].resourceNames, or remove the rule: restricted-v2 needs no grant';
    expect(check([role([{ ...scc, resourceNames: ['restricted-v2', 'privileged', 'hostnetwork-v2', 'anyuid'] }])])).toEqual([
      `${R} rules[0].resourceNames: allows use of SecurityContextConstraints beyond the restricted ones (privileged, hostnetwork-v2, anyuid): ` +
        `pods could run privileged, as root or on the host (got ["privileged","hostnetwork-v2","anyuid"]); ${FIX}`,
    ]);
    expect(check([role([scc])])).toEqual([
      `${R} rules[0].resourceNames: is empty: the rule allows use of every SecurityContextConstraints, privileged included (got []); ${FIX}`,
    ]);
  });

  test('cannot be waived', () => {
    const waived = binding({ kind: 'ClusterRole', name: 'edit' });
    waived.metadata.annotations = { 'waive.eaf.io/rbac-least-privilege': 'the migration tool needs it' };
    expect(check([waived])).toHaveLength(1);
    expect(findingsOf('waiver-invalid', [waived])).toHaveLength(1);
  });
});
