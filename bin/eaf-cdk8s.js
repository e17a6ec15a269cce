#!/usr/bin/env node
'use strict';
// eaf-cdk8s: runs the compiled CLI of @eaf/cdk8s (npm run build writes build/; the package ships it).
const path = require('path');
const built = path.join(__dirname, '..', 'build', 'lib', 'program', 'cli-main.js');
let cli;
try {
  cli = require(built);
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes('cli-main')) {
    process.stderr.write(`eaf-cdk8s: ${built} is missing; run npm run build in the @eaf/cdk8s repository\n`);
    process.exit(2);
  }
  throw e;
}
process.exitCode = cli.main(process.argv.slice(2));
