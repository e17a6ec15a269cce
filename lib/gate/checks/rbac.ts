// The RBAC rule: what a product may grant its own accounts. A product's objects land in its namespaces, so what it
// grants must stay there, name what it allows, and never let an account grant itself (or anyone) more.
import { fieldPath } from '../finding';
import { ObjectRef, RawFinding, RuleCheck } from '../rule-context';
import { asArray, isMap } from '../workloads';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
/** The built-in ClusterRoles that grant (nearly) everything in a namespace, or the whole cluster. */
const BROAD_CLUSTER_ROLES = ['cluster-admin', 'admin', 'edit'];
/** Verbs that let an account grant permissions it does not hold, or act as another user. */
const ESCALATING_VERBS = ['escalate', 'bind', 'impersonate'];
/**
 * The SecurityContextConstraints a product's account may `use`: OpenShift's restricted ones (restricted-v2 is every
 * authenticated user's already) and the non-root ones. Every other SCC (privileged, anyuid, hostaccess, hostnetwork,
 * hostmount-anyuid, their -v2 variants, and whatever a cluster adds) grants more than a restricted pod needs, so the
 * list names what is allowed rather than what is not.
 */
const SAFE_SCCS = ['restricted', 'restricted-v2', 'nonroot', 'nonroot-v2'];
const SCC_RESOURCE = 'securitycontextconstraints';

const ROLE_FIX = 'name the API groups, resources and verbs the account calls, in a Role of its namespace';

/** A finding of one RBAC object at a path. */
type Finding = (path: Array<string | number>, message: string, value: unknown, fix: string) => RawFinding;

function findingOf({ index }: ObjectRef): Finding {
  return (path, message, value, fix) => ({ index, rule: 'rbac-least-privilege', message: `${fieldPath(path)}: ${message}`, value, fix });
}

export const rbacLeastPrivilege: RuleCheck = (ctx) => {
  const clusterScoped = [...ctx.objectsOf(RBAC_GROUP, 'ClusterRole'), ...ctx.objectsOf(RBAC_GROUP, 'ClusterRoleBinding')].map((ref) =>
    findingOf(ref)(
      ['kind'],
      'a product must not create cluster-scoped RBAC: it would reach beyond its namespaces',
      ref.object.kind,
      `use a Role and a RoleBinding in the product's namespace instead of the ${ref.object.kind}`,
    ),
  );
  const roles = [...ctx.objectsOf(RBAC_GROUP, 'Role'), ...ctx.objectsOf(RBAC_GROUP, 'ClusterRole')].flatMap(roleFindings);
  const bindings = [...ctx.objectsOf(RBAC_GROUP, 'RoleBinding'), ...ctx.objectsOf(RBAC_GROUP, 'ClusterRoleBinding')].flatMap(bindingFindings);
  return [...clusterScoped, ...roles, ...bindings];
};

/** A binding must not grant one of the broad built-in ClusterRoles. */
function bindingFindings(ref: ObjectRef): RawFinding[] {
  const roleRef = isMap(ref.object.roleRef) ? ref.object.roleRef : {};
  if (roleRef.kind !== 'ClusterRole' || !BROAD_CLUSTER_ROLES.includes(roleRef.name)) return [];
  return [
    findingOf(ref)(
      ['roleRef', 'name'],
      `binds the built-in ClusterRole ${roleRef.name}, which grants far more than any workload calls`,
      roleRef.name,
      `bind a Role of the namespace that names only what the account calls; ${ROLE_FIX}`,
    ),
  ];
}

/** The rules of a Role or ClusterRole: no wildcard, no escalating verb, no `use` of an SCC beyond the restricted ones. */
function roleFindings(ref: ObjectRef): RawFinding[] {
  const finding = findingOf(ref);
  return asArray(ref.object.rules).flatMap((rule, i) => {
    const path = (field: string) => ['rules', i, field];
    const out: RawFinding[] = [];
    for (const field of ['apiGroups', 'resources', 'verbs']) {
      const wildcards = asArray(rule?.[field]).filter((v) => typeof v === 'string' && v.includes('*'));
      if (wildcards.length > 0)
        out.push(finding(path(field), `must not use a wildcard: it grants what exists now and whatever is added later`, wildcards, ROLE_FIX));
    }
    const verbs = asArray(rule?.verbs);
    const escalating = ESCALATING_VERBS.filter((v) => verbs.includes(v));
    if (escalating.length > 0) {
      out.push(
        finding(
          path('verbs'),
          `must not allow ${escalating.join(', ')}: they let the account grant permissions it does not hold, or act as someone else`,
          escalating,
          `remove ${escalating.join(', ')} from ${fieldPath(path('verbs'))}`,
        ),
      );
    }
    if (verbs.includes('use') && asArray(rule?.resources).includes(SCC_RESOURCE)) out.push(...sccFindings(rule, path, finding));
    return out;
  });
}

/** A rule that allows `use` of SecurityContextConstraints: only of the restricted ones, by name. */
function sccFindings(rule: Record<string, unknown>, path: (field: string) => Array<string | number>, finding: Finding): RawFinding[] {
  const names = asArray(rule.resourceNames);
  const fix = `name only ${SAFE_SCCS.join(', ')} in ${fieldPath(path('resourceNames'))}, or remove the rule: restricted-v2 needs no grant`;
  if (names.length === 0)
    return [finding(path('resourceNames'), 'is empty: the rule allows use of every SecurityContextConstraints, privileged included', names, fix)];
  const privileged = names.filter((n) => !SAFE_SCCS.includes(n));
  if (privileged.length === 0) return [];
  return [
    finding(
      path('resourceNames'),
      `allows use of SecurityContextConstraints beyond the restricted ones (${privileged.join(', ')}): ` +
        'pods could run privileged, as root or on the host',
      privileged,
      fix,
    ),
  ];
}
