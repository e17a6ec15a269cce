// `eaf-cdk8s <args>` as a real process from this repository's sources: `node --import tsx cli-process.ts <args>`.
// EAF_TEST_KILL_AT=<write step> makes it kill itself there (the program reads it: lib/program/run-product.ts).
import { main } from '../../lib/program/cli-main';

process.exitCode = main(process.argv.slice(2));
