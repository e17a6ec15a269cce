import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Finding, formatFinding, ManifestValidator, VALIDATION_RULES, validationRulesTable } from '../../lib/gate';
import { readCrdFolder } from '../../lib/program/crd-files';
import { CRD_DIRECTORY, deployment, findings, findingsOf, NS, validateObjects, validator, workload } from './fixtures';

const D = 'production: Deployment/shop-production/api';

describe('waivers', () => {
  test('a waiver with a reason suppresses the rule for that object only and is listed with what it suppressed', () => {
    // GIVEN a single-replica worker whose Deployment waives production-replicas, and an unwaived one
    const reason = 'batch worker: one replica is enough, restarts are harmless';
    const waived = deployment('api', { replicas: 1, annotations: { 'waive.eaf.io/production-replicas': reason } });
    const other = deployment('web', { replicas: 1 });
    // WHEN validated
    const report = validateObjects([waived, other]);
    // THEN only the unwaived object has production-replicas findings and the waiver says it suppressed two
    expect(report.findings.filter((f) => f.rule === 'production-replicas').map((f) => f.object)).toEqual([
      'Deployment/shop-production/web',
      'Deployment/shop-production/web',
    ]);
    expect(report.waivers).toEqual([
      { environment: 'production', object: 'Deployment/shop-production/api', rule: 'production-replicas', reason, suppressed: 2 },
    ]);
  });

  test('a waiver that suppresses nothing is listed with suppressed 0, not reported as a finding', () => {
    const objects = workload('api', { annotations: { 'waive.eaf.io/network-policy-coverage': '  default deny comes from the platform  ' } });
    const report = validateObjects(objects);
    expect(report.findings).toEqual([]);
    expect(report.waivers).toEqual([
      {
        environment: 'production',
        object: 'Deployment/shop-production/api',
        rule: 'network-policy-coverage',
        reason: 'default deny comes from the platform',
        suppressed: 0,
      },
    ]);
  });

  test('fails on a short or missing reason, an unknown rule and a rule that cannot be waived; none of them waives anything', () => {
    const objects = workload('api', {
      replicas: 1,
      annotations: {
        'waive.eaf.io/production-replicas': 'temporary',
        'waive.eaf.io/probes-requird': 'the probes are added in the next release',
        'waive.eaf.io/schema-core': 'the API server accepts this field anyway',
        'waive.eaf.io/tls-required': '',
      },
    });
    const A = 'metadata.annotations';
    expect(findingsOf('waiver-invalid', objects)).toEqual([
      `${D}: [waiver-invalid] ${A}["waive.eaf.io/production-replicas"]: the reason must say why production-replicas does not apply, in at least 10 characters (got "temporary"); fix: write the reason as the annotation's value, e.g. "waive.eaf.io/production-replicas: <why this object is the exception>"`,
      `${D}: [waiver-invalid] ${A}["waive.eaf.io/probes-requird"]: waives probes-requird, which is not a rule (got "the probes are added in the next release"); fix: name one of the waivable rules: openshift-restricted-v2, read-only-root-filesystem, resources-required, probes-required, image-tag-pinned, image-registry-allowed, production-replicas, network-policy-coverage, egress-internet, network-policy-allow-all, no-secret-data, secrets-in-plain-sight, service-selects-pods, dns-hostname, tls-required, apply-size, critical-sync-approval, rollout-analysis-required`,
      `${D}: [waiver-invalid] ${A}["waive.eaf.io/schema-core"]: schema-core cannot be waived (got "the API server accepts this field anyway"); fix: fix the object instead: correct the field the finding names; \`kubectl explain <kind>.<field>\` shows the schema`,
      `${D}: [waiver-invalid] ${A}["waive.eaf.io/tls-required"]: the reason must say why tls-required does not apply, in at least 10 characters (got ""); fix: write the reason as the annotation's value, e.g. "waive.eaf.io/tls-required: <why this object is the exception>"`,
    ]);
    expect(findingsOf('production-replicas', objects)).toEqual([
      `${D}: [production-replicas] spec.replicas: must be at least 2 in a critical environment (got 1); fix: set spec.replicas to 2 or more, or scale it with a HorizontalPodAutoscaler whose minReplicas is at least 2`,
    ]);
    expect(validateObjects(objects).waivers).toEqual([]);
  });
});

describe('ManifestValidator', () => {
  test('collects findings across every environment, in set order, then object order, then rule order', () => {
    const dev = deployment('api', { replicas: 1 });
    const report = validator().validate([
      { environment: 'dev', critical: false, objects: [{ ...dev, spec: { ...dev.spec, paused: 'no' } }] },
      { environment: 'production', critical: true, objects: [deployment('api', { replicas: 1 })] },
    ]);
    expect(report.findings.map((f) => `${f.environment} ${f.rule}`)).toEqual([
      'dev schema-core',
      'dev network-policy-coverage',
      'production production-replicas',
      'production production-replicas',
      'production network-policy-coverage',
    ]);
  });

  test('switches a rule off for every object when told to', () => {
    const quiet = new ManifestValidator({
      crds: readCrdFolder(CRD_DIRECTORY),
      rules: { 'network-policy-coverage': false, 'schema-core': false, 'waiver-invalid': false },
    });
    const objects = [{ ...deployment('api', { annotations: { 'waive.eaf.io/nope': 'x' } }), extra: true }];
    expect(quiet.validate([{ environment: 'production', critical: true, objects }]).findings.map((f) => f.rule)).toEqual(['production-replicas']);
  });

  test('fails construction on an unknown rule in the options and on a CRD folder that does not exist', () => {
    expect(() => new ManifestValidator({ crds: readCrdFolder(CRD_DIRECTORY), rules: { 'no-such-rule': false } as any })).toThrow(
      'rules: no-such-rule is not a rule; use one of schema-core, schema-crd, pss-restricted, openshift-restricted-v2, read-only-root-filesystem, service-account-token, resources-required, canonical-quantity, probes-required, image-tag-pinned, image-registry-allowed, production-replicas, network-policy-coverage, egress-internet, network-policy-allow-all, no-secret-data, secrets-in-plain-sight, service-selects-pods, dns-hostname, tls-required, service-exposure, rbac-least-privilege, api-server-limits, apply-size, critical-sync-approval, rollout-analysis-required, waiver-invalid',
    );
    expect(() => readCrdFolder('/nonexistent/crds')).toThrow(
      'crdDirectory /nonexistent/crds is not a folder; point it at the folder of CustomResourceDefinition YAML files (e.g. crds/)',
    );
  });

  test('never throws on a hostile object: what cannot be read becomes a finding', () => {
    const hostile = deployment('api');
    Object.defineProperty(hostile, 'spec', {
      enumerable: true,
      get: () => {
        throw new Error('unreadable spec');
      },
    });
    const lines = findings([hostile]);
    expect(lines).toEqual([
      `${D}: [schema-core] (object): could not be checked: unreadable spec (got nothing); fix: correct the object or the CRD it refers to`,
      'production: (all objects): [canonical-quantity] could not be checked: unreadable spec (got nothing); ' +
        'fix: report this as a bug of the validation gate',
      'production: (all objects): [production-replicas] could not be checked: unreadable spec (got nothing); fix: report this as a bug of the validation gate',
      'production: (all objects): [api-server-limits] could not be checked: unreadable spec (got nothing); fix: report this as a bug of the validation gate',
      'production: (all objects): [apply-size] could not be checked: unreadable spec (got nothing); fix: report this as a bug of the validation gate',
    ]);
  });

  test('reports the Kubernetes version it checks against', () => {
    expect(validator().kubernetesVersion).toBe('v1.33.13');
  });
});

describe('formatFinding', () => {
  const finding: Finding = {
    environment: 'production',
    object: 'Deployment/dvmm-production/api',
    rule: 'production-replicas',
    message: 'spec.replicas: must be at least 2 in a critical environment',
    value: 1,
    fix: 'set spec.replicas to 2 or more',
  };

  test('renders one line: environment, object, rule, message, value and fix', () => {
    expect(formatFinding(finding)).toBe(
      'production: Deployment/dvmm-production/api: [production-replicas] spec.replicas: must be at least 2 in a critical environment (got 1); fix: set spec.replicas to 2 or more',
    );
  });

  test('renders a missing value as nothing and shortens a long one to 200 characters', () => {
    expect(formatFinding({ ...finding, value: undefined })).toContain('(got nothing);');
    const line = formatFinding({ ...finding, value: 'x'.repeat(500) });
    expect(line).toContain(`(got "${'x'.repeat(198)}…);`);
  });
});

describe('VALIDATION_RULES', () => {
  test('documents every rule with an id, a description and a fix, schema and waiver rules not waivable', () => {
    expect(VALIDATION_RULES.map((r) => r.id)).toEqual([
      'schema-core',
      'schema-crd',
      'pss-restricted',
      'openshift-restricted-v2',
      'read-only-root-filesystem',
      'service-account-token',
      'resources-required',
      'canonical-quantity',
      'probes-required',
      'image-tag-pinned',
      'image-registry-allowed',
      'production-replicas',
      'network-policy-coverage',
      'egress-internet',
      'network-policy-allow-all',
      'no-secret-data',
      'secrets-in-plain-sight',
      'service-selects-pods',
      'dns-hostname',
      'tls-required',
      'service-exposure',
      'rbac-least-privilege',
      'api-server-limits',
      'apply-size',
      'critical-sync-approval',
      'rollout-analysis-required',
      'waiver-invalid',
      'waiver-unrecorded',
    ]);
    for (const rule of VALIDATION_RULES) {
      expect(rule.description.length).toBeGreaterThan(40);
      expect(rule.fix.length).toBeGreaterThan(10);
    }
    expect(VALIDATION_RULES.filter((r) => !r.waivable).map((r) => r.id)).toEqual([
      'schema-core',
      'schema-crd',
      'pss-restricted',
      'service-account-token',
      'canonical-quantity',
      'service-exposure',
      'rbac-least-privilege',
      'api-server-limits',
      'waiver-invalid',
      'waiver-unrecorded',
    ]);
  });

  test('renders as a Markdown table for the README, one row per rule', () => {
    const lines = validationRulesTable().split('\n');
    expect(lines.slice(0, 2)).toEqual(['| rule | requires | fix | waivable |', '| --- | --- | --- | --- |']);
    expect(lines).toHaveLength(VALIDATION_RULES.length + 2);
    expect(lines[2]).toMatch(/^\| `schema-core` \| Every built-in object .* \| no \|$/);
  });
});

describe('CRD folder', () => {
  const ROUTE = {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: { name: 'api', namespace: NS },
    spec: { host: 'api.example.com', to: { kind: 'Service', name: 'api' }, tls: { termination: 'edge' }, bogus: 1 },
  };
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const routeErrors = (v: ManifestValidator) =>
    v
      .validate([{ environment: 'production', critical: true, objects: [ROUTE] }])
      .findings.filter((f) => f.rule === 'schema-crd')
      .map(formatFinding);
  const expected = [
    'production: Route/shop-production/api: [schema-crd] spec.bogus: unknown field (not in the route.openshift.io/v1 Route schema) (got 1); fix: remove spec.bogus; the fields of spec are alternateBackends, host, httpHeaders, path, port, subdomain, tls, to, wildcardPolicy',
  ];

  test('reads several documents of one file, skips what is no CRD, and caches what it parsed', () => {
    // GIVEN a file holding a ConfigMap and the Route CRD, and an empty cache folder
    const crds = path.join(tmp, 'crds');
    const cache = path.join(tmp, 'cache');
    fs.mkdirSync(crds);
    const route = fs.readFileSync(path.join(CRD_DIRECTORY, 'route.openshift.io_routes.yaml'), 'utf8');
    fs.writeFileSync(path.join(crds, 'bundle.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n---\n${route}`);
    // WHEN two validators read it, the second from the cache, and a third after the cache entry was damaged
    const first = routeErrors(new ManifestValidator({ crds: readCrdFolder(crds, { cache: cache }), reuseCompiled: false }));
    const cached = fs.readdirSync(cache);
    const second = routeErrors(new ManifestValidator({ crds: readCrdFolder(crds, { cache: cache }), reuseCompiled: false }));
    fs.writeFileSync(path.join(cache, cached[0]), '{ damaged');
    const third = routeErrors(new ManifestValidator({ crds: readCrdFolder(crds, { cache: cache }), reuseCompiled: false }));
    // THEN all find the same problem
    expect(cached).toHaveLength(1);
    expect([first, second, third]).toEqual([expected, expected, expected]);
    expect(JSON.parse(JSON.parse(fs.readFileSync(path.join(cache, cached[0]), 'utf8')).documents)[1].spec.group).toBe('route.openshift.io');
  });

  test('ignores a cache entry edited to switch validation off: entries are verified against their digest', () => {
    // GIVEN a cache entry whose documents were replaced by an empty list (no CRD: custom resources would go unchecked)
    const crds = path.join(tmp, 'crds');
    const cache = path.join(tmp, 'cache');
    fs.mkdirSync(crds);
    // a local copy that differs from the shipped file (one comment), so it is parsed and cached
    fs.writeFileSync(
      path.join(crds, 'routes.yaml'),
      `# local copy\n${fs.readFileSync(path.join(CRD_DIRECTORY, 'route.openshift.io_routes.yaml'), 'utf8')}`,
    );
    routeErrors(new ManifestValidator({ crds: readCrdFolder(crds, { cache: cache }), reuseCompiled: false }));
    const [name] = fs.readdirSync(cache);
    const entry = JSON.parse(fs.readFileSync(path.join(cache, name), 'utf8'));
    fs.writeFileSync(path.join(cache, name), JSON.stringify({ ...entry, documents: '[]' }));
    // WHEN a validator reads it
    const errors = routeErrors(new ManifestValidator({ crds: readCrdFolder(crds, { cache: cache }), reuseCompiled: false }));
    // THEN the Route is still checked against its CRD, and the entry is rewritten from the YAML
    expect(errors).toEqual(expected);
    expect(JSON.parse(JSON.parse(fs.readFileSync(path.join(cache, name), 'utf8')).documents)).toHaveLength(1);
  });

  test('parses without a cache when told so', () => {
    const crds = path.join(tmp, 'crds');
    fs.mkdirSync(crds);
    fs.copyFileSync(path.join(CRD_DIRECTORY, 'route.openshift.io_routes.yaml'), path.join(crds, 'routes.yml'));
    expect(routeErrors(new ManifestValidator({ crds: readCrdFolder(crds, { cache: false }) }))).toEqual(expected);
  });

  test('fails construction on a CRD file that is not valid YAML', () => {
    fs.writeFileSync(path.join(tmp, 'broken.yaml'), 'kind: [unclosed\n');
    expect(() => new ManifestValidator({ crds: readCrdFolder(tmp, { cache: false }) })).toThrow(
      `${path.join(tmp, 'broken.yaml')}: is not valid YAML:`,
    );
  });
});
