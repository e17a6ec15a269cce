import * as path from 'path';
import { environmentSecrets } from '../../lib';
import { loadEnvironmentDirectory } from '../../lib/program';
import { dvmm } from '../../main';
import { testEnvironment, WEB_PRODUCT } from '../util';

const REPO = path.join(__dirname, '..', '..');

describe('environmentSecrets', () => {
  const environments = loadEnvironmentDirectory(path.join(REPO, 'environments'), dvmm).map((f) => f.environment);
  const provided = (name: string) =>
    Object.fromEntries(
      environmentSecrets(
        dvmm,
        environments.find((e) => e.name === name)!,
        { environments },
      ).secrets.map((p) => [p.secret.name, p.provided]),
    );

  test('DVMM production: every Secret from its remote key in the store', () => {
    const found = environmentSecrets(
      dvmm,
      environments.find((e) => e.name === 'production')!,
      { environments },
    );
    expect(found.namespace).toBe('dvmm-production');
    expect(found.settings).toEqual({
      provider: 'external-secrets',
      store: { name: 'eaf-vault', kind: 'ClusterSecretStore' },
      refreshInterval: '1h0m0s',
      remoteKeyPrefix: 'dvmm/production',
    });
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
    const found = environmentSecrets(WEB_PRODUCT, testEnvironment({ secrets: { provider: 'sealed-secrets' } }), {
      sealedFolder: 'deploy/sealed/production',
    });
    expect(found.secrets.map((p) => p.sealedFile)).toEqual([
      'deploy/sealed/production/backup-s3.yaml',
      'deploy/sealed/production/dvmm-db-credentials.yaml',
      'deploy/sealed/production/dvmm-keycloak-client.yaml',
      'deploy/sealed/production/keycloak-db-credentials.yaml',
    ]);
    expect(found.secrets[0].provided).toBe('SealedSecret `deploy/sealed/production/backup-s3.yaml`');
  });

  test('remoteKeys change the remote key of the Secrets they name', () => {
    const found = environmentSecrets(
      WEB_PRODUCT,
      testEnvironment({ secrets: { provider: 'external-secrets', store: { name: 'vault' }, remoteKeys: { 'backup-s3': 'shared/s3' } } }),
    );
    expect(found.secrets.map((p) => p.remoteKey)).toEqual([
      'shared/s3',
      'dvmm/production/dvmm-db-credentials',
      'dvmm/production/dvmm-keycloak-client',
      'dvmm/production/keycloak-db-credentials',
    ]);
  });
});
