#!/usr/bin/env node
// prepublishOnly: refuses `npm publish` to the public npm registry; @eaf/cdk8s goes only to the company registry
// (docs/releasing.md). npm publishes a scoped package to, strongest first: a `--registry` or `--@eaf:registry` flag,
// an `@eaf:registry` setting (any .npmrc or npm_config_* variable), package.json publishConfig.registry (a plain
// `registry` setting does not override it). The guard checks the configuration: publishConfig.registry must be set
// and not public, and `npm config get @eaf:registry` must not be public. A command-line flag it cannot see (npm
// neither passes it to lifecycle scripts nor leaves it in its process title), so a release runs `npm publish` bare.
//   npm publish   (npm runs this first; exit 1 refuses). `npm publish <tarball>` runs no scripts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const PUBLIC = /^(https?:)?\/\/registry\.(npmjs\.org|yarnpkg\.com)(\/|$)/i;

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const configured = manifest.publishConfig?.registry ?? '';
const scoped = execFileSync('npm', ['config', 'get', '@eaf:registry'], { encoding: 'utf8' }).trim();
const scopedTarget = scoped !== 'undefined' && scoped !== '' ? [['the @eaf:registry setting', scoped]] : [];
const targets = [['package.json publishConfig.registry', configured], ...scopedTarget];
const problems = [
  ...(configured === '' ? ['package.json has no publishConfig.registry'] : []),
  ...targets.filter(([, url]) => PUBLIC.test(url)).map(([where, url]) => `${where} is the public registry ${url}`),
];
if (problems.length > 0) {
  console.error(
    `publish-guard: refusing to publish ${manifest.name}: ${problems.join('; ')}; ` +
      'it is published only to the company registry (docs/releasing.md)',
  );
  process.exit(1);
}
console.error(`publish-guard: ${manifest.name}@${manifest.version} goes to ${targets[targets.length - 1][1]}`);
