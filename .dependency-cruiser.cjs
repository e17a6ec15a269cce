// Architecture rules for lib/ (run: npm run lint:arch; proven by test/processes/architecture.test.ts).
// Paths are relative to the folder depcruise runs in: lib/..., main.ts, and npm packages resolve to
// .../node_modules/<name>/...; node core modules resolve to their bare name ('node:fs' too: fs).
const CONSTRUCTS = '^lib/(workloads|data|identity|network|observability|delivery|secrets)/';
const BELOW_PROGRAM = '^lib/(core|pods|workloads|data|identity|network|observability|delivery|secrets|product)/';
const NPM = '(^|/)node_modules/';
// Dependencies the compiler erases: `import type` / `export type` ("type-only") and `typeof import('x')`
// in a type position ("type-import"). They load nothing at run time.
const ERASED = ['type-only', 'type-import'];

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
      from: { path: '^(lib/|main[.]ts$)' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ERASED } },
    },
    {
      name: 'core-is-the-bottom',
      severity: 'error',
      comment:
        'lib/core holds the shared primitives every layer builds on; it may import only lib/core (and npm ' +
        'packages / node core), otherwise the bottom layer depends on the layers above it.',
      from: { path: '^lib/core/' },
      to: { pathNot: ['^lib/core/', NPM], dependencyTypesNot: ['core'] },
    },
    {
      name: 'pods-only-core',
      severity: 'error',
      comment:
        'lib/pods holds the pod helpers shared by workloads, Keycloak and PostgreSQL; it may import only ' +
        'lib/core and lib/pods so that every construct can use it without a cycle.',
      from: { path: '^lib/pods/' },
      to: { pathNot: ['^lib/(core|pods)/', NPM], dependencyTypesNot: ['core'] },
    },
    {
      name: 'constructs-stay-pure',
      severity: 'error',
      comment:
        'The constructs (workloads, data, identity, network) are building blocks: they must not know the ' +
        'product model, the program layer, the validation gate or the public API barrel (lib/index.ts).',
      from: { path: CONSTRUCTS },
      to: { path: ['^lib/(product|program|gate)/', '^lib/index[.]ts$'] },
    },
    {
      name: 'product-is-pure',
      severity: 'error',
      comment:
        'lib/product composes constructs from props (props in, objects out); reading files, writing dist/ ' +
        'and validating manifests belong to lib/program and lib/gate, and lib/index.ts is for consumers only.',
      from: { path: '^lib/product/' },
      to: { path: ['^lib/(program|gate)/', '^lib/index[.]ts$'] },
    },
    {
      name: 'gate-reads-manifests-only',
      severity: 'error',
      comment:
        'The validation gate judges rendered manifests, not the code that rendered them: it may import only ' +
        'lib/gate and lib/core (and npm packages / node core), never constructs, product or program.',
      from: { path: '^lib/gate/' },
      to: { pathNot: ['^lib/(gate|core)/', NPM], dependencyTypesNot: ['core'] },
    },
    {
      name: 'no-io-below-program',
      severity: 'error',
      comment:
        'Only lib/program (and the gate) touch the file system or the process: constructs and the product ' +
        'model stay pure (props in, objects out) so they are deterministic and testable without a disk.',
      from: { path: BELOW_PROGRAM },
      to: {
        dependencyTypes: ['core'],
        path: '^(fs|fs/promises|child_process|os|worker_threads|net|http|https)$',
      },
    },
    {
      name: 'no-compiler-in-constructs',
      severity: 'error',
      comment:
        'Importing a construct must not load the JSON-schema compiler (ajv) or the YAML parser (yaml); they ' +
        'belong to lib/program and lib/gate. Type-only imports are erased and load nothing, so they are allowed.',
      from: { path: BELOW_PROGRAM },
      to: { path: `${NPM}(ajv|yaml)/`, dependencyTypesNot: ERASED },
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
