// The real DVMM program as a process, pointed at other folders: `node --import tsx synth-process.ts <environments> <outdir>`.
// EAF_TEST_KILL_AT=<write step> makes it kill itself there (the program reads it: lib/program/run-product.ts).
import { main } from '../../synth';

process.exitCode = main({ environmentsDir: process.argv[2], outdir: process.argv[3] });
