import { fieldPath, Finding, Manifest, ManifestSet, objectId, ValidationReport, WaivedFinding, WaiverRecords } from './finding';
import { RULE_CHECKS } from './policies';
import { CriticalEnvironments, RawFinding, RuleContext } from './rule-context';
import { findRule, MIN_WAIVER_REASON, RuleId, ruleOrder, VALIDATION_RULES, WAIVER_PREFIX } from './rules';
import { SchemaValidator } from './schemas';
import type { CrdFolder } from './crd-folder';
import { isMap } from './workloads';
import { unrecordedWaiver } from './waiver-records';
import { ClusterTarget, clusterTarget, minorNumber, nextTarget } from '../core/cluster-version';
import { UpgradeWarning, upgradeWarnings } from './upgrade-warnings';
import { bundleOf, KubernetesSchemaBundle } from './kubernetes-schema';

/** The target of a set that names none (as {@link SchemaValidator} checks it). */
const DEFAULT_TARGET = clusterTarget({}, 'kubernetes');

/** Options of {@link ManifestValidator}. */
export interface ManifestValidatorOptions {
  /**
   * The CustomResourceDefinition files custom resources are checked against, read by the program:
   * `readCrdFolder('crds')` (which also keeps parsed files in a cache folder).
   */
  readonly crds: CrdFolder;
  /**
   * Switches rules off for every object (`{ 'network-policy-coverage': false }`). Prefer a waiver
   * annotation on the one object a rule does not fit.
   * @default - every rule on
   */
  readonly rules?: Partial<Record<RuleId, boolean>>;
  /**
   * Reuse the schemas this process already compiled for the same {@link CrdFolder} object (`readCrdFolder` gives the
   * same one while the folder's files are unchanged): compiling is most of the gate's cost. `false` parses and
   * compiles afresh.
   * @default true
   */
  readonly reuseCompiled?: boolean;
  /**
   * Also report the findings a waiver suppressed ({@link ValidationReport.waived}), as `eaf-cdk8s validate --json` lists them.
   * @default false
   */
  readonly reportWaived?: boolean;
}

/**
 * The validation gate: checks every synthesised object of every environment against the
 * Kubernetes schemas of its target minor ({@link ManifestSet.target}) and the CRD schemas and the platform's policy rules ({@link VALIDATION_RULES}),
 * before anything is written. Construct it once per process: schemas are compiled on first use
 * and kept.
 *
 * @example
 * const validator = new ManifestValidator({ crds: readCrdFolder('crds') });
 * const report = validator.validate([{ environment: 'production', critical: true, objects }]);
 * report.findings.map(formatFinding).forEach((line) => console.error(line));
 */
export class ManifestValidator {
  /** The Kubernetes release the built-in kinds of a set without a target are checked against. */
  public readonly kubernetesVersion: string;
  private readonly schemas: SchemaValidator;
  private readonly enabled: (rule: RuleId) => boolean;
  private readonly reportWaived: boolean;
  /** The schemas of the minors upgrade warnings compared, built once. */
  private readonly bundles = new Map<string, KubernetesSchemaBundle>();

  constructor(options: ManifestValidatorOptions) {
    this.schemas = options.reuseCompiled === false ? new SchemaValidator(options.crds) : SchemaValidator.shared(options.crds);
    this.kubernetesVersion = this.schemas.kubernetesVersion;
    for (const id of Object.keys(options.rules ?? {})) {
      if (findRule(id) === undefined) throw new Error(`rules: ${id} is not a rule; use one of ${VALIDATION_RULES.map((r) => r.id).join(', ')}`);
    }
    this.enabled = (rule) => options.rules?.[rule] !== false;
    this.reportWaived = options.reportWaived === true;
  }

  /**
   * Checks every object of every set; collects every finding and never throws on a bad object.
   *
   * The sets are checked one at a time, as the iterable produces them: a program that composes its environments one
   * after another can hand them over as it goes (a generator) and hold a single environment's objects at once. A set's
   * findings depend on the other sets only through which environments are critical (an Argo CD Application that
   * delivers another environment); a set that asked about an environment not yet known to be critical is kept until
   * the last set, and checked again if that environment turned out to be, so the report is the same as if every set
   * had been known from the start.
   * @param onSet called as each set's check starts (a program's progress line)
   */
  public validate(sets: Iterable<ManifestSet>, onSet?: (set: ManifestSet) => void): ValidationReport {
    const reports: ValidationReport[] = [];
    const critical = new Set<string>();
    const undecided: Array<{ set: ManifestSet; position: number; notCritical: Set<string> }> = [];
    for (const set of sets) {
      if (set.critical) critical.add(set.environment);
      onSet?.(set);
      // A name critical so far stays critical; one that is not may yet become so: that set's result is provisional.
      const notCritical = new Set<string>();
      const has = (environment: string): boolean => {
        if (critical.has(environment)) return true;
        notCritical.add(environment);
        return false;
      };
      reports.push(this.validateSet(set, { has }));
      if (notCritical.size > 0) undecided.push({ set, position: reports.length - 1, notCritical });
    }
    for (const { set, position, notCritical } of undecided) {
      if ([...notCritical].some((environment) => critical.has(environment))) reports[position] = this.validateSet(set, critical);
    }
    const findings = reports.flatMap((r) => r.findings);
    const waivers = reports.flatMap((r) => r.waivers);
    const waived = reports.flatMap((r) => r.waived ?? []);
    return this.reportWaived ? { findings, waivers, waived } : { findings, waivers };
  }

  /**
   * What each set's objects use that a later Kubernetes release removes or deprecates ({@link UpgradeWarning}): against
   * `next` when given, else against the release after each set's target (none for a set at the newest minor). A set
   * whose target is `next` or later has none. Reads the schema history only (compiles nothing); the gate's findings are not repeated.
   */
  public upgradeWarnings(sets: readonly ManifestSet[], next?: ClusterTarget): UpgradeWarning[] {
    const history = this.schemas.schemaHistory;
    const bundleAt = (minor: string) => this.bundles.get(minor) ?? this.bundles.set(minor, bundleOf(history, minor)).get(minor)!;
    return sets.flatMap((set) => {
      const from = set.target ?? DEFAULT_TARGET;
      const to = next ?? nextTarget(from, history.minors);
      if (to === undefined || minorNumber(to.kubernetes) <= minorNumber(from.kubernetes)) return [];
      return upgradeWarnings(history, set.environment, set.objects, from, to, bundleAt);
    });
  }

  private validateSet(set: ManifestSet, criticalEnvironments: CriticalEnvironments): ValidationReport {
    const raw: RawFinding[] = [];
    set.objects.forEach((object, index) => raw.push(...this.schemaFindings(object, index, set)));
    const ctx = new RuleContext(set, criticalEnvironments);
    for (const [rule, check] of RULE_CHECKS) {
      if (!this.enabled(rule)) continue;
      try {
        raw.push(...check(ctx));
      } catch (e) {
        raw.push({
          index: -1,
          rule,
          message: `could not be checked: ${(e as Error).message}`,
          value: undefined,
          fix: 'report this as a bug of the validation gate',
        });
      }
    }

    const declared = set.objects.map((object, index) => readWaivers(object, index, set.waiverRecords));
    raw.push(...declared.flatMap((w) => w.invalid).filter((f) => this.enabled(f.rule)));
    const suppressed = new Map<string, number>();
    const findings: Finding[] = [];
    const waived: WaivedFinding[] = [];
    raw
      .map((finding, order) => ({ finding, order }))
      .sort((a, b) => position(a.finding) - position(b.finding) || ruleOrder(a.finding.rule) - ruleOrder(b.finding.rule) || a.order - b.order)
      .forEach(({ finding }) => {
        const waiver = finding.index >= 0 ? declared[finding.index].valid.get(finding.rule) : undefined;
        const object = finding.index >= 0 ? objectId(set.objects[finding.index]) : '(all objects)';
        const found = { environment: set.environment, object, rule: finding.rule, message: finding.message, value: finding.value, fix: finding.fix };
        if (waiver === undefined) {
          findings.push(found);
          return;
        }
        const key = `${finding.index}/${finding.rule}`;
        suppressed.set(key, (suppressed.get(key) ?? 0) + 1);
        if (this.reportWaived) waived.push({ ...found, reason: waiver });
      });
    const waivers = declared.flatMap(({ index, valid }) =>
      [...valid.entries()].map(([rule, reason]) => ({
        environment: set.environment,
        object: objectId(set.objects[index]),
        rule,
        reason,
        suppressed: suppressed.get(`${index}/${rule}`) ?? 0,
      })),
    );
    return { findings, waivers, waived };
  }

  private schemaFindings(object: Manifest, index: number, set: ManifestSet): RawFinding[] {
    try {
      const { rule, problems } = this.schemas.validate(object, set.target);
      if (!this.enabled(rule)) return [];
      return problems.map((p) => ({ index, rule, message: p.message, value: p.value, fix: p.fix }));
    } catch (e) {
      return [
        {
          index,
          rule: 'schema-core',
          message: `(object): could not be checked: ${(e as Error).message}`,
          value: undefined,
          fix: 'correct the object or the CRD it refers to',
        },
      ];
    }
  }
}

/** Where a finding sorts: by its object, findings about no single object last. */
function position(finding: RawFinding): number {
  return finding.index < 0 ? Number.MAX_SAFE_INTEGER : finding.index;
}

/**
 * The waiver annotations of one object: the valid ones by rule, and findings for the invalid ones and, when the set has
 * an environment file's records, for those it does not record (which waive nothing).
 */
function readWaivers(
  object: Manifest,
  index: number,
  records: WaiverRecords | undefined,
): { index: number; valid: Map<RuleId, string>; invalid: RawFinding[] } {
  const valid = new Map<RuleId, string>();
  const invalid: RawFinding[] = [];
  const annotations = isMap(object) && isMap(object.metadata) && isMap(object.metadata.annotations) ? object.metadata.annotations : {};
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(WAIVER_PREFIX)) continue;
    const id = key.slice(WAIVER_PREFIX.length);
    const rule = findRule(id);
    const field = fieldPath(['metadata', 'annotations', key]);
    const reason = typeof value === 'string' ? value.trim() : '';
    const fail = (message: string, fix: string) => invalid.push({ index, rule: 'waiver-invalid', message: `${field}: ${message}`, value, fix });
    if (rule === undefined) {
      const waivable = VALIDATION_RULES.filter((r) => r.waivable).map((r) => r.id);
      fail(`waives ${id}, which is not a rule`, `name one of the waivable rules: ${waivable.join(', ')}`);
    } else if (!rule.waivable) {
      fail(`${id} cannot be waived`, `fix the object instead: ${rule.fix}`);
    } else if (reason.length < MIN_WAIVER_REASON) {
      fail(
        `the reason must say why ${id} does not apply, in at least ${MIN_WAIVER_REASON} characters`,
        `write the reason as the annotation's value, e.g. "${WAIVER_PREFIX}${id}: <why this object is the exception>"`,
      );
    } else {
      const unrecorded = records && unrecordedWaiver(object, index, field, rule.id, reason, records);
      if (unrecorded === undefined) valid.set(rule.id, reason);
      else invalid.push(unrecorded);
    }
  }
  return { index, valid, invalid };
}
