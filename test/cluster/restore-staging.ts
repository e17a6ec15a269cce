// Writes DVMM with staging's database restored from production's backups at a target time to <folder>/dist/
// (npm run test:cluster applies its staging folder to the real kube-apiserver): the committed staging starts empty.
import { synthRestoredStaging } from '../dvmm/engine-variant';

const folder = process.argv[2];
if (folder === undefined) throw new Error('usage: restore-staging.ts <empty folder>');
const { code, lines } = synthRestoredStaging(folder);
if (code !== 0) {
  console.error(lines.join('\n'));
  process.exit(1);
}
console.error(`restored staging: written to ${folder}/dist/staging`);
