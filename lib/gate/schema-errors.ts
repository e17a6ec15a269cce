import { ErrorObject } from 'ajv';
import { fieldPath, Yaml } from './finding';

/** A schema violation of one object, before it becomes a finding. */
export interface SchemaProblem {
  /** `<field path>: <problem>`. */
  readonly message: string;
  /** The value at the path (`undefined` when missing). */
  readonly value?: unknown;
  /** How to fix it. */
  readonly fix: string;
}

/** Turns ajv's errors for `data` into one problem per field, in the house format. */
export function schemaProblems(errors: ErrorObject[], data: unknown, schemaName: string): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of inDocumentOrder(withoutBranchNoise(errors), data)) {
    const problem = toProblem(error, data, schemaName);
    if (problem === undefined || seen.has(problem.message)) continue;
    seen.add(problem.message);
    problems.push(problem);
  }
  return problems;
}

/** Sorts errors by where their field sits in the object (a missing required field first in its parent). */
function inDocumentOrder(errors: ErrorObject[], data: unknown): ErrorObject[] {
  const position = (error: ErrorObject): number[] => {
    const out: number[] = [];
    let current: Yaml = data;
    for (const segment of pointerSegments(error.instancePath, data)) {
      out.push(Array.isArray(current) ? Number(segment) : Object.keys(current ?? {}).indexOf(String(segment)));
      current = current?.[segment];
    }
    const params = error.params as Record<string, Yaml>;
    if (error.keyword === 'additionalProperties') out.push(Object.keys(current ?? {}).indexOf(params.additionalProperty));
    if (error.keyword === 'required') out.push(-1);
    return out;
  };
  const keyed = errors.map((error, order) => ({ error, order, at: position(error) }));
  keyed.sort((a, b) => compareArrays(a.at, b.at) || a.order - b.order);
  return keyed.map((k) => k.error);
}

function compareArrays(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Drops the per-branch errors of a failed anyOf/oneOf (its own error says it) and ajv's `if` echo. */
function withoutBranchNoise(errors: ErrorObject[]): ErrorObject[] {
  const junctions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  return errors.filter(
    (e) =>
      e.keyword !== 'if' &&
      !junctions.some((j) => j !== e && e.schemaPath.startsWith(`${j.schemaPath}/`) && e.instancePath.startsWith(j.instancePath)),
  );
}

function toProblem(error: ErrorObject, data: unknown, schemaName: string): SchemaProblem | undefined {
  const segments = pointerSegments(error.instancePath, data);
  const at = (extra?: string) => fieldPath(extra === undefined ? segments : [...segments, extra]);
  const value = valueAt(data, segments);
  const params = error.params as Record<string, Yaml>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = params.additionalProperty as string;
      const known = Object.keys((error.parentSchema as Yaml)?.properties ?? {});
      const closest = closestName(field, known);
      const fix =
        closest !== undefined
          ? `remove ${at(field)} or rename it to ${at(closest)}`
          : known.length > 0
            ? `remove ${at(field)}; the fields ${segments.length === 0 ? 'of the object' : `of ${at()}`} are ${listed(known)}`
            : `remove ${at(field)}; ${at()} takes no fields`;
      return { message: `${at(field)}: unknown field (not in the ${schemaName} schema)`, value: (value as Yaml)?.[field], fix };
    }
    case 'required':
      return { message: `${at(params.missingProperty)}: is required`, value: undefined, fix: `set ${at(params.missingProperty)}` };
    case 'type': {
      const wanted = typeText(params.type);
      return { message: `${at()}: must be ${wanted}`, value, fix: `write ${at()} as ${wanted}` };
    }
    case 'enum':
      return { message: `${at()}: must be one of ${params.allowedValues.join(', ')}`, value, fix: `use one of ${params.allowedValues.join(', ')}` };
    case 'const':
      return {
        message: `${at()}: must be ${JSON.stringify(params.allowedValue)}`,
        value,
        fix: `set ${at()} to ${JSON.stringify(params.allowedValue)}`,
      };
    case 'format': {
      const wanted = FORMAT_TEXT[params.format] ?? `a valid ${params.format}`;
      return { message: `${at()}: must be ${wanted}`, value, fix: `write ${at()} as ${wanted}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { message: `${at()}: must be ${params.comparison} ${params.limit}`, value, fix: `use a value ${params.comparison} ${params.limit}` };
    case 'anyOf':
    case 'oneOf':
      return {
        message: `${at()}: matches ${error.keyword === 'oneOf' ? 'not exactly one' : 'none'} of the forms the ${schemaName} schema allows here`,
        value,
        fix: `give ${at()} exactly one of the allowed forms (see the schema)`,
      };
    default:
      return { message: `${at()}: ${error.message}`, value, fix: `correct ${at()} (see the ${schemaName} schema)` };
  }
}

const FORMAT_TEXT: Record<string, string> = {
  'quantity': 'a quantity such as 250m, 1, 512Mi or 1Gi',
  'date-time': 'an RFC 3339 date-time such as 2024-01-31T12:00:00Z',
  'date': 'a date such as 2024-01-31',
  'int32': 'a whole number from -2147483648 to 2147483647',
  'int64': 'a whole number',
  'byte': 'base64-encoded data',
};

function typeText(type: string | string[]): string {
  const one = (t: string) =>
    (
      ({
        integer: 'an integer',
        string: 'a string',
        object: 'an object (a map of fields)',
        array: 'a list',
        boolean: 'true or false',
        number: 'a number',
        null: 'null',
      }) as Record<string, string>
    )[t] ?? t;
  return Array.isArray(type) ? type.map(one).join(' or ') : String(type).split(',').map(one).join(' or ');
}

function listed(names: string[]): string {
  const sorted = [...names].sort();
  return sorted.length > 15 ? `${sorted.slice(0, 15).join(', ')}, ...` : sorted.join(', ');
}

/** `/spec/containers/0/image` → `['spec', 'containers', 0, 'image']` (numbers only for array indices). */
export function pointerSegments(pointer: string, data: unknown): Array<string | number> {
  const segments: Array<string | number> = [];
  let current: Yaml = data;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: string | number = Array.isArray(current) ? Number(segment) : segment;
    segments.push(key);
    current = current?.[key];
  }
  return segments;
}

function valueAt(data: unknown, segments: Array<string | number>): unknown {
  let current: Yaml = data;
  for (const segment of segments) current = current?.[segment];
  return current;
}

/** The known name closest to `name`, when it is plausibly a typo of it. */
export function closestName(name: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
