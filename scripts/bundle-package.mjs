#!/usr/bin/env node
// Makes the package's modules one file: every module of build/lib/ and build/imports/ (tsc's output) goes into
// build/bundle.js, and its own file becomes a one-line facade that hands out the bundled module:
//
//   node scripts/bundle-package.mjs        (scripts/build.sh runs it after tsc and scripts/lazy-exports.mjs)
//
// Why: a product runs the package's code through `eaf-cdk8s synth`, and Node resolving, reading, hashing and compiling
// some 220 modules one by one cost about 15 % of that command (issue 32, docs/explanation/performance.md). One file
// is read once and its compiled code cached as one entry (bin/compile-cache.js, or Node's own cache). What stays the
// same, so nothing that requires the package can tell:
// - **One instance of every module.** A facade is the only file of its path and returns the bundle's module, so a
//   class or an error loaded through `@eaf/cdk8s` is the one the CLI checks against, whichever path reached it.
// - **Loaded when first used.** esbuild wraps every CommonJS module in a function run on its first `require`, and
//   the public entry points keep their lazy re-exports (scripts/lazy-exports.mjs): they are left as they are, their
//   `require("./x")` reaching x's facade, so Node's CommonJS export detection still finds every name for an ES module
//   that imports the package.
// - **Packages stay packages.** Every dependency and peer (cdk8s, constructs, ajv, yaml, ...) is left to `require`, so
//   the product's copy of cdk8s is the one the library extends, npm deduplicates and updates them, and a fix of a
//   dependency reaches the product without a release of this package. The JSON the gate reads stays a file of its own
//   (Node parses it with JSON.parse, faster than the same data as JavaScript).
// - **A program stays a program.** A module that runs when it is the main module (`require.main === module`, the
//   rehearsal's driver) keeps its file, since in a bundle no module is the main one; its imports reach facades.
// No bundler option writes the facades (esbuild bundles an entry, it does not replace the files it read), hence
// this script. It reads and writes only build/, so it runs after tsc.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(join(root, 'package.json'));
const esbuild = require('esbuild');
const build = join(root, 'build');
const bundle = join(build, 'bundle.js');
const ENTRY_POINTS = ['lib/index', 'lib/gate/index', 'lib/program/index'];
const PROGRAM = /\brequire\.main === module\b/;

/** Every module of build/ by its id (`lib/gate/schemas` for build/lib/gate/schemas.js). */
function modules(folder = build) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = join(folder, entry.name);
    if (entry.isDirectory()) return modules(file);
    return entry.name.endsWith('.js') && file !== bundle ? [relative(build, file).slice(0, -'.js'.length).split(sep).join('/')] : [];
  });
}

const all = modules().sort();
const source = new Map(all.map((id) => [id, readFileSync(join(build, `${id}.js`), 'utf8')]));
const FACADE = 'one module of build/bundle.js (scripts/bundle-package.mjs)';
if (all.some((id) => source.get(id).includes(FACADE))) fail('build/ is bundled already; npm run build writes it afresh');
const programs = all.filter((id) => PROGRAM.test(source.get(id)));
const bundled = all.filter((id) => !ENTRY_POINTS.includes(id) && !programs.includes(id));
if (ENTRY_POINTS.some((id) => !all.includes(id))) fail(`build/ lacks one of the entry points ${ENTRY_POINTS.join(', ')}`);

// The bundle's entry: a table of loaders, so a module runs when its facade is first required, not when the bundle loads.
const table = bundled.map((id) => `  ${JSON.stringify(id)}: () => require(${JSON.stringify(`./${id}.js`)}),`).join('\n');
await esbuild.build({
  stdin: {
    contents: `const MODULES = {\n${table}\n};\nexports.load = (id) => MODULES[id]();\n`,
    resolveDir: build,
    sourcefile: 'build/(modules)',
    loader: 'js',
  },
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: bundle,
  packages: 'external',
  legalComments: 'none',
  logLevel: 'warning',
  // Not minified: a stack trace of a bug in the library names the bundle's lines, which read as the build's code.
  plugins: [
    {
      name: 'json-beside',
      setup(builder) {
        builder.onResolve({ filter: /\.json$/ }, (args) => ({
          path: `./${relative(dirname(bundle), resolve(args.resolveDir, args.path)).split(sep).join('/')}`,
          external: true,
        }));
      },
    },
  ],
});

for (const id of bundled) {
  const bundlePath = relative(dirname(join(build, id)), bundle)
    .split(sep)
    .join('/');
  writeFileSync(
    join(build, `${id}.js`),
    `"use strict";\n// ${id}: ${FACADE}\nmodule.exports = require(${JSON.stringify(bundlePath)}).load(${JSON.stringify(id)});\n`,
  );
}
const kept = [...ENTRY_POINTS, ...programs].join(', ');
console.log(`bundle-package: ${bundled.length} modules in build/bundle.js; kept as files: ${kept}`);

function fail(why) {
  console.error(`bundle-package: ${why}`);
  process.exit(1);
}
