#!/usr/bin/env node
'use strict';
// eaf-cdk8s: runs the compiled CLI of @eaf/cdk8s (npm run build writes build/; the package ships it).
const fs = require('fs');
const path = require('path');
const root = path.join(__dirname, '..');
// In the repository (lib/'s TypeScript is beside bin/; the package ships build/ only, so there this is one failed
// stat): the sources, bundled by scripts/run-compiled.mjs and rebuilt whenever one changed, so the command needs no
// `npm run build` and never runs a stale build/. EAF_CDK8S_BUILT=1 runs build/ instead (the pack and API checks).
if (process.env.EAF_CDK8S_BUILT !== '1' && fs.existsSync(path.join(root, 'lib', 'program', 'cli-main.ts'))) {
  const runner = path.join(root, 'scripts', 'run-compiled.mjs');
  process.argv = [process.argv[0], runner, path.join(root, 'scripts', 'eaf-cdk8s.ts'), ...process.argv.slice(2)];
  import(require('url').pathToFileURL(runner).href);
  return;
}
// Node >= 22.1 keeps the compiled code of the modules it loads in a cache folder (NODE_COMPILE_CACHE, else
// <tmp>/node-compile-cache), so a later run skips parsing and compiling the library and its packages. It can never
// change what runs: Node keys every entry by the module's path and checks it against a hash of the module's source
// and its own version, discarding an entry that does not match; NODE_DISABLE_COMPILE_CACHE=1 turns it off. Node 20
// has no such cache: there the package's own (./compile-cache.js, the same guarantees) caches the installed packages.
const nodeModule = require('module');
if (typeof nodeModule.enableCompileCache === 'function') nodeModule.enableCompileCache();
else require('./compile-cache').installCompileCache();
const built = path.join(root, 'build', 'lib', 'program', 'cli-main.js');
let cli;
try {
  cli = require(built);
} catch (e) {
  // Only the CLI's own file missing is an unbuilt package; anything else it cannot find (build/bundle.js) is a broken
  // package and keeps its stack.
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).startsWith(`Cannot find module '${built}'`)) {
    process.stderr.write(`eaf-cdk8s: ${built} is missing; run npm run build in the @eaf/cdk8s repository\n`);
    process.exit(2);
  }
  throw e;
}
process.exitCode = cli.main(process.argv.slice(2));
