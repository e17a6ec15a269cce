import fc from 'fast-check';
import { canonicalizeQuantities, canonicalQuantity, parseQuantity, quantityFields } from '../../lib/core/quantity';

/**
 * What Kubernetes' own code makes of 484 quantities (k8s.io/apimachinery v0.31.14; scripts/quantity-table): `stored`,
 * what the API server writes back after decoding, and `canonical`, the form of a computed quantity.
 */
const API_SERVER: ReadonlyArray<{ input: string; stored: string; canonical: string }> = require('./quantity-apiserver.json');

describe('parseQuantity', () => {
  test.each([
    ['250m', 0.25],
    ['1', 1],
    ['1.5', 1.5],
    ['512Mi', 512 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1k', 1000],
    ['1e3', 1000],
    ['.5', 0.5],
  ])('reads %s', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  test.each([
    ['12.5', 12.5],
    ['10.25Gi', 10.25 * 2 ** 30],
    ['.25', 0.25],
    ['0.125', 0.125],
  ])('reads %s with several digits on either side of the point', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  test.each([
    ['1E', 1e18],
    ['2E', 2e18],
    ['1Ei', 2 ** 60],
    ['1e18', 1e18],
    ['1E3', 1000],
    ['5e-1', 0.5],
  ])('reads %s: E alone is exa, Ei exbi, e or E with digits an exponent', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  test.each(['', 'abc', '1GB', '250 m', '1..2', 'Mi'])('rejects %p', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

describe('canonicalQuantity', () => {
  test.each([
    ['1000m', '1'],
    ['0.5', '500m'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['1e0', '1'],
    ['1e+3', '1e3'],
    ['0.1m', '100u'],
    ['8Ei', '9223372036854775807'],
    ['-1000m', '-1'],
    ['0Ki', '0'],
  ])('writes %s as the API server does: %s', (input, canonical) => {
    expect(canonicalQuantity(input)).toBe(canonical);
  });

  test(`gives the canonical form Kubernetes' own code gives, for all ${API_SERVER.length} quantities of the table`, () => {
    // GIVEN the table of apimachinery's outputs THEN every input and every stored text canonicalises to its canonical form
    expect(API_SERVER.length).toBeGreaterThan(400);
    const wrong = API_SERVER.filter((r) => canonicalQuantity(r.input) !== r.canonical || canonicalQuantity(r.stored) !== r.canonical);
    expect(wrong).toEqual([]);
  });

  test('differs from what the API server stores only for the spellings it keeps as written', () => {
    // The API server keeps `+1`, `1E3`, `1.500k` as written (a remembered text); the canonical form is the computed one.
    const keptAsWritten = API_SERVER.filter((r) => r.stored !== r.canonical);
    expect(keptAsWritten.every((r) => r.stored === r.input)).toBe(true);
    expect(API_SERVER.find((r) => r.input === '+1')).toEqual({ input: '+1', stored: '+1', canonical: '1' });
  });

  test.each(['', '.', 'abc', '1GB', '250 m', '1..2', 'Mi', '1Ki5', '--1'])('is undefined for %p, which is no quantity', (text) => {
    expect(canonicalQuantity(text)).toBeUndefined();
  });

  const quantity = fc
    .tuple(
      fc.constantFrom('', '-', '+'),
      fc.bigInt({ min: 0n, max: 10n ** 6n }),
      fc.option(fc.stringMatching(/^[0-9]{1,6}$/), { nil: undefined }),
      fc.constantFrom('', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'Ki', 'Mi', 'Gi', 'Ti', 'e3', 'e-2', 'E6'),
    )
    .map(([sign, whole, fraction, suffix]) => `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}${suffix}`);

  test('is idempotent and writes no sign but minus, no point and no leading zero', () => {
    fc.assert(
      fc.property(quantity, (text) => {
        const canonical = canonicalQuantity(text)!;
        expect(canonicalQuantity(canonical)).toBe(canonical);
        expect(canonical).toMatch(/^(0|-?[1-9][0-9]*([numkMGTPE]|[KMGTPE]i|e-?[1-9][0-9]*)?)$/);
      }),
      { numRuns: 500, seed: 20261206 },
    );
  });

  test('keeps the value, rounded up to a nano unit at most', () => {
    fc.assert(
      fc.property(quantity, (text) => {
        const before = parseQuantity(text)!;
        const after = parseQuantity(canonicalQuantity(text)!)!;
        expect(Math.abs(after - before)).toBeLessThanOrEqual(1e-9 + Math.abs(before) * 1e-12);
      }),
      { numRuns: 500, seed: 20261206 },
    );
  });

  test('gives one form for every spelling of a value: n Mi, 1024n Ki and the bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 20 }), (n) => {
        const forms = [`${n}Mi`, `${n * 1024}Ki`, `${BigInt(n) * 2n ** 20n}`].map(canonicalQuantity);
        // a plain number of bytes is decimal: its form is binary only when written with a binary suffix
        expect(forms[0]).toBe(forms[1]);
        expect(parseQuantity(forms[2]!)).toBe(n * 2 ** 20);
      }),
      { numRuns: 300, seed: 20261206 },
    );
  });
});

describe('quantityFields and canonicalizeQuantities', () => {
  const manifest = {
    kind: 'Deployment',
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'api', resources: { requests: { cpu: '0.25', memory: '512Mi' }, limits: { cpu: 2, memory: '1024Mi' }, claims: [{ name: 'x' }] } },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
    storage: { size: '1.5Gi' },
    rules: [{ resources: ['pods'], verbs: ['get'] }],
    metadata: { annotations: { limits: '1000m' } },
  };

  test('finds the quantities of resources requests and limits, sizeLimit and storage sizes, and nothing else', () => {
    expect(quantityFields(manifest)).toEqual([
      { path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'requests', 'cpu'], value: '0.25' },
      { path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'requests', 'memory'], value: '512Mi' },
      { path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'cpu'], value: 2 },
      { path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'memory'], value: '1024Mi' },
      { path: ['spec', 'template', 'spec', 'volumes', 0, 'emptyDir', 'sizeLimit'], value: '64Mi' },
      { path: ['storage', 'size'], value: '1.5Gi' },
    ]);
  });

  test('writes a copy with every quantity canonical, as a string, and leaves the original and everything else alone', () => {
    const copy = canonicalizeQuantities(manifest);
    expect(copy.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '250m', memory: '512Mi' },
      limits: { cpu: '2', memory: '1Gi' },
      claims: [{ name: 'x' }],
    });
    expect(copy.storage).toEqual({ size: '1536Mi' });
    expect(copy.metadata).toEqual({ annotations: { limits: '1000m' } });
    expect(manifest.storage.size).toBe('1.5Gi');
  });

  test('returns a manifest that is already canonical as it is', () => {
    const canonical = { spec: { resources: { requests: { storage: '10Gi' } } } };
    expect(canonicalizeQuantities(canonical)).toBe(canonical);
  });
});
