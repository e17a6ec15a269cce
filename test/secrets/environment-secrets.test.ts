import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIo, environmentSecrets, loadEnvironmentDirectory, runCli } from '../../lib';
import { dvmm } from '../../main';
import { testEnvironment, WEB_PRODUCT } from '../util';

const REPO = path.join(__dirname, '..', '..');

describe('environmentSecrets', () => {
  const environments = loadEnvironmentDirectory(path.join(REPO, 'environments'), dvmm).map((f) => f.environment);
  const provided = (name: string) => Object.fromEntries(environmentSecrets(dvmm, environments.find((e) => e.name === name)!, { environments }).secrets.map((p) => [p.secret.name, p.provided]));

  test('DVMM production: every Secret from its remote key in the store', () => {
    const found = environmentSecrets(dvmm, environments.find((e) => e.name === 'production')!, { environments });
    expect(found.namespace).toBe('dvmm-production');
    expect(found.settings).toEqual({ provider: 'external-secrets', store: { name: 'eaf-vault', kind: 'ClusterSecretStore' }, refreshInterval: '1h0m0s', remoteKeyPrefix: 'dvmm/production' });
    expect(Object.fromEntries(found.secrets.map((p) => [p.secret.name, p.remoteKey]))).toEqual({
      'dvmm-alerting': 'dvmm/production/dvmm-alerting',
      'dvmm-backup-s3': 'dvmm/production/dvmm-backup-s3',
      'dvmm-db-credentials': 'dvmm/production/dvmm-db-credentials',
      'dvmm-keycloak-client': 'dvmm/production/dvmm-keycloak-client',
      'keycloak-db-credentials': 'dvmm/production/keycloak-db-credentials',
    });
  });

  test('DVMM dev: certificates issued in the cluster, the rest out of band', () => {
    expect(provided('dev')).toEqual({
      'api-tls': 'in the cluster: Ingress/api (cert-manager)',
      'dvmm-db-credentials': 'out of band (created in the namespace before the sync)',
      'dvmm-keycloak-client': 'out of band (created in the namespace before the sync)',
      'frontend-tls': 'in the cluster: Ingress/frontend (cert-manager)',
      'keycloak-db-credentials': 'out of band (created in the namespace before the sync)',
      'keycloak-tls': 'in the cluster: Ingress/keycloak (cert-manager)',
    });
  });

  test('sealed-secrets: the file each Secret is committed as, even before any exists', () => {
    const found = environmentSecrets(WEB_PRODUCT, testEnvironment({ secrets: { provider: 'sealed-secrets' } }), { sealedFolder: 'deploy/sealed/production' });
    expect(found.secrets.map((p) => p.sealedFile)).toEqual(['deploy/sealed/production/backup-s3.yaml', 'deploy/sealed/production/dvmm-db-credentials.yaml', 'deploy/sealed/production/dvmm-keycloak-client.yaml', 'deploy/sealed/production/keycloak-db-credentials.yaml']);
    expect(found.secrets[0].provided).toBe('SealedSecret `deploy/sealed/production/backup-s3.yaml`');
  });

  test('remoteKeys change the remote key of the Secrets they name', () => {
    const found = environmentSecrets(WEB_PRODUCT, testEnvironment({ secrets: { provider: 'external-secrets', store: { name: 'vault' }, remoteKeys: { 'backup-s3': 'shared/s3' } } }));
    expect(found.secrets.map((p) => p.remoteKey)).toEqual(['shared/s3', 'dvmm/production/dvmm-db-credentials', 'dvmm/production/dvmm-keycloak-client', 'dvmm/production/keycloak-db-credentials']);
  });
});

describe('eaf-cdk8s secrets', () => {
  let lines: string[];
  let outs: string[];
  const io = (cwd = REPO): CliIo => ({ log: (l) => lines.push(...l.split('\n')), out: (t) => outs.push(t), cwd, env: {}, crdDirectory: path.join(REPO, 'crds'), version: '0.2.0' });
  beforeEach(() => {
    lines = [];
    outs = [];
  });

  test('lists the Secrets of an environment: keys, readers and how each is provided', () => {
    expect(runCli(['secrets', 'production'], io())).toBe(0);
    expect(lines).toEqual(['secrets: loading the product from main.ts', 'secrets: dvmm production: 5 Secrets in dvmm-production, provider external-secrets']);
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
    expect(script.filter((l) => l.startsWith('kubectl')).map((l) => l.split(' ')[4])).toEqual(['dvmm-db-credentials', 'dvmm-keycloak-client', 'keycloak-db-credentials']);
    expect(script).toContain(': "${DVMM_KEYCLOAK_CLIENT_CLIENT_SECRET:?set it to the value of dvmm-keycloak-client/client-secret}"');
    expect(script.join('\n')).not.toMatch(/--from-literal=[^=]+=[^"]/);
  });

  test('fails on an unknown environment, naming the known ones', () => {
    expect(runCli(['secrets', 'qa'], io())).toBe(1);
    expect(lines[lines.length - 1]).toBe(`error: there is no environment "qa" in ${path.join(REPO, 'environments')}; use one of: dev, production, staging`);
  });

  test('fails on the problems of the environment\'s own file, not on those of the others', () => {
    // GIVEN a product folder whose production file is broken and whose dev file is fine
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-cli-'));
    try {
      fs.mkdirSync(path.join(tmp, 'environments'));
      fs.copyFileSync(path.join(REPO, 'main.ts'), path.join(tmp, 'main.ts'));
      fs.symlinkSync(path.join(REPO, 'lib'), path.join(tmp, 'lib'));
      fs.symlinkSync(path.join(REPO, 'realms'), path.join(tmp, 'realms'));
      fs.symlinkSync(path.join(REPO, 'generated'), path.join(tmp, 'generated'));
      fs.copyFileSync(path.join(REPO, 'environments', 'dev.yaml'), path.join(tmp, 'environments', 'dev.yaml'));
      fs.writeFileSync(path.join(tmp, 'environments', 'production.yaml'), `${fs.readFileSync(path.join(REPO, 'environments', 'production.yaml'), 'utf8')}\nbogus: 1\n`);
      expect(runCli(['secrets', 'dev', '--dir', tmp], io(tmp))).toBe(0);
      expect(runCli(['secrets', 'production', '--dir', tmp], io(tmp))).toBe(1);
      expect(lines[lines.length - 1]).toMatch(new RegExp(`^error: ${path.join(tmp, 'environments', 'production.yaml')}: bogus: is not a known setting; remove it or use one of: namespace, .*, secrets, `));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('fails with exit code 2 without exactly one environment', () => {
    expect(runCli(['secrets'], io())).toBe(2);
    expect(lines).toEqual(['error: secrets takes exactly one environment', 'usage: eaf-cdk8s secrets <environment> [--dir <product folder>] [--product <module>] [--kubeseal]']);
  });
});
