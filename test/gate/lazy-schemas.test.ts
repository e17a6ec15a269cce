import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import type { ShippedCrds } from '../../lib/gate/crd-schema';
import { bundleOf } from '../../lib/gate/kubernetes-schema';
import { readCrdFolder } from '../../lib/program/crd-files';

/**
 * The gate compiles a large schema level by level, only the parts an object uses (`LazySchema` in
 * lib/gate/schemas.ts): a Deployment's or a CloudNativePG Cluster's whole schema would cost a short-lived synth most
 * of its time. That choice may change how much ajv compiles, never the answer. These tests watch what is compiled
 * (through the recording the validator generator uses, which compiles every piece and lists it) and compare the
 * answers with a whole compile of the same schema by the same ajv instance.
 */

const ROOT = path.join(__dirname, '..', '..');
const CRDS = path.join(ROOT, 'crds');
/** Where schemas.ts gives ajv the Kubernetes definitions (its BUNDLE_ID). */
const DEFINITIONS = 'https://eaf.example.com/schemas/kubernetes.json#/definitions/';
/** The kinds of the default target minor (1.33), which the validator checks objects without a target against. */
const KINDS: Record<string, Record<string, string>> = bundleOf(
  JSON.parse(fs.readFileSync(path.join(ROOT, 'lib', 'gate', 'kubernetes-schema.json'), 'utf8')),
  '1.33',
).kinds;

/** Fresh copies of the gate's modules, recording every schema piece compiled from now on. */
async function recordingGate() {
  vi.resetModules();
  const recorded = (await import('../../lib/gate/precompiled')).recordCompiledSchemas();
  const { SchemaValidator } = await import('../../lib/gate/schemas');
  const { schemaProblems } = await import('../../lib/gate/schema-errors');
  return { recorded, schemaProblems, validator: new SchemaValidator(readCrdFolder(CRDS, { cache: false })) };
}

// The modules this file loaded record what they compile: later files of the worker load their own.
afterAll(() => vi.resetModules());

const metadata = { name: 'shop', namespace: 'shop-dev' };
const container = { name: 'api', image: 'registry.example.com/shop/api:1.0.0' };
const deployment = (pod: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata,
  spec: { selector: { matchLabels: { app: 'shop' } }, template: { metadata: { labels: { app: 'shop' } }, spec: pod } },
});

/** A compiled piece, named: a definition by its name, a level of a large schema by its first property, else its type. */
function pieceName(schema: Record<string, any>): string {
  if (typeof schema.$ref === 'string') return schema.$ref.slice(DEFINITIONS.length).split('.').pop()!;
  if (schema.properties !== undefined) return `level(${Object.keys(schema.properties)[0]})`;
  return schema.type === 'array' && schema.items === true ? 'level(items)' : String(schema.type);
}

describe('what the gate compiles', () => {
  test('a small schema whole, once; a large one level by level, only the parts an object uses, each part once', async () => {
    const { recorded, validator } = await recordingGate();
    const compiledBy = (object: Record<string, unknown>) => {
      const before = recorded.length;
      expect(validator.validate(object).problems).toEqual([]);
      return recorded.slice(before).map((r) => r.validate.schema as Record<string, any>);
    };

    // A ConfigMap's schema is small: one piece, the whole definition, and nothing the next time.
    expect(compiledBy({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { mode: 'dev' } })).toEqual([
      { $ref: `${DEFINITIONS}io.k8s.api.core.v1.ConfigMap` },
    ]);
    expect(compiledBy({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { mode: 'prod' } })).toEqual([]);

    // A Deployment's is large: each large level compiles with its properties accepting anything (the unknown ones
    // still refused), then each property the object has; small parts compile whole.
    const first = compiledBy(deployment({ containers: [container] }));
    expect(first[0]).toEqual({
      type: 'object',
      properties: { apiVersion: true, kind: true, metadata: true, spec: true, status: true },
      additionalProperties: false,
    });
    expect(first.map(pieceName)).toEqual([
      'level(apiVersion)',
      'string',
      'string',
      'ObjectMeta', // the Deployment: apiVersion, kind, metadata
      'level(minReadySeconds)',
      'LabelSelector', // its spec: selector
      'level(metadata)',
      'ObjectMeta', // the pod template
      'level(activeDeadlineSeconds)',
      'level(items)', // the pod spec, its containers
      'level(args)',
      'string',
      'string', // a container: image, name
    ]);
    // The same shape again compiles nothing; a probe and resources compile only their own parts, whole.
    expect(compiledBy(deployment({ containers: [{ ...container, image: 'registry.example.com/shop/api:1.0.1' }] }))).toEqual([]);
    const probe = { httpGet: { path: '/health', port: 8080 }, periodSeconds: 10 };
    expect(
      compiledBy(deployment({ containers: [{ ...container, readinessProbe: probe, resources: { requests: { cpu: '100m' } } }] })).map(pieceName),
    ).toEqual(['Probe', 'ResourceRequirements']);
  });
});

describe('the answers', () => {
  /**
   * DVMM's production objects of the kinds whose schemas are large (compiled level by level) or small, core and
   * custom: the Keycloak kinds and AlertmanagerConfig are left out only because compiling their whole schemas, which
   * this test needs, takes half a second.
   */
  const SLOW_TO_COMPILE_WHOLE = new Set(['Keycloak', 'KeycloakRealmImport', 'AlertmanagerConfig']);
  const objects = parseAllDocuments(fs.readFileSync(path.join(ROOT, 'dist', 'production', 'dvmm.k8s.yaml'), 'utf8'))
    .map((d) => d.toJS() as Record<string, any>)
    .filter((o) => !SLOW_TO_COMPILE_WHOLE.has(o.kind));

  /** A CRD version's schema as the gate gets it: from the shipped table of crds/, already made strict. */
  const SHIPPED: ShippedCrds = JSON.parse(fs.readFileSync(path.join(ROOT, 'lib', 'gate', 'crd-schemas.json'), 'utf8'));
  function crdSchema(apiVersion: string, kind: string): any {
    const [group, version] = apiVersion.split('/');
    const crd = Object.values(SHIPPED.files)
      .flatMap((f) => f.crds)
      .find((c) => c.group === group && c.kind === kind);
    const schema = crd?.versions.find((v) => v.name === version)?.schema;
    if (schema === undefined) throw new Error(`no CRD for ${apiVersion} ${kind} in lib/gate/crd-schemas.json`);
    return schema;
  }

  /** The object with `value` put at one of the places of its spec (`undefined` deletes a key), and that place. */
  function edited(object: Record<string, any>, at: number, value: unknown): { object: Record<string, any>; path: string } {
    const copy = JSON.parse(JSON.stringify(object));
    const places: Array<{ parent: any; key: string; path: string }> = [];
    const walk = (node: any, where: string) => {
      if (node === null || typeof node !== 'object') return;
      for (const key of Object.keys(node)) {
        places.push({ parent: node, key, path: `${where}/${key}` });
        walk(node[key], `${where}/${key}`);
      }
    };
    walk(copy.spec, '/spec');
    const place = places[at % places.length];
    if (value === undefined && !Array.isArray(place.parent)) delete place.parent[place.key];
    else place.parent[place.key] = value;
    return { object: copy, path: place.path };
  }

  test('are those of a whole compile of the same schema, for valid objects and objects edited anywhere in their spec', async () => {
    const { recorded, schemaProblems, validator } = await recordingGate();
    // Validating one object gives the recording its compiler; the whole schemas are compiled by that same instance.
    validator.validate(objects[0]);
    const ajv = recorded[0].ajv;
    const whole = new Map<string, ReturnType<typeof ajv.compile>>();
    const wholeAnswer = (object: Record<string, any>): string[] => {
      const name = `${object.apiVersion} ${object.kind}`;
      let validate = whole.get(name);
      if (validate === undefined) {
        const definition = KINDS[object.apiVersion]?.[object.kind];
        validate = ajv.compile(definition !== undefined ? { $ref: `${DEFINITIONS}${definition}` } : crdSchema(object.apiVersion, object.kind));
        whole.set(name, validate);
      }
      return validate(object)
        ? []
        : schemaProblems(validate.errors ?? [], object, name)
            .map((p) => p.message)
            .sort();
    };
    const lazyAnswer = (object: Record<string, any>): string[] =>
      validator
        .validate(object)
        .problems.map((p) => p.message)
        .sort();

    expect(new Set(objects.map((o) => o.kind)).size).toBeGreaterThan(12);
    for (const object of objects) expect(lazyAnswer(object)).toEqual(wholeAnswer(object));

    const value = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.integer({ min: -2, max: 70000 }),
      fc.string({ maxLength: 4 }),
      fc.boolean(),
      fc.constant([]),
      fc.constant({}),
      fc.constant({ bogus: 1 }),
      fc.constant([{ name: 'x' }]),
    );
    let broken = 0;
    const withSpec = objects.filter((o) => o.spec !== null && typeof o.spec === 'object' && Object.keys(o.spec).length > 0);
    fc.assert(
      fc.property(fc.nat(withSpec.length - 1), fc.nat(), value, (which, at, v) => {
        const edit = edited(withSpec[which], at, v);
        const expected = wholeAnswer(edit.object);
        if (expected.length > 0) broken++;
        expect({ at: edit.path, problems: lazyAnswer(edit.object) }).toEqual({ at: edit.path, problems: expected });
      }),
      { seed: 20261124, numRuns: 200 },
    );
    // Most edits break the object: the comparison is about answers with problems in them, not only empty ones.
    expect(broken).toBeGreaterThan(100);
  });
});
