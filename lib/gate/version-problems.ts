// Refusals that name Kubernetes versions: a kind or a field the target minor does not serve, with the release that
// added or removed it, from the vendored history of the minors' OpenAPI documents (kubernetes-schema.json).
import { ClusterTarget, describeTarget, OPENSHIFT_KUBERNETES } from '../core/cluster-version';
import { compareMinors, KubernetesSchemaHistory } from './kubernetes-schema';
import type { SchemaProblem } from './schema-errors';

const UNKNOWN_FIELD = ': unknown field';

/** The problem of an apiVersion and kind the target does not serve but another release does; else undefined. */
export function kindVersionProblem(
  history: KubernetesSchemaHistory,
  apiVersion: string,
  kind: string,
  target: ClusterTarget,
): SchemaProblem | undefined {
  const served = history.kinds[apiVersion]?.[kind];
  if (served === undefined) return undefined;
  const [, first, last] = served;
  const alternatives = Object.entries(history.kinds)
    .filter(([v, byKind]) => v !== apiVersion && byKind[kind] !== undefined && compareMinors(byKind[kind][1], target.kubernetes) <= 0)
    .filter(([, byKind]) => compareMinors(target.kubernetes, byKind[kind][2]) <= 0)
    .map(([v]) => v);
  const instead = alternatives.length > 0 ? `use apiVersion ${alternatives.join(' or ')}` : `drop the ${kind}`;
  const value = `${apiVersion}/${kind}`;
  if (compareMinors(target.kubernetes, first) < 0) {
    return {
      message: `apiVersion/kind: ${apiVersion} ${kind} needs Kubernetes ${first}; this environment targets ${describeTarget(target)}`,
      value,
      fix: `${raise(target, first)}, or ${instead}`,
    };
  }
  const removed = nextMinor(history, last);
  return {
    message:
      `apiVersion/kind: ${apiVersion} ${kind} was removed in Kubernetes ${removed} (last served by ${last}); ` +
      `this environment targets ${describeTarget(target)}`,
    value,
    fix: instead,
  };
}

/**
 * `problems` (of the target minor) with each unknown field that another minor knows rewritten to name the release
 * that added or removed it. `problemsAt(minor)` validates the same object against another minor's schemas
 * (undefined when that minor does not serve its kind); called only when there is an unknown field.
 */
export function fieldVersionProblems(
  history: KubernetesSchemaHistory,
  problems: SchemaProblem[],
  target: ClusterTarget,
  problemsAt: (minor: string) => SchemaProblem[] | undefined,
): SchemaProblem[] {
  if (!problems.some((p) => p.message.includes(UNKNOWN_FIELD))) return problems;
  const others = new Map<string, SchemaProblem[] | undefined>();
  const at = (minor: string) => {
    if (!others.has(minor)) others.set(minor, problemsAt(minor));
    return others.get(minor);
  };
  return problems.map((problem) => {
    const end = problem.message.indexOf(UNKNOWN_FIELD);
    if (end < 0) return problem;
    const field = problem.message.slice(0, end);
    const knows = (minor: string) => at(minor)?.some((p) => p.message.startsWith(`${field}${UNKNOWN_FIELD}`)) === false;
    const newer = history.minors.filter((m) => compareMinors(m, target.kubernetes) > 0);
    const older = history.minors.filter((m) => compareMinors(m, target.kubernetes) < 0).reverse();
    const added = newer.find(knows);
    if (added !== undefined) {
      return {
        message: `${field}: needs Kubernetes ${added}; this environment targets ${describeTarget(target)}`,
        value: problem.value,
        fix: `${raise(target, added)}, or remove ${field}`,
      };
    }
    const lastKnown = older.find(knows);
    if (lastKnown === undefined) return problem;
    return {
      message: `${field}: was removed in Kubernetes ${nextMinor(history, lastKnown)}; this environment targets ${describeTarget(target)}`,
      value: problem.value,
      fix: `remove ${field}`,
    };
  });
}

/** How to raise the target to `minor`: the setting to change, in the vocabulary the environment uses. */
function raise(target: ClusterTarget, minor: string): string {
  if (target.openshift === undefined) return `raise kubernetes to ${minor} or later`;
  const openshift = Object.keys(OPENSHIFT_KUBERNETES).find((o) => OPENSHIFT_KUBERNETES[o] === minor);
  return openshift !== undefined
    ? `raise openshift to ${openshift} or later`
    : `target Kubernetes ${minor} or later (no OpenShift release this library knows ships it)`;
}

/** The release after `minor` among those the history lists. */
function nextMinor(history: KubernetesSchemaHistory, minor: string): string {
  return Object.keys(history.releases).find((m) => compareMinors(m, minor) > 0) ?? minor;
}
