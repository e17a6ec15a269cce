/**
 * The `eaf-cdk8s` command run from the repository's sources: bin/eaf-cdk8s.js runs this file through
 * scripts/run-compiled.mjs (one bundle, rebuilt whenever a source changed) when lib/ is beside it, so the command works
 * in a clone without `npm run build` and never runs a stale build. The package runs build/lib/program/cli-main.js.
 */
import { main } from '../lib/program/cli-main';

process.exitCode = main(process.argv.slice(2));
