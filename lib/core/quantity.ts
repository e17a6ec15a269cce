/**
 * Kubernetes resource quantities, checked the way the API server checks them, and written the way it writes them.
 *
 * The API server stores a quantity in canonical form (`1000m` as `1`, `1024Mi` as `1Gi`), and a controller that
 * writes the object back (the Argo Rollouts controller does) owns the canonical value: a manifest with another spelling
 * is a standing diff in Argo CD and a conflict for a later server-side apply. {@link canonicalQuantity} gives that form;
 * the product chart writes every quantity field ({@link quantityFields}) in it, and the gate's `canonical-quantity`
 * rule refuses any other.
 */

const QUANTITY = /^([+-]?[0-9.]+)([eE][-+]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

const SUFFIX: Record<string, number> = {
  'n': 1e-9,
  'u': 1e-6,
  'm': 1e-3,
  '': 1,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
};

/** Parses a quantity (`250m`, `1`, `512Mi`, `1e3`) into a number, or `undefined` when it is not one. */
export function parseQuantity(value: string): number | undefined {
  const match = QUANTITY.exec(value);
  if (!match || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(match[1])) return undefined;
  const suffix = match[2] ?? '';
  // An exponent is `e`/`E` and digits; `E` alone is exa (10^18) and `Ei` exbi (2^60).
  const factor = suffix in SUFFIX ? SUFFIX[suffix] : 10 ** Number(suffix.slice(1));
  return Number(match[1]) * factor;
}

/** The pattern of a valid quantity, for JSON schemas. */
export const QUANTITY_PATTERN = '^[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$';

const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX = Object.fromEntries(Object.entries(DECIMAL_EXPONENT).map(([suffix, exponent]) => [exponent, suffix]));
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const NANO = 10n ** 9n;
/** The largest binary quantity, in nano units: the API server caps BinarySI values at 2^63 - 1. */
const BINARY_MAX = (2n ** 63n - 1n) * NANO;
const PARTS = /^([+-]?)(\d*)(?:\.(\d*))?(?:([eE])([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE]))?$/;

/**
 * The canonical form of a quantity, as the API server writes a quantity it computed (apimachinery's
 * `Quantity.CanonicalizeBytes`, k8s.io/apimachinery/pkg/api/resource/quantity.go), or `undefined` when the text is not
 * a quantity. The value is rounded up to a nano unit, as the API server parses it; the suffix keeps its kind (binary,
 * decimal or exponent); then, with no precision lost: a binary value of at least 1024 in magnitude that is a whole
 * number gets the largest binary suffix that divides it (`1.5Gi` → `1536Mi`), any other value the largest decimal
 * suffix (or exponent) that is a multiple of three and leaves a whole number (`1000m` → `1`, `0.5` → `500m`,
 * `0.5Ki` → `512`). The sign is written only when negative.
 *
 * Written by hand: no npm package canonicalises quantities the API server's way (the Kubernetes JavaScript client
 * parses them to numbers, which loses the precision this needs). The arithmetic is on BigInts, exact like the API
 * server's. Two deliberate differences, both outside what a manifest holds: the API server keeps a few spellings of a
 * canonical value as written (`+1`, `1E3`, `1.500k`), which this writes as `1`, `1e3` and `1500`; and a decimal value of
 * 1000E or more, which the API server prints without its suffix (`1000E` as `1`), keeps the suffix `E` here.
 */
export function canonicalQuantity(text: string): string | undefined {
  const match = PARTS.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const [, sign, whole, fraction = '', exponentMark, exponentDigits, binary, decimal] = match;
  // |value| in nano units, as a fraction numerator / denominator, then rounded up (the API server's inf.RoundUp).
  let numerator = BigInt(`${whole}${fraction}` || '0') * NANO;
  let denominator = 10n ** BigInt(fraction.length);
  const exponent = exponentMark !== undefined ? Number(exponentDigits) : DECIMAL_EXPONENT[decimal ?? ''];
  if (binary !== undefined) numerator *= 1024n ** BigInt(BINARY_SUFFIXES.indexOf(binary));
  else if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator *= 10n ** BigInt(-exponent);
  let nano = (numerator + denominator - 1n) / denominator;
  if (nano === 0n) return '0';
  if (binary !== undefined && nano > BINARY_MAX) nano = BINARY_MAX;
  const minus = sign === '-' ? '-' : '';
  if (binary !== undefined && nano >= 1024n * NANO && nano % NANO === 0n) {
    let amount = nano / NANO;
    let power = 0;
    while (amount % 1024n === 0n && power < BINARY_SUFFIXES.length - 1) {
      amount /= 1024n;
      power++;
    }
    return `${minus}${amount}${BINARY_SUFFIXES[power]}`;
  }
  return `${minus}${decimalForm(nano, exponentMark !== undefined)}`;
}

/** A value in nano units with the largest exponent that is a multiple of three and leaves a whole number. */
function decimalForm(nano: bigint, asExponent: boolean): string {
  let amount = nano;
  let exponent = -9;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exponent++;
  }
  while (((exponent % 3) + 3) % 3 !== 0 || (!asExponent && exponent > 18)) {
    amount *= 10n;
    exponent--;
  }
  if (asExponent) return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  return `${amount}${DECIMAL_SUFFIX[exponent]}`;
}

/** A quantity field of a manifest: its path from the object's root and its value. */
export interface QuantityField {
  readonly path: ReadonlyArray<string | number>;
  readonly value: string | number;
}

/**
 * The quantity fields of a manifest, at any depth: every value of a `requests` or `limits` map of a `resources` map
 * (containers, init containers, PersistentVolumeClaims and volume claim templates, operators' resources), an emptyDir's
 * `sizeLimit`, and the `size` of a `storage` or `walStorage` map (CloudNativePG's volumes). Strings and numbers only
 * (anything else is a schema error).
 */
export function quantityFields(manifest: unknown): QuantityField[] {
  const out: QuantityField[] = [];
  const visit = (node: unknown, path: Array<string | number>): void => {
    if (Array.isArray(node)) node.forEach((item, i) => visit(item, [...path, i]));
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        const here = [...path, key];
        if ((typeof value === 'string' || typeof value === 'number') && isQuantityPath(here)) out.push({ path: here, value });
        else visit(value, here);
      }
    }
  };
  visit(manifest, []);
  return out;
}

function isQuantityPath(path: ReadonlyArray<string | number>): boolean {
  const [grandparent, parent, key] = [path[path.length - 3], path[path.length - 2], path[path.length - 1]];
  if ((parent === 'requests' || parent === 'limits') && grandparent === 'resources') return true;
  return key === 'sizeLimit' || (key === 'size' && (parent === 'storage' || parent === 'walStorage'));
}

/**
 * A copy of a manifest with every quantity field ({@link quantityFields}) in canonical form, as a string; anything that
 * is not a quantity is left for the schema checks to report.
 */
export function canonicalizeQuantities<T>(manifest: T): T {
  const fields = quantityFields(manifest);
  if (fields.every(({ value }) => canonicalQuantity(String(value)) === value)) return manifest;
  const copy = structuredClone(manifest);
  for (const { path, value } of fields) {
    const canonical = canonicalQuantity(String(value));
    if (canonical === undefined) continue;
    const parent = path
      .slice(0, -1)
      .reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, copy as Record<string, unknown>);
    parent[path[path.length - 1]] = canonical;
  }
  return copy;
}
