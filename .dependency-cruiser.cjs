// Architecture rules for lib/ (run: npm run lint:arch; proven by test/processes/architecture.test.ts).
// This file is the one authority on the layers: LAYERS below is read by the rules here and by `npm run docs`,
// which writes the layer tables of README.md and CONTRIBUTING.md from it.
// Paths are relative to the folder depcruise runs in: lib/..., main.ts, and npm packages resolve to
// .../node_modules/<name>/...; node core modules resolve to their bare name ('node:fs' too: fs).
const NPM = '(^|/)node_modules/';
// Dependencies the compiler erases: `import type` / `export type` ("type-only") and `typeof import('x')`
// in a type position ("type-import"). They load nothing at run time.
const ERASED = ['type-only', 'type-import'];

/**
 * The layers, bottom first. A layer may import its own folders and the layers it names in `mayImport`, which must
 * come before it in this list, so no arrow can point up and no two layers can import each other. Type-only imports
 * count too: a type names the layer that owns it. npm packages and node core modules are allowed unless a capability
 * below restricts them.
 *
 * The construct folders are ordered by the imports they have (value and type-only), which all point one way:
 * observability, network and secrets import no other construct (observability comes first because four constructs
 * build on its alert and monitor helpers); data uses observability (alerts of a PostgreSQL cluster); identity uses
 * data (Keycloak's database) and observability; workloads use identity, data (their connection props) and
 * observability; delivery uses workloads (rollouts) and observability. Each construct may import every construct
 * before it, so a new downward import needs no edit here and an upward one fails.
 */
const CONSTRUCT_BASE = ['core', 'pods', 'imports'];
const LAYERS = [
  {
    name: 'core',
    folders: ['lib/core/'],
    is: 'shared vocabulary: errors, value formats, quantities, secrets, waivers, labels, the connection record',
    mayImport: [],
  },
  {
    name: 'pods',
    folders: ['lib/pods/'],
    is: 'pod helpers shared by workloads, Keycloak and PostgreSQL: security context, resources, probes, PDBs, Services',
    mayImport: ['core'],
  },
  {
    name: 'imports',
    folders: ['imports/'],
    is: 'generated bindings of the CRDs (`npm run import`)',
    mayImport: [],
  },
  {
    name: 'observability',
    folders: ['lib/observability/'],
    is: 'constructs: alerts, dashboards, pod monitors, uptime probes',
    mayImport: [...CONSTRUCT_BASE],
  },
  {
    name: 'network',
    folders: ['lib/network/'],
    is: 'constructs: namespace, exposure (Ingress/Route), NetworkPolicies',
    mayImport: [...CONSTRUCT_BASE, 'observability'],
  },
  {
    name: 'secrets',
    folders: ['lib/secrets/'],
    is: 'constructs: ExternalSecrets, SealedSecrets, the Secret inventory',
    mayImport: [...CONSTRUCT_BASE, 'observability', 'network'],
  },
  {
    name: 'data',
    folders: ['lib/data/'],
    is: 'constructs: PostgreSQL clusters, backups, snapshot pruning',
    mayImport: [...CONSTRUCT_BASE, 'observability', 'network', 'secrets'],
  },
  {
    name: 'identity',
    folders: ['lib/identity/'],
    is: 'constructs: Keycloak, external OIDC, realm export',
    mayImport: [...CONSTRUCT_BASE, 'observability', 'network', 'secrets', 'data'],
  },
  {
    name: 'workloads',
    folders: ['lib/workloads/'],
    is: 'constructs: the API and frontend workloads, blue-green and rollout releases',
    mayImport: [...CONSTRUCT_BASE, 'observability', 'network', 'secrets', 'data', 'identity'],
  },
  {
    name: 'delivery',
    folders: ['lib/delivery/'],
    is: 'constructs: Argo CD applications, sync waves, rollout analysis, smoke tests',
    mayImport: [...CONSTRUCT_BASE, 'observability', 'network', 'secrets', 'data', 'identity', 'workloads'],
  },
  {
    name: 'product',
    folders: ['lib/product/'],
    is: 'the product model: declaration, settings, environment schema, the product chart (props in, objects out)',
    mayImport: [...CONSTRUCT_BASE, 'observability', 'network', 'secrets', 'data', 'identity', 'workloads', 'delivery'],
  },
  {
    name: 'gate',
    folders: ['lib/gate/'],
    is: 'the validation gate: judges rendered manifests (given as data), reports findings',
    mayImport: ['core'],
    uses: ['parsers'],
  },
  {
    name: 'program',
    folders: ['lib/program/'],
    is: 'the only layer with file system and process: environment and CRD files, atomic synthesis, the CLI',
    mayImport: [...CONSTRUCT_BASE, 'observability', 'network', 'secrets', 'data', 'identity', 'workloads', 'delivery', 'product', 'gate'],
    uses: ['io', 'parsers'],
  },
  {
    name: 'api',
    folders: ['lib/index.ts'],
    is: 'the public API of @eaf/cdk8s (constructs and the product model), for consumers only; the gate and the program are entries of their own (@eaf/cdk8s/gate, @eaf/cdk8s/program), so importing this one loads neither',
    mayImport: ['core', 'pods', 'observability', 'network', 'secrets', 'data', 'identity', 'workloads', 'delivery', 'product'],
  },
];

/** What only some layers may load; every other layer is forbidden to. */
const CAPABILITIES = [
  {
    name: 'io',
    what: 'the file system, processes and the network (fs, child_process, os, worker_threads, net, http, https)',
    why: 'everything else stays pure (data in, data out) so it is deterministic and testable without a disk',
    to: { dependencyTypes: ['core'], path: '^(fs|fs/promises|child_process|os|worker_threads|net|http|https)$' },
  },
  {
    name: 'parsers',
    what: 'the JSON-schema compiler (ajv) and the YAML parser (yaml)',
    why: 'importing a construct must not load them; type-only imports are erased and load nothing, so they are allowed',
    to: { path: `${NPM}(ajv|yaml)/`, dependencyTypesNot: ERASED },
  },
];

/** A folder as a path pattern: `lib/core/` matches the folder, `lib/index.ts` the one file. */
const pattern = (folder) => `^${folder.replace(/[.]/g, '[.]')}${folder.endsWith('/') ? '' : '$'}`;
const byName = new Map(LAYERS.map((layer, index) => [layer.name, { layer, index }]));
for (const [index, layer] of LAYERS.entries()) {
  for (const name of layer.mayImport) {
    const target = byName.get(name);
    if (target === undefined) throw new Error(`.dependency-cruiser.cjs: layer ${layer.name} may import ${name}, which is no layer`);
    if (target.index >= index) {
      throw new Error(`.dependency-cruiser.cjs: layer ${layer.name} may import ${name}, which does not come before it`);
    }
  }
  for (const use of layer.uses ?? []) {
    if (!CAPABILITIES.some((capability) => capability.name === use)) {
      throw new Error(`.dependency-cruiser.cjs: layer ${layer.name} uses ${use}, which is no capability`);
    }
  }
}
const ALL_FOLDERS = LAYERS.flatMap((layer) => layer.folders.map(pattern));

/** One rule per layer: it may import only its own folders and the layers it names (arrows outside lib/ are other rules' business). */
function layerRule(layer) {
  const allowed = [layer.name, ...layer.mayImport];
  return {
    name: `layer-${layer.name}`,
    severity: 'error',
    comment:
      `${layer.folders.join(', ')} (${layer.name}: ${layer.is}) may import only ${allowed.join(', ')} ` +
      '(layers in .dependency-cruiser.cjs, LAYERS): imports go down the list, never up or sideways, so no cycle can ' +
      'form between layers. Move the shared code down, or use an interface owned by the lower layer.',
    from: { path: layer.folders.map(pattern) },
    to: { path: ALL_FOLDERS, pathNot: allowed.flatMap((name) => byName.get(name).layer.folders.map(pattern)) },
  };
}

/** One rule per capability: the layers without it may not load it. */
function capabilityRule(capability) {
  const users = LAYERS.filter((layer) => (layer.uses ?? []).includes(capability.name)).map((layer) => layer.name);
  const others = LAYERS.filter((layer) => !users.includes(layer.name));
  return {
    name: `${capability.name}-only-in-${users.join('-and-')}`,
    severity: 'error',
    comment: `Only ${users.join(' and ')} may load ${capability.what}: ${capability.why}.`,
    from: { path: others.flatMap((layer) => layer.folders.map(pattern)) },
    to: capability.to,
  };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import cycles make load order matter (a construct sees an undefined export at import time) and glue ' +
        'layers together. Break the cycle, or use `import type` when only types are needed: type-only imports ' +
        'are erased by the compiler, so a cycle with an erased edge is not a runtime cycle and is allowed.',
      from: { path: '^(lib/|(main|synth)[.]ts$)' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ERASED } },
    },
    ...LAYERS.map(layerRule),
    ...CAPABILITIES.map(capabilityRule),
    {
      name: 'every-file-in-a-layer',
      severity: 'error',
      comment: 'Every file of lib/ belongs to a layer of LAYERS in .dependency-cruiser.cjs; add its folder there, with what it ' +
        'may import.',
      from: { path: '^lib/', pathNot: ALL_FOLDERS },
      to: {},
    },
    {
      name: 'library-never-imports-products',
      severity: 'error',
      comment:
        'The library is consumed by products (main.ts declares DVMM, synth.ts is its program, examples/ hold more), ' +
        'scripts and tests; it must never import them back.',
      from: { path: '^lib/' },
      to: { path: ['^(main|synth)[.]ts$', '^examples/', '^scripts/', '^test/'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'This import in lib/ does not resolve to a file or package (typo, missing file or missing dependency).',
      from: { path: '^lib/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Also see the dependencies the compiler erases (ERASED above) so the rules can tell them apart.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve package exports the way Node's require does (CommonJS), e.g. tsx/cjs/api.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'] },
    // Cruises are kept between runs (the repository's: about 2.6 s cold, 0.9 s from the cache), shared by
    // `npm run lint:arch` and test/processes/architecture.test.ts, one cache per tree cruised (the test's fixture trees have theirs);
    // checksums of the files' contents decide what is stale, so a clone or an uncommitted edit is cruised anew.
    cache: {
      folder: require('path').join(__dirname, 'node_modules', '.cache', 'dependency-cruiser', require('path').relative(__dirname, process.cwd()) || 'root'),
      strategy: 'content',
    },
  },
};
// The data the rules are generated from, for `npm run docs` and the tests; not enumerable, because
// dependency-cruiser accepts no keys of its own in a configuration.
Object.defineProperties(module.exports, { layers: { value: LAYERS }, capabilities: { value: CAPABILITIES } });
