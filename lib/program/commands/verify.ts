import * as path from 'path';
import { Command, UsageError } from './command';
import { environmentFolders } from './outputs';

/** `eaf-cdk8s verify`. */
export const VERIFY: Command = {
  summary: 'prove synthesised output with the real tools: a kube-apiserver, the network-policy analyser, kube-score, promtool',
  usage: 'eaf-cdk8s verify <folder> [--cluster] [--netpol] [--lint] [--alerts]',
  help: [
    '<folder> is an output folder (dist: every dist/<env>/) or one environment folder. With no tier named,',
    "all four run (--alerts: promtool checks the rules, runs every alert's tests and parses the dashboards' queries). " +
      'The pinned tools are built from their Go modules on first use and cached',
    '(bash scripts/tools.sh all builds them ahead; about 20 minutes cold on 2 cores: two API servers).',
  ].join('\n'),
  options: { cluster: { type: 'boolean' }, netpol: { type: 'boolean' }, lint: { type: 'boolean' }, alerts: { type: 'boolean' } },
  run: ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('verify takes exactly one folder');
    const root = path.resolve(io.cwd, positionals[0]);
    const dirs = environmentFolders(root);
    if (dirs.length === 0) {
      io.log(`error: ${root} holds no environment folder with manifests; run synth first`);
      return 1;
    }
    if (io.runTier === undefined) throw new UsageError('verify is not available in this build');
    const tiers = (['cluster', 'netpol', 'lint', 'alerts'] as const).filter((t) => values[t] === true);
    let code = 0;
    for (const tier of tiers.length > 0 ? tiers : (['lint', 'netpol', 'alerts', 'cluster'] as const)) {
      io.log(`verify: ${tier} on ${dirs.map((d) => path.relative(io.cwd, d) || d).join(', ')}`);
      const rc = io.runTier(tier, dirs);
      io.log(`verify: ${tier} ${rc === 0 ? 'passed' : `FAILED (exit ${rc})`}`);
      if (rc !== 0) code = 1;
    }
    return code;
  },
};
