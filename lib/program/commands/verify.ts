import * as path from 'path';
import { CLI_JSON_SCHEMA_VERSION, jsonText, VERIFY_TIERS, VerifyJson } from '../cli-json';
import { Command, output, progress, UsageError } from './command';
import { environmentFolders } from './outputs';

/** The tiers that run when none is named, fast ones first: every one but the rehearsal (minutes, and three more tools). */
const DEFAULT_TIERS = VERIFY_TIERS.filter((t) => t !== 'rehearse');

/** `eaf-cdk8s verify`. */
export const VERIFY: Command = {
  summary: 'prove synthesised output with the real tools: a kube-apiserver, the network-policy analyser, kube-score, promtool',
  usage: 'eaf-cdk8s verify <folder> [--cluster] [--netpol] [--lint] [--alerts] [--rehearse] [--json] [--quiet]',
  help: [
    '<folder> is an output folder (dist: every dist/<env>/) or one environment folder. With no tier named,',
    "all four run (--alerts: promtool checks the rules, runs every alert's tests and parses the dashboards' queries). " +
      'The pinned tools are built from their Go modules on first use and cached',
    '(bash scripts/tools.sh all builds them ahead; about 20 minutes cold on 2 cores: two API servers).',
    '--rehearse (never run unless named) rehearses each environment on a simulated control plane of its target',
    "Kubernetes (kube-controller-manager, kube-scheduler, kwok's fake nodes): applied client- and server-side, what the",
    'server holds compared with the output, then a blue-green release played with switch and rollback on a copy of the',
    "product folder (the output folder's parent) while the active Services are polled: no dip, the switch gates honoured",
    '(its three tools: bash scripts/tools.sh rehearsal; docs/explanation/real-tools.md).',
    "Each tier's report goes to stderr; --json prints on stdout one JSON object with each tier's result (docs/reference/cli.md);",
    "--quiet prints a tier's output only when it fails.",
  ].join('\n'),
  options: {
    cluster: { type: 'boolean' },
    netpol: { type: 'boolean' },
    lint: { type: 'boolean' },
    alerts: { type: 'boolean' },
    rehearse: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  run: ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('verify takes exactly one folder');
    const root = path.resolve(io.cwd, positionals[0]);
    const dirs = environmentFolders(root);
    if (dirs.length === 0) {
      io.log(`error: ${root} holds no environment folder with manifests; run synth first`);
      return 1;
    }
    if (io.runTier === undefined) throw new UsageError('verify is not available in this build');
    const named = VERIFY_TIERS.filter((t) => values[t] === true);
    const shown = dirs.map((d) => path.relative(io.cwd, d) || d);
    const tiers: VerifyJson['tiers'] = [];
    for (const tier of named.length > 0 ? named : DEFAULT_TIERS) {
      progress(io, `verify: ${tier} on ${shown.join(', ')}`);
      const rc = io.runTier(tier, dirs, { quiet: values.quiet === true });
      if (rc === 0) progress(io, `verify: ${tier} passed`);
      else io.log(`verify: ${tier} FAILED (exit ${rc})`);
      tiers.push({ tier, ok: rc === 0, exitCode: rc });
    }
    const code = tiers.every((t) => t.ok) ? 0 : 1;
    if (values.json === true) {
      output(io, jsonText({ schemaVersion: CLI_JSON_SCHEMA_VERSION, command: 'verify', ok: code === 0, environments: shown, tiers }));
    }
    return code;
  },
};
