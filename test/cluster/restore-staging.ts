// Writes DVMM with staging's database restored from production's backups at a target time (or, with `follow`, as a
// disaster-recovery replica of production's archive), backed up in two tiers, to <folder>/dist/. npm run
// test:cluster applies its staging folder to the real kube-apiserver; the committed staging starts empty.
import { FOLLOWING_STAGING_DATABASE, synthRestoredStaging } from '../dvmm/engine-variant';

const [folder, mode] = process.argv.slice(2);
if (folder === undefined || (mode !== undefined && mode !== 'follow')) throw new Error('usage: restore-staging.ts <empty folder> [follow]');
const { code, lines } = mode === 'follow' ? synthRestoredStaging(folder, FOLLOWING_STAGING_DATABASE) : synthRestoredStaging(folder);
if (code !== 0) {
  console.error(lines.join('\n'));
  process.exit(1);
}
console.error(`${mode === 'follow' ? 'replica' : 'restored'} staging: written to ${folder}/dist/staging`);
