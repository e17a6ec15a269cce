import * as kc from '../../imports/keycloak-k8s.keycloak.org';
import * as realmimport from '../../imports/keycloak-realmimport-k8s.keycloak.org';
import { PodPeer } from '../core/connections';
import { ContainerResources } from '../pods/pod-template';
import type { Keycloak, KeycloakProps } from './keycloak';

/**
 * The operator backend, in `keycloak`: the Keycloak Operator's `Keycloak` resource (`Resource`: HTTP behind the edge
 * proxy with forwarded headers, the operator's Ingress disabled, health and metrics on the management port) and the
 * realm's `KeycloakRealmImport` (`RealmImport`), when there is a realm.
 */
export function renderKeycloakOperator(
  keycloak: Keycloak,
  props: KeycloakProps,
  resources: ContainerResources,
  db: { host: string; port: number },
): void {
  new kc.Keycloak(keycloak, 'Resource', {
    metadata: { name: keycloak.name },
    spec: {
      instances: keycloak.instances,
      image: keycloak.image,
      hostname: { hostname: props.hostname },
      http: { httpEnabled: true, httpPort: keycloak.httpPort },
      httpManagement: { port: keycloak.managementPort },
      proxy: { headers: 'xforwarded' },
      ingress: { enabled: false },
      db: {
        vendor: 'postgres',
        host: db.host,
        port: db.port,
        database: keycloak.database.databaseName,
        usernameSecret: { name: keycloak.database.credentialsSecret, key: 'username' },
        passwordSecret: { name: keycloak.database.credentialsSecret, key: 'password' },
      },
      additionalOptions: [
        { name: 'health-enabled', value: 'true' },
        { name: 'metrics-enabled', value: 'true' },
      ],
      resources: {
        requests: {
          cpu: kc.KeycloakSpecResourcesRequests.fromString(resources.requests.cpu),
          memory: kc.KeycloakSpecResourcesRequests.fromString(resources.requests.memory),
        },
        limits: {
          cpu: kc.KeycloakSpecResourcesLimits.fromString(resources.limits.cpu),
          memory: kc.KeycloakSpecResourcesLimits.fromString(resources.limits.memory),
        },
      },
    },
  });
  if (props.realm) addRealmImport(keycloak, props.realm, props);
}

/** The operator's import of `realm`, with its placeholders read from Secrets, and the importing pods' database edge. */
function addRealmImport(keycloak: Keycloak, realm: Record<string, unknown>, props: KeycloakProps): void {
  // The operator imports the realm with a Job whose pod it labels app=keycloak-realm-import; the
  // pod writes to Keycloak's database.
  const importer = new PodPeer(keycloak, 'RealmImportPods', {
    peerName: `${keycloak.name}-realm-import`,
    podSelector: { 'app': 'keycloak-realm-import', 'app.kubernetes.io/instance': keycloak.name },
  });
  keycloak.database.connectClient(importer);
  new realmimport.KeycloakRealmImport(keycloak, 'RealmImport', {
    metadata: { name: `${keycloak.name}-realm-${String(realm.realm ?? 'import').toLowerCase()}` },
    spec: {
      keycloakCrName: keycloak.name,
      realm: realm as realmimport.KeycloakRealmImportSpecRealm,
      placeholders:
        props.realmPlaceholders &&
        Object.fromEntries(Object.entries(props.realmPlaceholders).map(([name, ref]) => [name, { secret: { name: ref.secretName, key: ref.key } }])),
    },
  });
}
