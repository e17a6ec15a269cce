import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testIo } from './cli-io';
import { CliIo, runCli } from '../../lib/program';

/** `eaf-cdk8s secrets`, the command over lib/secrets' environmentSecrets (test/secrets/environment-secrets.test.ts). */

const REPO = path.join(__dirname, '..', '..');

describe('eaf-cdk8s secrets', () => {
  let lines: string[];
  let outs: string[];
  const io = (cwd = REPO): CliIo => testIo(cwd, lines, outs);
  beforeEach(() => {
    lines = [];
    outs = [];
  });

  test('lists the Secrets of an environment: keys, readers and how each is provided', () => {
    expect(runCli(['secrets', 'production'], io())).toBe(0);
    expect(lines).toEqual([
      'secrets: loading the product from main.ts',
      'secrets: dvmm production: 5 Secrets in dvmm-production, provider external-secrets',
    ]);
    // THEN one line per Secret: name and type, keys, readers (some shown here), and where it comes from
    const list = outs[0].split('\n');
    expect(list.map((l) => l.replace(/; read by .*; /, '; read by …; '))).toEqual([
      'dvmm-alerting: keys pagerduty-routing-key, slack-webhook-url; read by …; ExternalSecret, remote key dvmm/production/dvmm-alerting',
      'dvmm-backup-s3: keys ACCESS_KEY_ID, ACCESS_SECRET_KEY; read by …; ExternalSecret, remote key dvmm/production/dvmm-backup-s3',
      'dvmm-db-credentials [kubernetes.io/basic-auth]: keys password, username; read by …; ExternalSecret, remote key dvmm/production/dvmm-db-credentials',
      'dvmm-keycloak-client: key client-secret; read by …; ExternalSecret, remote key dvmm/production/dvmm-keycloak-client',
      'keycloak-db-credentials [kubernetes.io/basic-auth]: keys password, username; read by …; ExternalSecret, remote key dvmm/production/keycloak-db-credentials',
    ]);
    expect(list[2]).toContain('read by Cluster/dvmm-db, Deployment/api-blue (api), Deployment/api-green (api);');
  });

  test('--kubeseal prints a script that seals each Secret the cluster does not issue, values from variables', () => {
    expect(runCli(['secrets', 'dev', '--kubeseal'], io())).toBe(0);
    const script = outs[0].split('\n');
    expect(script.slice(0, 5)).toEqual([
      '#!/usr/bin/env bash',
      '# Seals the Secrets of dvmm-dev into sealed-secrets/dev/ (commit those files; never the values).',
      '# Set each variable first, e.g. read -rs VAR && export VAR; kubeseal reads the controller from its usual flags or environment.',
      'set -euo pipefail',
      'mkdir -p sealed-secrets/dev',
    ]);
    // THEN the certificates cert-manager issues are not sealed
    expect(script.filter((l) => l.startsWith('kubectl')).map((l) => l.split(' ')[4])).toEqual([
      'dvmm-db-credentials',
      'dvmm-keycloak-client',
      'keycloak-db-credentials',
    ]);
    expect(script).toContain(': "${DVMM_KEYCLOAK_CLIENT_CLIENT_SECRET:?set it to the value of dvmm-keycloak-client/client-secret}"');
    expect(script.join('\n')).not.toMatch(/--from-literal=[^=]+=[^"]/);
  });

  test('fails on an unknown environment, naming the known ones', () => {
    expect(runCli(['secrets', 'qa'], io())).toBe(1);
    expect(lines[lines.length - 1]).toBe(
      `error: there is no environment "qa" in ${path.join(REPO, 'environments')}; use one of: dev, production, staging`,
    );
  });

  test("fails on the problems of the environment's own file, not on those of the others", () => {
    // GIVEN a product folder whose production file is broken and whose dev file is fine
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-cli-'));
    try {
      fs.mkdirSync(path.join(tmp, 'environments'));
      fs.copyFileSync(path.join(REPO, 'main.ts'), path.join(tmp, 'main.ts'));
      fs.symlinkSync(path.join(REPO, 'lib'), path.join(tmp, 'lib'));
      fs.symlinkSync(path.join(REPO, 'realms'), path.join(tmp, 'realms'));
      fs.symlinkSync(path.join(REPO, 'generated'), path.join(tmp, 'generated'));
      fs.copyFileSync(path.join(REPO, 'environments', 'dev.yaml'), path.join(tmp, 'environments', 'dev.yaml'));
      fs.writeFileSync(
        path.join(tmp, 'environments', 'production.yaml'),
        `${fs.readFileSync(path.join(REPO, 'environments', 'production.yaml'), 'utf8')}\nbogus: 1\n`,
      );
      expect(runCli(['secrets', 'dev', '--dir', tmp], io(tmp))).toBe(0);
      expect(runCli(['secrets', 'production', '--dir', tmp], io(tmp))).toBe(1);
      expect(lines[lines.length - 1]).toMatch(
        new RegExp(
          `^error: ${path.join(tmp, 'environments', 'production.yaml')}: bogus: is not a known setting; remove it or use one of: namespace, .*, secrets, `,
        ),
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('fails with exit code 2 without exactly one environment', () => {
    expect(runCli(['secrets'], io())).toBe(2);
    expect(lines).toEqual([
      'error: secrets takes exactly one environment',
      'usage: eaf-cdk8s secrets <environment> [--dir <product folder>] [--product <module>] [--kubeseal | --json]',
    ]);
  });
});
