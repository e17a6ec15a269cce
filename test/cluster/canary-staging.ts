// Writes DVMM with staging released canary by Argo Rollouts to <folder>/dist/ (npm run test:cluster applies its staging
// folder to the real kube-apiserver): the committed environments stay on the services engine.
import { synthStaging } from '../dvmm/engine-variant';

const folder = process.argv[2];
if (folder === undefined) throw new Error('usage: canary-staging.ts <empty folder>');
const { code, lines } = synthStaging('release: { strategy: canary, engine: argo-rollouts }\n', folder);
if (code !== 0) {
  console.error(lines.join('\n'));
  process.exit(1);
}
console.error(`canary staging: written to ${folder}/dist/staging`);
