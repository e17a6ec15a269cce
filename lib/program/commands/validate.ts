import * as fs from 'fs';
import * as path from 'path';
import { formatFinding, ManifestValidator } from '../../gate';
import { readCrdFolder } from '../crd-files';
import { Command, UsageError } from './command';
import { manifestSets } from './outputs';

/** `eaf-cdk8s validate`. */
export const VALIDATE: Command = {
  summary: 'run the gate on any folder of manifests (hand-written YAML too)',
  usage: 'eaf-cdk8s validate <folder> [--critical] [--registries <prefix,prefix>] [--exposed-services <name,name>]',
  help: [
    'Checks every object of every *.yaml, *.yml and *.json file under <folder>: each sub-folder holding',
    'manifests is one environment (dist/<env>/), else <folder> itself is one. --critical applies the',
    'production rules; --registries limits where images may come from; --exposed-services names the Services',
    'that may be reached from outside the cluster (LoadBalancer, NodePort, externalIPs).',
  ].join('\n'),
  options: { critical: { type: 'boolean' }, registries: { type: 'string' }, 'exposed-services': { type: 'string' } },
  run: ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('validate takes exactly one folder');
    const root = path.resolve(io.cwd, positionals[0]);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
      io.log(`error: ${root} is not a folder; give the folder of manifests to check, e.g. dist`);
      return 1;
    }
    const list = (value: unknown) => (value as string | undefined)?.split(',').filter((r) => r !== '');
    const sets = manifestSets(root, values.critical === true, list(values.registries), list(values['exposed-services']));
    if (sets.length === 0) {
      io.log(`error: ${root} holds no *.yaml, *.yml or *.json manifests`);
      return 1;
    }
    io.log(`validate: ${sets.map((s) => `${s.environment} (${s.objects.length} objects)`).join(', ')}`);
    const report = new ManifestValidator({ crds: readCrdFolder(io.crdDirectory) }).validate(sets);
    for (const w of report.waivers) io.log(`waived: ${w.environment}: ${w.object}: [${w.rule}] ${w.reason}`);
    for (const f of report.findings) io.log(formatFinding(f));
    io.log(report.findings.length === 0 ? 'validate: every object passed the gate' : `validate: ${report.findings.length} problems`);
    return report.findings.length === 0 ? 0 : 1;
  },
};
