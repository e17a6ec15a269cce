import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** bin/eaf-cdk8s.js as a user runs it: in the repository (no build needed) and installed (build/ only). */

const REPO = path.join(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'eaf-cdk8s.js');

function run(bin: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: REPO, encoding: 'utf8', timeout: 170_000, env: { ...process.env, ...env } });
}

describe('eaf-cdk8s in the repository', () => {
  test('runs the sources without npm run build: --help on stdout, and validate dist --json prints JSON alone', () => {
    // GIVEN the repository, whose build/ may be absent or stale; WHEN the command runs
    const help = run(BIN, ['--help']);
    const validate = run(BIN, ['validate', 'dist', '--json', '--quiet']);
    // THEN it works as the package's would, with the JSON alone on stdout and nothing on stderr with --quiet
    expect(help.status).toBe(0);
    expect(help.stdout.split('\n')[0]).toBe('usage: eaf-cdk8s <command> [options]');
    expect(validate.stderr).toBe('');
    expect(validate.status).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({ schemaVersion: 1, command: 'validate', ok: true });
  });

  test('without --quiet, validate prints a progress line per environment on stderr', () => {
    const validate = run(BIN, ['validate', 'dist', '--json']);
    expect(validate.status).toBe(0);
    for (const environment of ['argocd', 'dev', 'production', 'staging']) {
      expect(validate.stderr).toMatch(new RegExp(`^validate: ${environment}: \\d+ objects against Kubernetes `, 'm'));
    }
  });
});

describe('eaf-cdk8s installed', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bin-installed-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A package folder as npm installs it: bin/, and build/lib/program/cli-main.js with `cliMain` where given; no lib/. */
  function installedPackage(cliMain?: string): string {
    fs.mkdirSync(path.join(tmp, 'bin'));
    fs.cpSync(path.dirname(BIN), path.join(tmp, 'bin'), { recursive: true });
    if (cliMain !== undefined) {
      fs.mkdirSync(path.join(tmp, 'build', 'lib', 'program'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'build', 'lib', 'program', 'cli-main.js'), cliMain);
    }
    return path.join(tmp, 'bin', 'eaf-cdk8s.js');
  }

  test('runs build/lib/program/cli-main.js, not the sources, where the package ships no lib/ sources', () => {
    // GIVEN a package folder as npm installs it: bin/ and build/ (a stand-in CLI that names itself), no lib/
    const bin = installedPackage("exports.main = (argv) => { process.stdout.write('built ' + argv.join(' ') + '\\n'); return 0; };\n");
    // WHEN
    const installed = run(bin, ['validate', 'dist']);
    // THEN
    expect(installed.stdout).toBe('built validate dist\n');
    expect(installed.status).toBe(0);
  });

  test('where the CLI is built but build/bundle.js is missing, fails with the stack of a broken package, not as unbuilt', () => {
    // GIVEN the CLI's facade as npm run build writes it, and no bundle beside it
    const bin = installedPackage('module.exports = require("../../bundle.js").load("lib/program/cli-main");\n');
    // WHEN
    const broken = run(bin, ['--help']);
    // THEN Node's own error with its stack, naming the bundle
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain("Error: Cannot find module '../../bundle.js'");
    expect(broken.stderr).not.toContain('is missing; run npm run build');
  });

  test('fails with exit code 2 naming the missing build when neither build/ nor the sources are there', () => {
    const missing = run(installedPackage(), ['--help']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      `eaf-cdk8s: ${path.join(tmp, 'build', 'lib', 'program', 'cli-main.js')} is missing; run npm run build in the @eaf/cdk8s repository\n`,
    );
  });
});
