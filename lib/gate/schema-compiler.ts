import type { Yaml } from './finding';
// How the gate compiles JSON schemas: the formats the API server checks, ajv's options, references into the Kubernetes
// bundle.
import { createHash } from 'crypto';
import type { Format, ValidateFunction } from 'ajv';
import { parseQuantity } from '../core/quantity';
import { schemaCompiler } from './precompiled';

/** Formats the schemas use, checked as the API server checks them; any other format is ignored, as the API server does. */
export const FORMATS: Record<string, Format> = {
  'int32': { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 },
  'int64': { type: 'number', validate: (n: number) => Number.isInteger(n) },
  'double': { type: 'number', validate: () => true },
  'float': { type: 'number', validate: () => true },
  'byte': { type: 'string', validate: (s: string) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) },
  'date-time': { type: 'string', validate: (s: string) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) },
  'date': { type: 'string', validate: (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) },
  'quantity': { type: 'string', validate: (s: string) => parseQuantity(s) !== undefined },
};

export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
// Absolute, so that a schema piece compiled with an id of its own still resolves references into the bundle.
const BUNDLE_ID = 'https://eaf.example.com/schemas/kubernetes.json';
export const REF_PREFIX = `${BUNDLE_ID}#/definitions/`;

/** ajv's options for the gate's schemas. */
const AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  strict: false,
  allowUnionTypes: true,
  unicodeRegExp: false,
  inlineRefs: false,
  logger: false as const,
};

/**
 * Compiles schema pieces that may reference the Kubernetes definitions: precompiled validators first (by content,
 * see `precompiled.ts`), else one ajv instance, given the definitions on first need.
 */
export function kubernetesSchemaCompiler(definitions: Record<string, Yaml>, definitionsJson: string): (schema: Yaml) => ValidateFunction {
  return schemaCompiler(AJV_OPTIONS, {
    formats: FORMATS,
    context: createHash('sha256').update(definitionsJson).digest('hex'),
    setup: (ajv) => ajv.addSchema({ definitions }, BUNDLE_ID),
  });
}
