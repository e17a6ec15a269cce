import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parse } from 'yaml';

/**
 * DVMM's generated validators (generated/validators.js, `npm run validators`) cover every schema the program
 * compiles and answer exactly as the compiler does. Whole-program tests: the unit tests of the mechanism are in
 * test/gate/precompiled.test.ts.
 */

const ROOT = path.join(__dirname, '..', '..');

describe("DVMM's generated validators", () => {
  /** A fresh library, with or without generated/validators.js registered; each compiles what it needs once. */
  async function library(registered: boolean): Promise<Library> {
    vi.resetModules();
    const lib = { ...(await import('../../lib/program')), ...(await import('../../lib/gate')) };
    if (registered) (await import('../../lib/gate/precompiled')).registerPrecompiledValidators(require('../../generated/validators').validators);
    return lib;
  }
  type Library = typeof import('../../lib/program') & typeof import('../../lib/gate');
  const libraries = {} as Record<'true' | 'false', Library>;
  beforeAll(async () => {
    libraries.true = await library(true);
    libraries.false = await library(false);
  });
  const withLibrary = <T>(registered: boolean, body: (lib: Library) => T): T => body(libraries[`${registered}`]);

  let dvmm: (typeof import('../../main'))['dvmm'];
  beforeAll(async () => ({ dvmm } = await import('../../main')));
  const production = fs.readFileSync(path.join(ROOT, 'environments', 'production.yaml'), 'utf8');

  test('are registered by the program and cover every schema its synth compiles: it compiles none', async () => {
    const outdir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'precompiled-'));
    const compile = vi.spyOn(require('ajv').default.prototype, 'compile');
    try {
      vi.resetModules();
      const program = await import('../../synth');
      expect(program.main({ outdir: path.join(outdir, 'dist'), log: () => undefined })).toBe(0);
      expect(compile).not.toHaveBeenCalled();
    } finally {
      compile.mockRestore();
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('answer environment files exactly as the compiler does, for valid and damaged files', () => {
    const parse1 = (registered: boolean, text: string) =>
      withLibrary(registered, (lib) => {
        try {
          return { ok: lib.parseEnvironment('production.yaml', text, dvmm) };
        } catch (error) {
          return { error: (error as Error).message };
        }
      });
    const base = parse(production);
    const damaged = fc.record({
      key: fc.constantFrom('replicas', 'namespace', 'critical', 'hosts', 'components', 'databases', 'bogus'),
      value: fc.oneof(
        fc.integer({ min: -3, max: 3 }),
        fc.string({ maxLength: 6 }),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.integer(), { maxLength: 2 }),
      ),
    });
    fc.assert(
      fc.property(damaged, ({ key, value }) => {
        const copy = JSON.parse(JSON.stringify(base));
        if (key === 'replicas') copy.components.api.replicas = value;
        else copy[key] = value;
        const text = JSON.stringify(copy);
        expect(parse1(true, text)).toEqual(parse1(false, text));
      }),
      { numRuns: 40, seed: 20261123 },
    );
    expect(parse1(true, production)).toEqual(parse1(false, production));
  });

  test('answer the gate exactly as the compiler does, on the real output and on damaged objects', () => {
    const objects = fs.readdirSync(path.join(ROOT, 'dist', 'production')).flatMap((file) =>
      require('yaml')
        .parseAllDocuments(fs.readFileSync(path.join(ROOT, 'dist', 'production', file), 'utf8'))
        .map((d: any) => d.toJS()),
    );
    const damaged = objects.map((object: any, i: number) => {
      const copy = JSON.parse(JSON.stringify(object));
      if (i % 3 === 0) copy.spec = { ...copy.spec, unknownField: true };
      if (i % 3 === 1) copy.metadata = { ...copy.metadata, labels: { ...copy.metadata.labels, 'bad key!': 'x' } };
      if (i % 3 === 2 && copy.spec !== undefined) copy.spec.replicas = 'two';
      return copy;
    });
    const findings = (registered: boolean, set: unknown[]) =>
      withLibrary(registered, (lib) =>
        new lib.ManifestValidator({ crds: lib.readCrdFolder(path.join(ROOT, 'crds')), reuseCompiled: false })
          .validate([{ environment: 'production', critical: true, objects: set as any }])
          .findings.map((f) => lib.formatFinding(f)),
      );
    expect(findings(true, objects)).toEqual(findings(false, objects));
    const broken = findings(true, damaged);
    expect(broken.length).toBeGreaterThan(objects.length / 2);
    expect(broken).toEqual(findings(false, damaged));
  });
});
