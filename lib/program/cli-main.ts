import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CliIo, runCli } from './cli';
import { PACKAGE_CRD_DIRECTORY, PACKAGE_ROOT } from './package-paths';

/**
 * The `eaf-cdk8s` process: wires {@link runCli} to the real process, file system and tier scripts (shipped with
 * the package under `scripts/`). The pinned tools are cached in `$EAF_TOOLS_DIR`, else `<package>/.tools`.
 */
export function main(argv: readonly string[]): number {
  const version = (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const io: CliIo = {
    log: (line) => process.stderr.write(`${line}\n`),
    cwd: process.cwd(),
    env: process.env,
    crdDirectory: PACKAGE_CRD_DIRECTORY,
    version,
    runTier: (tier, dirs) => {
      const script = { cluster: ['scripts/cluster.sh', 'test'], netpol: ['scripts/netpol.sh', '--dist'], lint: ['scripts/lint.sh'] }[tier];
      // The netpol tier takes the output folder (it reads the flow record beside each environment folder).
      const targets = tier === 'netpol' ? [path.dirname(dirs[0])] : dirs;
      // A product's own kube-score exceptions (id|reason lines) sit in its folder.
      const exceptions = path.join(process.cwd(), 'kube-score-exceptions.txt');
      const extra = tier === 'lint' && fs.existsSync(exceptions) ? ['--exceptions', exceptions] : [];
      const run = spawnSync('bash', [path.join(PACKAGE_ROOT, script[0]), ...script.slice(1), ...extra, ...targets], { stdio: 'inherit', env: process.env });
      return run.status ?? 1;
    },
  };
  return runCli(argv, io);
}
