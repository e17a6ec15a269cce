import Ajv from 'ajv';

/**
 * Precompiled validators (lib/gate/precompiled.ts) make validation faster, never different: a registered validator
 * is used only for the exact schema and compiler it was generated from (DVMM's generated table is proven in
 * test/dvmm/precompiled-validators.test.ts).
 */

type Precompiled = typeof import('../../lib/gate/precompiled');

/** A fresh copy of the module, so that registrations and recording of one test do not leak into another. */
async function fresh(): Promise<Precompiled> {
  vi.resetModules();
  return import('../../lib/gate/precompiled');
}

const SCHEMA = { type: 'object', properties: { replicas: { type: 'integer', minimum: 1 } }, required: ['replicas'], additionalProperties: false };

describe('schemaKey', () => {
  let schemaKey: Precompiled['schemaKey'];
  beforeAll(async () => ({ schemaKey } = await fresh()));

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
    // the context and the schema are kept apart: "1" + 23 is not "12" + 3
    expect(schemaKey('1', 23)).not.toBe(schemaKey('12', 3));
  });
});

describe('compileSchema', () => {
  test('GIVEN a table registered as a loader WHEN no schema is compiled THEN it is never loaded; WHEN schemas are THEN once, and used', async () => {
    const { compileSchema, registerPrecompiledValidators, schemaKey } = await fresh();
    const precompiled = Object.assign(() => true, { errors: null });
    const load = vi.fn(() => ({ [schemaKey('ctx', SCHEMA)]: () => precompiled as any }));
    registerPrecompiledValidators(load);
    expect(load).not.toHaveBeenCalled();
    const instance = vi.fn(() => new Ajv());
    expect(compileSchema(instance, 'ctx', SCHEMA, {})({ replicas: 0 })).toBe(true);
    compileSchema(instance, 'ctx', SCHEMA, {});
    expect(load).toHaveBeenCalledTimes(1);
    expect(instance).not.toHaveBeenCalled();
  });

  test('compiles with the given instance when nothing is registered, and creates it only then', async () => {
    const { compileSchema } = await fresh();
    const instance = vi.fn(() => new Ajv({ allErrors: true }));
    const validate = compileSchema(instance, 'ctx', SCHEMA, {});
    expect(instance).toHaveBeenCalledTimes(1);
    expect(validate({ replicas: 2 })).toBe(true);
    expect(validate({ replicas: 0 })).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual(['/replicas must be >= 1']);
  });

  test('uses a registered validator for the same key without creating a compiler, with its formats and schema', async () => {
    const { compileSchema, registerPrecompiledValidators, schemaKey } = await fresh();
    const formats = { even: { validate: (n: number) => n % 2 === 0 } };
    const received: unknown[] = [];
    const precompiled = Object.assign((data: any) => data?.replicas === 42, { errors: null });
    registerPrecompiledValidators({
      [schemaKey('ctx', SCHEMA)]: (f) => {
        received.push(f);
        return precompiled as any;
      },
    });
    const instance = vi.fn(() => {
      throw new Error('must not compile');
    });

    const validate = compileSchema(instance, 'ctx', SCHEMA, formats);

    expect(instance).not.toHaveBeenCalled();
    expect(received).toEqual([formats]);
    expect(validate({ replicas: 42 })).toBe(true);
    expect(validate({ replicas: 2 })).toBe(false);
    expect(validate.schema).toBe(SCHEMA);
  });

  test('ignores a registered validator of another context or another schema', async () => {
    const { compileSchema, registerPrecompiledValidators, schemaKey } = await fresh();
    const wrong = () => {
      throw new Error('a validator of another schema was used');
    };
    registerPrecompiledValidators({ [schemaKey('other', SCHEMA)]: wrong, [schemaKey('ctx', { ...SCHEMA, required: [] })]: wrong });
    const validate = compileSchema(() => new Ajv(), 'ctx', SCHEMA, {});
    expect(validate({})).toBe(false);
  });

  test('while recording, compiles even registered schemas and lists each with its key and compiler', async () => {
    const { codeOptions, compileSchema, recordCompiledSchemas, registerPrecompiledValidators, schemaKey } = await fresh();
    registerPrecompiledValidators({
      [schemaKey('ctx', SCHEMA)]: () => {
        throw new Error('recording must compile');
      },
    });
    const recorded = recordCompiledSchemas();
    expect(codeOptions().source).toBe(true);
    const ajv = new Ajv({ code: codeOptions() });

    const validate = compileSchema(() => ajv, 'ctx', SCHEMA, {});

    expect(recorded).toEqual([{ key: schemaKey('ctx', SCHEMA), ajv, validate }]);
    expect(validate({ replicas: 1 })).toBe(true);
  });

  test('recorded schemas become standalone code that calls the format table it is given', async () => {
    const { codeOptions, compileSchema, recordCompiledSchemas } = await fresh();
    recordCompiledSchemas();
    const ajv = new Ajv({ code: codeOptions() });
    const formats = { even: { type: 'number' as const, validate: (n: number) => n % 2 === 0 } };
    ajv.addFormat('even', formats.even);
    const schema = { type: 'number', format: 'even' };
    const validate = compileSchema(() => ajv, 'ctx', schema, formats);
    const code = require('ajv/dist/standalone').default(ajv, validate) as string;
    const precompiled = new Function('formats', 'require', `const module = { exports: {} }; ${code}\nreturn module.exports;`)(formats, require);
    expect([precompiled(4), precompiled(5)]).toEqual([true, false]);
  });

  test('keeps no generated source when not recording', async () => {
    const { codeOptions } = await fresh();
    expect(codeOptions()).toMatchObject({ optimize: false, source: false });
  });
});
