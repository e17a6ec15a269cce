import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { loadEnvironmentDirectory, readCrdFolder } from '../../lib/program';
import { ManifestValidator } from '../../lib/gate';
import { dvmm } from '../../main';
import { main } from '../../synth';
import { ENVIRONMENTS, tree } from './harness';

/**
 * The fuzz tier: fast-check mutates DVMM's valid environment files (wrong types, out-of-range numbers, missing and
 * extra keys, odd strings, duplicated names) and runs the real program on them. Whatever the input, it never
 * throws (no stack trace), exits 0 or 1; on 1 `dist/` is byte-for-byte as it was, on 0 the written files pass the
 * gate when read back. A fixed seed and a bounded run here (FUZZ_RUNS, default 60); FUZZ_RUNS=2000 for a long run.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const FILES = ['dev.yaml', 'staging.yaml', 'production.yaml'];
const ORIGINALS = Object.fromEntries(FILES.map((f) => [f, parse(fs.readFileSync(path.join(ENVIRONMENTS, f), 'utf8'))]));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

/** Every path in a document, containers included. */
function paths(value: Json, at: Path = []): Path[] {
  const here = at.length > 0 ? [at] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return here;
}

function parentOf(root: Json, at: Path): any {
  return at.slice(0, -1).reduce((node: any, key) => node[key], root);
}

const oddStrings = fc.constantFrom(
  '',
  ' ',
  'null',
  '~',
  '0',
  '-1',
  '1e309',
  '0.0.0.0/0',
  '::/0',
  '${SECRET}',
  '../../etc/passwd',
  'ünïcödé',
  '🙂',
  'a\nb',
  'x'.repeat(300),
  'kube-system',
  'default',
  'latest',
  'sha256:',
  'https://',
  's3://',
  '10.0.0.0/33',
  '1Gi',
  '0',
  '-5Gi',
  'blue',
  'green',
  'yes',
  'NaN',
);
const oddNumbers = fc.oneof(
  fc.constantFrom(-1, 0, 1, 2, 3, 65535, 65536, 1.5, -0.5, 1e9, 2 ** 53, Number.MAX_SAFE_INTEGER),
  fc.integer({ min: -1000, max: 100000 }),
);
const anyValue: fc.Arbitrary<Json> = fc.oneof<fc.Arbitrary<Json>[]>(
  oddStrings,
  oddNumbers,
  fc.boolean(),
  fc.constant(null),
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  fc.array(oddStrings, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', 'name', 'cidrs', 'ports'), oddStrings, { maxKeys: 2 }),
);

/** One mutation: where (an index into the document's paths), what, and with which value. */
const mutation = fc.record({
  file: fc.constantFrom(...FILES),
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'add-key', 'duplicate', 'rename'),
  value: anyValue,
  key: fc.oneof(
    fc.constantFrom('replica', 'api', 'frontend', 'identity', 'db', 'namespace', 'critical', 'tag', 'tags', 'x-extra', 'waivers', 'egress', 'Api'),
    fc.string({ maxLength: 8 }),
  ),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/** Applies the mutations to fresh copies of the files; returns the texts. */
function mutate(mutations: Array<Mutation>): Record<string, string> {
  const docs: Record<string, Json> = JSON.parse(JSON.stringify(ORIGINALS));
  for (const m of mutations) {
    const doc = docs[m.file];
    const all = paths(doc);
    const at = all[m.at % all.length];
    const parent = parentOf(doc, at);
    const last = at[at.length - 1];
    const target = parent[last];
    switch (m.kind) {
      case 'delete':
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete parent[last];
        break;
      case 'replace':
        parent[last] = m.value;
        break;
      case 'add-key':
        if (target !== null && typeof target === 'object' && !Array.isArray(target)) target[m.key] = m.value;
        else parent[last] = m.value;
        break;
      case 'duplicate':
        // The same name or value twice: an array element repeated, or a sibling key with the same value.
        if (Array.isArray(parent)) parent.push(JSON.parse(JSON.stringify(target)));
        else parent[`${String(last)}2`] = JSON.parse(JSON.stringify(target));
        break;
      case 'rename':
        if (!Array.isArray(parent)) {
          delete parent[last];
          parent[m.key] = target;
        }
        break;
    }
  }
  return Object.fromEntries(FILES.map((f) => [f, stringify(docs[f])]));
}

let tmp: string;
let validator: ManifestValidator;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-'));
  expect(main({ environmentsDir: ENVIRONMENTS, outdir: path.join(tmp, 'dist'), log: () => undefined })).toBe(0);
  validator = new ManifestValidator({ crds: readCrdFolder(path.join(__dirname, '..', '..', 'crds')) });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The written files read back from disk, through the gate, with each environment's own settings. */
function gateFindings(envs: string, outdir: string): string[] {
  const sets = loadEnvironmentDirectory(envs, dvmm).map(({ environment }) => ({
    environment: environment.name,
    critical: environment.critical ?? false,
    allowedRegistries: environment.registries,
    objects: fs
      .readdirSync(path.join(outdir, environment.name))
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(outdir, environment.name, f), 'utf8')).map((d) => d.toJS())),
  }));
  return validator.validate(sets).findings.map((f) => `${f.environment}: ${f.object}: [${f.rule}] ${f.message}`);
}

test(`the program holds its promises on ${RUNS} mutated environment folders (seed ${SEED})`, () => {
  const outcomes = { accepted: 0, refused: 0 };
  let n = 0;
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
      // GIVEN the three files with up to three mutations, and the last good output in dist/
      const envs = path.join(tmp, `envs-${n++}`);
      fs.mkdirSync(envs);
      for (const [file, text] of Object.entries(mutate(mutations))) fs.writeFileSync(path.join(envs, file), text);
      const outdir = path.join(tmp, 'dist');
      const current = tree(outdir)!;
      // WHEN the program runs
      const lines: string[] = [];
      const code = main({ environmentsDir: envs, outdir, log: (l) => lines.push(l) }); // a throw fails the property
      // THEN exit 0 with a gate-clean output, or exit 1 with dist/ unchanged and every line naming a file or environment
      expect([0, 1]).toContain(code);
      expect(lines.join('\n')).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(fs.readdirSync(tmp).filter((f) => f.startsWith('.dist'))).toEqual([]);
      if (code === 1) {
        outcomes.refused++;
        expect(tree(outdir)).toEqual(current);
        expect(lines[lines.length - 1]).toBe(`nothing was written; ${outdir} is unchanged`);
      } else {
        outcomes.accepted++;
        expect(gateFindings(envs, outdir)).toEqual([]);
      }
      fs.rmSync(envs, { recursive: true, force: true });
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  // Both outcomes occur: the mutations reach past the schema into composition and the gate.
  process.stderr.write(
    `fuzz: ${RUNS} cases (seed ${SEED}): ${outcomes.accepted} accepted and gate-clean, ${outcomes.refused} refused with dist/ unchanged\n`,
  );
  expect(outcomes.refused).toBeGreaterThan(0);
  expect(outcomes.accepted).toBeGreaterThan(0);
});
