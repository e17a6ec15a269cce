import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import fc from 'fast-check';
import { parse } from 'yaml';

/**
 * Precompiled validators (lib/gate/precompiled.ts) make validation faster, never different: a registered validator
 * is used only for the exact schema and compiler it was generated from, and DVMM's generated table
 * (generated/validators.js) answers exactly as the compiler does.
 */

const ROOT = path.join(__dirname, '..', '..');
type Precompiled = typeof import('../../lib/gate/precompiled');

/** A fresh copy of the module, so that registrations and recording of one test do not leak into another. */
function fresh(): Precompiled {
  let module!: Precompiled;
  jest.isolateModules(() => {
    module = require('../../lib/gate/precompiled');
  });
  return module;
}

const SCHEMA = { type: 'object', properties: { replicas: { type: 'integer', minimum: 1 } }, required: ['replicas'], additionalProperties: false };

describe('schemaKey', () => {
  const { schemaKey } = fresh();

  test('is a 40-character hex digest, the same for the same input', () => {
    expect(schemaKey('ctx', SCHEMA)).toMatch(/^[0-9a-f]{40}$/);
    expect(schemaKey('ctx', SCHEMA)).toBe(schemaKey('ctx', JSON.parse(JSON.stringify(SCHEMA))));
  });

  test('changes with the schema and with the compiler context', () => {
    const keys = new Set([
      schemaKey('ctx', SCHEMA),
      schemaKey('ctx', { ...SCHEMA, required: [] }),
      schemaKey('other', SCHEMA),
      schemaKey('ctx\0', SCHEMA),
    ]);
    expect(keys.size).toBe(4);
  });
});

describe('compileSchema', () => {
  test('compiles with the given instance when nothing is registered, and creates it only then', () => {
    const { compileSchema } = fresh();
    const instance = jest.fn(() => new Ajv({ allErrors: true }));
    const validate = compileSchema(instance, 'ctx', SCHEMA, {});
    expect(instance).toHaveBeenCalledTimes(1);
    expect(validate({ replicas: 2 })).toBe(true);
    expect(validate({ replicas: 0 })).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual(['/replicas must be >= 1']);
  });

  test('uses a registered validator for the same key without creating a compiler, with its formats and schema', () => {
    const { compileSchema, registerPrecompiledValidators, schemaKey } = fresh();
    const formats = { even: { validate: (n: number) => n % 2 === 0 } };
    const received: unknown[] = [];
    const precompiled = Object.assign((data: any) => data?.replicas === 42, { errors: null });
    registerPrecompiledValidators({ [schemaKey('ctx', SCHEMA)]: (f) => { received.push(f); return precompiled as any; } });
    const instance = jest.fn(() => { throw new Error('must not compile'); });

    const validate = compileSchema(instance, 'ctx', SCHEMA, formats);

    expect(instance).not.toHaveBeenCalled();
    expect(received).toEqual([formats]);
    expect(validate({ replicas: 42 })).toBe(true);
    expect(validate({ replicas: 2 })).toBe(false);
    expect(validate.schema).toBe(SCHEMA);
  });

  test('ignores a registered validator of another context or another schema', () => {
    const { compileSchema, registerPrecompiledValidators, schemaKey } = fresh();
    const wrong = () => { throw new Error('a validator of another schema was used'); };
    registerPrecompiledValidators({ [schemaKey('other', SCHEMA)]: wrong, [schemaKey('ctx', { ...SCHEMA, required: [] })]: wrong });
    const validate = compileSchema(() => new Ajv(), 'ctx', SCHEMA, {});
    expect(validate({})).toBe(false);
  });

  test('while recording, compiles even registered schemas and lists each with its key and compiler', () => {
    const { codeOptions, compileSchema, recordCompiledSchemas, registerPrecompiledValidators, schemaKey } = fresh();
    registerPrecompiledValidators({ [schemaKey('ctx', SCHEMA)]: () => { throw new Error('recording must compile'); } });
    const recorded = recordCompiledSchemas();
    expect(codeOptions().source).toBe(true);
    const ajv = new Ajv({ code: codeOptions() });

    const validate = compileSchema(() => ajv, 'ctx', SCHEMA, {});

    expect(recorded).toEqual([{ key: schemaKey('ctx', SCHEMA), ajv, validate }]);
    expect(validate({ replicas: 1 })).toBe(true);
  });

  test('keeps no generated source when not recording', () => {
    const { codeOptions } = fresh();
    expect(codeOptions()).toMatchObject({ optimize: false, source: false });
  });
});

describe("DVMM's generated validators", () => {
  /** A fresh library, with or without generated/validators.js registered; each compiles what it needs once. */
  function library(registered: boolean): typeof import('../../lib') {
    let lib!: typeof import('../../lib');
    jest.isolateModules(() => {
      lib = require('../../lib');
      if (registered) lib.registerPrecompiledValidators(require('../../generated/validators').validators);
    });
    return lib;
  }
  const libraries = { true: library(true), false: library(false) };
  const withLibrary = <T>(registered: boolean, body: (lib: typeof import('../../lib')) => T): T => body(libraries[`${registered}`]);

  const { dvmm } = require('../../main') as typeof import('../../main');
  const production = fs.readFileSync(path.join(ROOT, 'environments', 'production.yaml'), 'utf8');

  test('are registered by the program and cover every schema its synth compiles: it compiles none', () => {
    const outdir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'precompiled-'));
    try {
      const { compiled, code } = (() => {
        let result!: { compiled: number; code: number };
        jest.isolateModules(() => {
          const AjvClass = require('ajv').default;
          const compile = jest.spyOn(AjvClass.prototype, 'compile');
          const program = require('../../main') as typeof import('../../main');
          const exit = program.main({ outdir: path.join(outdir, 'dist'), log: () => undefined });
          result = { compiled: compile.mock.calls.length, code: exit };
        });
        return result;
      })();
      expect(code).toBe(0);
      expect(compiled).toBe(0);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('answer environment files exactly as the compiler does, for valid and damaged files', () => {
    const parse1 = (registered: boolean, text: string) => withLibrary(registered, (lib) => {
      try {
        return { ok: lib.parseEnvironment('production.yaml', text, dvmm) };
      } catch (error) {
        return { error: (error as Error).message };
      }
    });
    const base = parse(production);
    const damaged = fc.record({
      key: fc.constantFrom('replicas', 'namespace', 'critical', 'hosts', 'components', 'databases', 'bogus'),
      value: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })),
    });
    fc.assert(fc.property(damaged, ({ key, value }) => {
      const copy = JSON.parse(JSON.stringify(base));
      if (key === 'replicas') copy.components.api.replicas = value;
      else copy[key] = value;
      const text = JSON.stringify(copy);
      expect(parse1(true, text)).toEqual(parse1(false, text));
    }), { numRuns: 40, seed: 20261123 });
    expect(parse1(true, production)).toEqual(parse1(false, production));
  });

  test('answer the gate exactly as the compiler does, on the real output and on damaged objects', () => {
    const objects = fs.readdirSync(path.join(ROOT, 'dist', 'production')).flatMap((file) => require('yaml').parseAllDocuments(fs.readFileSync(path.join(ROOT, 'dist', 'production', file), 'utf8')).map((d: any) => d.toJS()));
    const damaged = objects.map((object: any, i: number) => {
      const copy = JSON.parse(JSON.stringify(object));
      if (i % 3 === 0) copy.spec = { ...copy.spec, unknownField: true };
      if (i % 3 === 1) copy.metadata = { ...copy.metadata, labels: { ...copy.metadata.labels, 'bad key!': 'x' } };
      if (i % 3 === 2 && copy.spec !== undefined) copy.spec.replicas = 'two';
      return copy;
    });
    const findings = (registered: boolean, set: unknown[]) => withLibrary(registered, (lib) => new lib.ManifestValidator({ crdDirectory: path.join(ROOT, 'crds'), reuseCompiled: false })
      .validate([{ environment: 'production', critical: true, objects: set as any }]).findings.map((f) => lib.formatFinding(f)));
    expect(findings(true, objects)).toEqual(findings(false, objects));
    const broken = findings(true, damaged);
    expect(broken.length).toBeGreaterThan(objects.length / 2);
    expect(broken).toEqual(findings(false, damaged));
  });
});
