import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Command } from './measure';

/**
 * The path product teams use, for `npm run bench`: the working tree packed (`npm pack`, which builds), the tarball
 * installed with its peers (and tsx, which loads a TypeScript product on Node 20) in an empty folder, DVMM's
 * declaration copied beside it with its imports pointed at the package, and `eaf-cdk8s synth` of the installed bin.
 */
export function installedCli(repo: string, work: string, log: (line: string) => void): { command: Command; outdir: string } {
  const dir = path.join(work, 'installed');
  fs.mkdirSync(dir, { recursive: true });
  log('packing the working tree (npm pack builds it) and installing the tarball in an empty folder');
  const tarball = path.join(
    dir,
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: repo, encoding: 'utf8' }).trim().split('\n').at(-1)!,
  );
  const pins = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).devDependencies as Record<string, string>;
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "bench-consumer", "private": true }\n');
  const peers = ['cdk8s', 'constructs', 'cdk8s-plus-28', 'tsx'].map((name) => `${name}@${pins[name]}`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball, ...peers], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const product = path.join(dir, 'dvmm');
  fs.mkdirSync(product);
  for (const folder of ['environments', 'realms']) fs.cpSync(path.join(repo, folder), path.join(product, folder), { recursive: true });
  const main = fs.readFileSync(path.join(repo, 'main.ts'), 'utf8').replace(/from '\.\/lib'/g, "from '@eaf/cdk8s'");
  if (main.includes("from './")) throw new Error('main.ts imports from the repository beyond ./lib; the installed bench cannot rewrite that');
  fs.writeFileSync(path.join(product, 'main.ts'), main);
  const outdir = path.join(product, 'dist');
  return {
    outdir,
    command: {
      id: 'installed-cli',
      label: 'eaf-cdk8s synth (installed package, bin run directly)',
      steps: [{ argv: [path.join(dir, 'node_modules', '.bin', 'eaf-cdk8s'), 'synth', '--dir', product, '--out', outdir], cwd: dir }],
      beforeCheckedRun: () => fs.rmSync(outdir, { recursive: true, force: true }),
    },
  };
}
