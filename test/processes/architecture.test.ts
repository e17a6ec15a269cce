import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Layer, layerTable, readLayers } from '../../scripts/layer-table';

/**
 * The architecture rules in .dependency-cruiser.cjs (`npm run lint:arch`), run on the real tree and on
 * fixtures under test/processes/architecture/fixtures/<case>/, each laid out like the repository (lib/, main.ts,
 * imports/, examples/, scripts/, test/) so the rules' `^lib/...` paths match when depcruise runs inside the fixture.
 *
 * It runs as a child process, as `npm run lint:arch` runs it: each tree's cruise reads its own working folder, which
 * a test must not change (its bin is not in the package's "exports", hence the path into node_modules). One spawn
 * per tree, all three started at once (each takes seconds; together they take little more than one).
 */

const ROOT = path.join(__dirname, '..', '..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const FIXTURES = path.join(__dirname, 'architecture', 'fixtures');
// The real tree's cruise takes 5 s idle and over 60 s at load 16 on 2 cores (measured): the process tier's own timeout.
const TIMEOUT = 180_000;

interface Violation {
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string; readonly severity: string };
  readonly cycle?: ReadonlyArray<{ readonly name: string }>;
}

interface CruiseResult {
  readonly modules: ReadonlyArray<{
    readonly source: string;
    readonly dependencies: ReadonlyArray<{ readonly resolved: string; readonly circular: boolean; readonly dependencyTypes: string[] }>;
  }>;
  readonly summary: { readonly violations: Violation[]; readonly error: number; readonly totalCruised: number };
}

/**
 * Cruises `lib main.ts` in `cwd` with the project's config, as `npm run lint:arch` does, and reads the JSON report.
 * The json reporter exits 0 whatever it finds (only reporters such as `err` exit with the error count), so a
 * non-zero exit means depcruise itself failed.
 */
function cruise(cwd: string): Promise<CruiseResult> {
  let result = CRUISES.get(cwd);
  if (result === undefined) {
    result = new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [DEPCRUISE, '--config', CONFIG, '--output-type', 'json', 'lib', 'main.ts'],
        { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`depcruise failed (exit ${error.code}):\n${stderr}${stdout}`));
          else resolve(JSON.parse(stdout) as CruiseResult);
        },
      );
    });
    CRUISES.set(cwd, result);
  }
  return result;
}

/** Cruises by tree, started once. */
const CRUISES = new Map<string, Promise<CruiseResult>>();
const TREES = [ROOT, path.join(FIXTURES, 'cycle'), path.join(FIXTURES, 'layers')];
beforeAll(() => {
  for (const tree of TREES) cruise(tree).catch(() => undefined);
});

/** One line per violation: rule, from, to (a cycle as its whole path); npm paths without the ../ prefix. */
function summarize(violation: Violation): string {
  const to = violation.cycle ? violation.cycle.map((step) => step.name).join(' -> ') : violation.to;
  return `${violation.rule.name}: ${violation.from} -> ${to.replace(/^(\.\.\/)+node_modules\//, 'node_modules/')}`;
}

function violationsOf(result: CruiseResult): string[] {
  return result.summary.violations.map(summarize).sort();
}

describe('architecture rules (.dependency-cruiser.cjs)', () => {
  test('every rule is an error and says why', () => {
    // GIVEN the project's dependency-cruiser config
    const config = require(CONFIG) as { forbidden: Array<{ name: string; severity: string; comment?: string }> };

    // WHEN its rules are listed
    const rules = config.forbidden.map((rule) => ({ name: rule.name, severity: rule.severity, explained: (rule.comment ?? '').length > 20 }));

    // THEN these are the rules, each fails the run and each carries its reason
    expect(rules.map((rule) => rule.name)).toEqual([
      'no-circular',
      'layer-core',
      'layer-pods',
      'layer-imports',
      'layer-observability',
      'layer-network',
      'layer-secrets',
      'layer-data',
      'layer-identity',
      'layer-workloads',
      'layer-delivery',
      'layer-product',
      'layer-gate',
      'layer-program',
      'layer-api',
      'io-only-in-program',
      'parsers-only-in-gate-and-program',
      'every-file-in-a-layer',
      'library-never-imports-products',
      'not-to-unresolvable',
    ]);
    expect(rules.filter((rule) => rule.severity !== 'error' || !rule.explained)).toEqual([]);
  });

  test(
    'the real tree (lib, main.ts) keeps every rule',
    async () => {
      // GIVEN the repository's lib/ and main.ts
      // WHEN cruised as `npm run lint:arch` does
      const result = await cruise(ROOT);

      // THEN nothing is reported (so `npm run lint:arch` exits 0), and it did look at the library
      expect(violationsOf(result)).toEqual([]);
      expect(result.summary.error).toBe(0);
      expect(result.modules.map((module) => module.source)).toEqual(expect.arrayContaining(['main.ts', 'lib/index.ts']));
    },
    TIMEOUT,
  );

  test(
    'fails on the deliberately introduced cycle, and on nothing else',
    async () => {
      // GIVEN lib/workloads/a.ts <-> b.ts (value imports), lib/identity/i1.ts <-> i2.ts closed by an import that
      // names only an interface but is not written `import type`, and lib/data/t1 -> t2 -> t3 closed by `import type`
      // WHEN cruised with the project's config
      const result = await cruise(path.join(FIXTURES, 'cycle'));

      // THEN each runtime cycle is reported once, with its path, as an error (`npm run lint:arch` would exit 2)
      expect(violationsOf(result)).toEqual([
        'no-circular: lib/identity/i1.ts -> lib/identity/i2.ts -> lib/identity/i1.ts',
        'no-circular: lib/workloads/a.ts -> lib/workloads/b.ts -> lib/workloads/a.ts',
      ]);
      expect(result.summary.error).toBe(2);
      // AND the type-only cycle was seen as a cycle, but allowed: `import type` is erased by the compiler
      const t3 = result.modules.find((module) => module.source === 'lib/data/t3.ts');
      expect(t3?.dependencies).toEqual([
        expect.objectContaining({ resolved: 'lib/data/t1.ts', circular: true, dependencyTypes: ['local', 'type-only', 'import'] }),
      ]);
    },
    TIMEOUT,
  );

  test(
    'reports every layering, I/O, compiler, product and resolution violation exactly',
    async () => {
      // GIVEN a tree that breaks each layer rule once or twice next to imports that are allowed
      // (constructs -> core, pods, imports/, npm, construct folders before them; gate -> yaml, core; product -> constructs,
      // `import type` and `typeof import()` of yaml; program -> fs, yaml; core -> path)
      // WHEN cruised with the project's config
      const result = await cruise(path.join(FIXTURES, 'layers'));

      // THEN exactly the broken rules are reported, each as an error
      expect(violationsOf(result)).toEqual([
        'every-file-in-a-layer: lib/misc/m.ts -> lib/core/ok.ts',
        'io-only-in-program: lib/gate/z.ts -> child_process',
        'io-only-in-program: lib/gate/z.ts -> fs',
        'io-only-in-program: lib/network/y.ts -> fs',
        'io-only-in-program: lib/network/y.ts -> os',
        'layer-core: lib/core/c.ts -> lib/pods/p.ts',
        'layer-data: lib/data/d.ts -> lib/identity/i.ts',
        'layer-gate: lib/gate/z.ts -> lib/workloads/x.ts',
        'layer-network: lib/network/y.ts -> lib/product/p.ts',
        'layer-observability: lib/observability/o.ts -> lib/workloads/x.ts',
        'layer-pods: lib/pods/p.ts -> imports/crd.ts',
        'layer-product: lib/product/p.ts -> lib/gate/z.ts',
        'layer-workloads: lib/workloads/x.ts -> lib/index.ts',
        'layer-workloads: lib/workloads/x.ts -> lib/program/files.ts',
        'library-never-imports-products: lib/program/files.ts -> examples/api-only/main.ts',
        'library-never-imports-products: lib/program/files.ts -> main.ts',
        'library-never-imports-products: lib/program/files.ts -> scripts/tool.ts',
        'library-never-imports-products: lib/program/files.ts -> test/helper.ts',
        'not-to-unresolvable: lib/program/files.ts -> ./does-not-exist',
        'parsers-only-in-gate-and-program: lib/product/p.ts -> node_modules/ajv/dist/ajv.js',
      ]);
      expect(result.summary.error).toBe(20);
    },
    TIMEOUT,
  );

  test('orders the construct folders by their real imports: each may import only those before it', () => {
    // GIVEN the layers the config declares
    const layers = layersOf(require(CONFIG));
    const constructs = ['observability', 'network', 'secrets', 'data', 'identity', 'workloads', 'delivery'];

    // WHEN the construct folders' places and what each may import are read
    const order = layers.map((layer) => layer.name).filter((name) => constructs.includes(name));
    const mayImport = Object.fromEntries(
      layers
        .filter((layer) => constructs.includes(layer.name))
        .map((layer) => [layer.name, layer.mayImport.filter((name) => constructs.includes(name))]),
    );

    // THEN they stand in this order, and each may import exactly the construct folders before it
    expect(order).toEqual(constructs);
    expect(mayImport).toEqual(Object.fromEntries(constructs.map((name, index) => [name, constructs.slice(0, index)])));
  });

  test('generates one rule per layer and per capability from the layer list', () => {
    // GIVEN the config's layers, capabilities and rules
    const config = require(CONFIG) as LayeredConfig;
    const rule = (name: string) => config.forbidden.find((r) => r.name === name);

    // THEN every layer has its rule, and the gate may load the parsers but not the file system or processes
    expect(layersOf(config).map((layer) => rule(`layer-${layer.name}`)?.name)).toEqual(layersOf(config).map((layer) => `layer-${layer.name}`));
    expect(
      layersOf(config)
        .filter((layer) => (layer.uses ?? []).length > 0)
        .map((layer) => [layer.name, layer.uses]),
    ).toEqual([
      ['gate', ['parsers']],
      ['program', ['io', 'parsers']],
    ]);
    expect(rule('layer-gate')?.comment).toMatch(/^lib\/gate\/ \(gate: .*\) may import only gate, core /);
  });
});

describe('the layer tables of docs/explanation/layers.md and CONTRIBUTING.md', () => {
  /** The text between a file's `<!-- layers:start ... -->` and `<!-- layers:end -->`. */
  const generated = (file: string): string => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    return text.slice(text.indexOf('-->', text.indexOf('<!-- layers:start')) + 3, text.indexOf('<!-- layers:end -->')).trim();
  };

  test.each(['docs/explanation/layers.md', 'CONTRIBUTING.md'])('%s carries the table npm run docs writes from the config', (file) => {
    // GIVEN the table written from the config's layers WHEN the file's generated section is read THEN they are the same
    expect(generated(file)).toBe(layerTable());
  });

  test('has one row per layer of the config, bottom first, with what each may import and load', () => {
    // GIVEN a config of two layers and one capability
    const table = layerTable({
      layers: [
        { name: 'base', folders: ['lib/base/'], is: 'the bottom', mayImport: [] },
        { name: 'top', folders: ['lib/top/', 'lib/index.ts'], is: 'the top', mayImport: ['base'], uses: ['io'] },
      ],
      capabilities: [{ name: 'io', what: 'the file system' }],
    });

    // THEN each layer is a row, in the config's order
    expect(table.split('\n').slice(2)).toEqual([
      '| base | `lib/base/` | the bottom | (nothing else) |  |',
      '| top | `lib/top/`, `lib/index.ts` | the top | base | the file system |',
    ]);
    // AND the repository's table lists every layer the config declares
    expect(
      layerTable()
        .split('\n')
        .slice(2)
        .map((row) => row.split(' | ')[0].slice(2)),
    ).toEqual(readLayers().layers.map((layer) => layer.name));
  });
});

interface LayeredConfig {
  readonly forbidden: Array<{ name: string; comment?: string }>;
  readonly layers: Layer[];
}

/** The layer list the config declares (a property dependency-cruiser does not see). */
function layersOf(config: unknown): Layer[] {
  return (config as LayeredConfig).layers;
}
