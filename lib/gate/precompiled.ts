import { createHash } from 'crypto';
import type Ajv from 'ajv';
import type { Format, Options, ValidateFunction } from 'ajv';

/**
 * JSON Schema validators compiled ahead of time.
 *
 * Compiling schemas with ajv is most of what validation costs a short-lived process (the gate's schema pieces and
 * an environment schema take about 0.4 s to compile and milliseconds to run). {@link compileSchema} therefore
 * looks a schema up by its content first: the key is the SHA-256 of the schema's JSON together with everything
 * else that shapes the compiled code (ajv's options, the format names, the schemas it may reference). A program
 * registers validators generated at build time with {@link registerPrecompiledValidators}; a schema that is not
 * among them (another product, a changed CRD) is compiled as before, so a registered table can make validation
 * faster but never different, and a stale table is simply not used.
 *
 * The generator (`scripts/generate-validators.ts`) runs a program with {@link recordCompiledSchemas} on and writes
 * the ajv standalone code of every schema it compiled.
 */

/** A precompiled validator: ajv standalone code wrapped in a function of the format table it calls. */
export type PrecompiledValidator = (formats: Record<string, Format>) => ValidateFunction;

/** Precompiled validators by key (see `schemaKey`). */
export type PrecompiledValidators = Readonly<Record<string, PrecompiledValidator>>;

/** A schema compiled while recording: what the generator needs to write its standalone code. */
export interface RecordedSchema {
  readonly key: string;
  readonly ajv: Ajv;
  readonly validate: ValidateFunction;
}

const REGISTERED = new Map<string, PrecompiledValidator>();
/** Tables registered as a loader: loaded on the first schema compiled (a process that compiles none never loads them). */
const PENDING: Array<() => PrecompiledValidators> = [];
let recording: RecordedSchema[] | undefined;

/**
 * Makes validators generated at build time available to every `compileSchema` in this process; given a function,
 * it is called (once) when the first schema is compiled, so a table of megabytes costs nothing to a process that
 * validates nothing.
 */
export function registerPrecompiledValidators(validators: PrecompiledValidators | (() => PrecompiledValidators)): void {
  if (typeof validators === 'function') {
    PENDING.push(validators);
    return;
  }
  for (const [key, validator] of Object.entries(validators)) REGISTERED.set(key, validator);
}

/**
 * Starts recording every schema compiled from now on (for the generator); returns the list that fills up.
 * Ajv instances created while recording keep their generated source, which standalone code needs.
 */
export function recordCompiledSchemas(): RecordedSchema[] {
  recording = [];
  return recording;
}

/**
 * ajv's `code` options for an instance whose schemas go through {@link compileSchema}: formats are looked up in a
 * `formats` variable, which precompiled code receives as its argument.
 */
export function codeOptions(): NonNullable<Options['code']> {
  const { _ } = require('ajv') as typeof import('ajv');
  return { optimize: false, source: recording !== undefined, formats: _`formats` };
}

/** The key of a schema compiled by an ajv instance described by `context` (options, formats, referenced schemas). */
export function schemaKey(context: string, schema: unknown): string {
  return createHash('sha256').update(context).update('\0').update(JSON.stringify(schema)).digest('hex').slice(0, 40);
}

/** What shapes a {@link schemaCompiler}'s code besides ajv's options. */
export interface SchemaCompilerOptions {
  /** Formats the schemas use. @default none */
  readonly formats?: Record<string, Format>;
  /** Anything else the compiled code depends on, e.g. a hash of the schemas it may reference. @default none */
  readonly context?: string;
  /** Adds what the schemas may reference to the compiler when it is created. */
  readonly setup?: (ajv: Ajv) => void;
}

/**
 * A compiler of schemas for one ajv configuration: each schema through {@link compileSchema} (precompiled when
 * registered), the ajv instance created, given its formats and set up only when a schema is not precompiled.
 */
export function schemaCompiler(
  options: Options,
  { formats = {}, context = '', setup }: SchemaCompilerOptions = {},
): (schema: unknown) => ValidateFunction {
  const key = JSON.stringify({ options, formats: Object.keys(formats), context });
  let ajv: Ajv | undefined;
  const instance = (): Ajv => {
    if (ajv === undefined) {
      // Loaded here, not at import: importing the library must not load the schema compiler.
      const AjvClass: typeof Ajv = require('ajv').default;
      ajv = new AjvClass({ ...options, code: codeOptions() });
      for (const [name, format] of Object.entries(formats)) ajv.addFormat(name, format);
      setup?.(ajv);
    }
    return ajv;
  };
  return (schema) => compileSchema(instance, key, schema, formats);
}

/**
 * The validator of `schema`: the registered precompiled one for its key, else compiled by `ajv()` (created on
 * first need, so that a process whose schemas are all precompiled never loads the compiler).
 */
export function compileSchema(ajv: () => Ajv, context: string, schema: unknown, formats: Record<string, Format>): ValidateFunction {
  for (const load of PENDING.splice(0)) registerPrecompiledValidators(load());
  const key = schemaKey(context, schema);
  const precompiled = REGISTERED.get(key);
  if (precompiled !== undefined && recording === undefined) {
    // As a compiled validator carries it (callers read, e.g., the schema's `required`).
    return Object.assign(precompiled(formats), { schema: schema as ValidateFunction['schema'] });
  }
  const instance = ajv();
  const validate = instance.compile(schema as object);
  recording?.push({ key, ajv: instance, validate });
  return validate;
}
