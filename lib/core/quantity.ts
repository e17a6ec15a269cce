/**
 * Kubernetes resource quantities, checked the way the API server checks them.
 *
 * Values stay the strings the user wrote (`1Gi` stays `1Gi` in the output); parsing is only used to
 * validate them and to compare a request with its limit.
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
