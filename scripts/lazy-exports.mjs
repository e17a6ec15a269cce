#!/usr/bin/env node
// Makes the package's entry points load a module only when one of its exports is first read:
//
//   node scripts/lazy-exports.mjs build/lib/index.js build/lib/program/index.js build/lib/gate/index.js
//
// Why: an entry point only re-exports (docs/style.md), and TypeScript compiles each `export { A } from './a'` into an
// eager `var a_1 = require("./a")` plus a getter returning `a_1.A`. So `require('@eaf/cdk8s')` loaded every construct,
// cdk8s-plus and TypeBox (about 480 modules) before the product used any of them. Here each `var a_1 = require("./a")`
// becomes `var a_1 = lazyModule(() => require("./a"))`: the getters are unchanged, so Node's CommonJS export detection
// (cjs-module-lexer, for `import { A } from '@eaf/cdk8s'` in an ES module) still finds every name, a bundler still sees
// every require, and `a_1.A` loads ./a on first read, once. No TypeScript or esbuild option does this (TypeScript's
// output is always eager), hence this step. It accepts only what TypeScript emits for a file of re-exports and fails
// on anything else, so an entry point that grows code of its own stops the build instead of half-working.
import { readFileSync, writeFileSync } from 'node:fs';

const ESM_FLAG = 'Object.defineProperty(exports, "__esModule", { value: true });';
const LINE_PATTERNS = [
  /^"use strict";$/,
  /^\/\/.*$/,
  /^$/,
  /^exports\.[\w$]+ = (exports\.[\w$]+ = )*void 0;$/,
  /^Object\.defineProperty\(exports, "[\w$]+", \{ enumerable: true, get: function \(\) \{ return [\w$]+\.[\w$]+; \} \}\);$/,
];
const REQUIRE = /^var ([\w$]+) = require\(("[./\w-]+")\);$/;
const HELPER = [
  '/** The module `load` gives, loaded when one of its properties is first read (scripts/lazy-exports.mjs). */',
  'function lazyModule(load) {',
  '    let loaded;',
  '    return new Proxy({}, { get: (_, key) => (loaded ??= load())[key] });',
  '}',
];

for (const file of process.argv.slice(2)) {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.filter((l) => l === ESM_FLAG).length !== 1) fail(file, `has no line ${ESM_FLAG}`);
  let requires = 0;
  const out = lines.flatMap((line, i) => {
    if (line === ESM_FLAG) return [line, ...HELPER];
    const required = REQUIRE.exec(line);
    if (required !== null) {
      requires++;
      return [`var ${required[1]} = lazyModule(() => require(${required[2]}));`];
    }
    if (!LINE_PATTERNS.some((p) => p.test(line))) fail(file, `line ${i + 1} is not a re-export: ${line}`);
    return [line];
  });
  writeFileSync(file, out.join('\n'));
  console.log(`lazy-exports: ${file}: ${requires} modules loaded on first use`);
}

function fail(file, why) {
  console.error(`lazy-exports: ${file} ${why}; an entry point only re-exports (docs/style.md)`);
  process.exit(1);
}
