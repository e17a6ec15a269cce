import { formatFinding, ManifestValidator } from '../../lib/gate';
import { readCrdFolder } from '../../lib/program/crd-files';
import { CRD_DIRECTORY, deployment, NS, validateObjects, validator, workload } from './fixtures';

describe('ManifestValidator ordering and switches', () => {
  test('sorts findings by object first, then rule, whatever produced them', () => {
    // GIVEN an object whose only problem is an invalid waiver (checked last) before an object with a schema error
    const first = workload('api', { annotations: { 'waive.eaf.io/no-such': 'a reason long enough' } });
    const second = { ...deployment('web'), spec: { ...deployment('web').spec, paused: 'no' } };
    // WHEN validated
    const report = validateObjects([...first, second], { critical: false });
    // THEN the first object's finding comes first
    expect(report.findings.map((f) => `${f.object} ${f.rule}`)).toEqual([
      'Deployment/shop-production/api waiver-invalid',
      'Deployment/shop-production/web schema-core',
      'Deployment/shop-production/web network-policy-coverage',
    ]);
  });

  test('checks each set as the iterable produces it, before the next is produced, and reports as for an array', () => {
    // GIVEN two environments produced one at a time, each with a Deployment that has a schema error
    const events: string[] = [];
    const set = (environment: string) => ({
      environment,
      critical: false,
      objects: [{ ...deployment('web'), spec: { ...deployment('web').spec, paused: 'no' } }],
    });
    function* produced() {
      for (const environment of ['dev', 'test']) {
        events.push(`produce ${environment}`);
        yield set(environment);
      }
    }
    // WHEN validated, noting when each check starts
    const report = validator().validate(produced(), (s) => events.push(`check ${s.environment}`));
    // THEN each set was checked before the next was produced, and the findings are those of the array, in its order
    expect(events).toEqual(['produce dev', 'check dev', 'produce test', 'check test']);
    expect(report).toEqual(validator().validate([set('dev'), set('test')]));
    expect(report.findings.map((f) => `${f.environment} ${f.rule}`)).toEqual([
      'dev schema-core',
      'dev network-policy-coverage',
      'test schema-core',
      'test network-policy-coverage',
    ]);
  });

  test("keeps one object's findings of one rule in the order they were found (the object's field order)", () => {
    const web = deployment('web');
    const bad = {
      ...web,
      metadata: { ...web.metadata, annotations: { 'waive.eaf.io/no-such': 'a reason long enough' } },
      spec: { ...web.spec, paused: 'no', zeta: 1, alpha: 2 },
    };
    expect(validateObjects([bad]).findings.map((f) => `${f.rule} | ${f.message}`)).toEqual([
      'schema-core | spec.paused: must be true or false',
      'schema-core | spec.zeta: unknown field (not in the apps/v1 Deployment schema)',
      'schema-core | spec.alpha: unknown field (not in the apps/v1 Deployment schema)',
      'production-replicas | spec.template.metadata.labels: no PodDisruptionBudget selects these pods, so a node drain may stop them all',
      'network-policy-coverage | spec.template.metadata.labels: no NetworkPolicy of namespace shop-production selects these pods',
      'waiver-invalid | metadata.annotations["waive.eaf.io/no-such"]: waives no-such, which is not a rule',
    ]);
  });

  test('refuses a waiver whose value is no text', () => {
    const objects = workload('api');
    objects[0].metadata.annotations = { 'waive.eaf.io/probes-required': 42 };
    expect(validateObjects(objects).findings.map(formatFinding)).toEqual([
      'production: Deployment/shop-production/api: [schema-core] metadata.annotations["waive.eaf.io/probes-required"]: must be a string (got 42); fix: write metadata.annotations["waive.eaf.io/probes-required"] as a string',
      'production: Deployment/shop-production/api: [waiver-invalid] metadata.annotations["waive.eaf.io/probes-required"]: the reason must say why probes-required does not apply, in at least 10 characters (got 42); fix: write the reason as the annotation\'s value, e.g. "waive.eaf.io/probes-required: <why this object is the exception>"',
    ]);
  });

  test('takes a reason of exactly 10 characters, trimmed', () => {
    const objects = workload('api', { annotations: { 'waive.eaf.io/probes-required': '  0123456789  ' } });
    expect(validateObjects(objects).waivers).toEqual([
      { environment: 'production', object: 'Deployment/shop-production/api', rule: 'probes-required', reason: '0123456789', suppressed: 0 },
    ]);
    const short = workload('api', { annotations: { 'waive.eaf.io/probes-required': '012345678' } });
    expect(validateObjects(short).findings.map((f) => f.rule)).toEqual(['waiver-invalid']);
  });

  test('counts what a waiver suppressed per environment', () => {
    const objects = [deployment('api', { replicas: 1, annotations: { 'waive.eaf.io/production-replicas': 'a single worker is enough here' } })];
    const report = validator().validate([
      { environment: 'dev', critical: false, objects },
      { environment: 'production', critical: true, objects },
    ]);
    expect(report.waivers.map((w) => `${w.environment} ${w.suppressed}`)).toEqual(['dev 0', 'production 2']);
    expect(report.findings.map((f) => `${f.environment} ${f.rule}`)).toEqual(['dev network-policy-coverage', 'production network-policy-coverage']);
  });

  test('finds nothing in no environment, and ignores annotations of an object that has none', () => {
    expect(validator().validate([])).toEqual({ findings: [], waivers: [] });
    expect(
      validateObjects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: NS, annotations: 'x' } }]).findings.map(
        (f) => f.rule,
      ),
    ).toEqual(['schema-core']);
  });

  test('switches off a policy rule and the CRD schema rule when told to', () => {
    const quiet = new ManifestValidator({ crds: readCrdFolder(CRD_DIRECTORY), rules: { 'pss-restricted': false, 'schema-crd': false } });
    const objects = [
      ...workload('api', { spec: { hostPID: true } }),
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: NS } },
    ];
    expect(quiet.validate([{ environment: 'production', critical: true, objects }]).findings).toEqual([]);
    expect(validateObjects(objects).findings.map((f) => f.rule)).toEqual(['pss-restricted', 'schema-crd']);
  });
});
