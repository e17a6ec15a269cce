import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { envValue } from '../core/secrets';
import {
  ContainerResources,
  createDisruptionBudget,
  finishPodTemplate,
  httpProbe,
  RESTRICTED_CONTAINER,
  withoutEmptyExternalIps,
} from '../pods/pod-template';
import type { Keycloak } from './keycloak';
import { KEYCLOAK_DEFAULTS } from './keycloak-defaults';

/**
 * The workload backend, in `keycloak`, for clusters without the operator: a StatefulSet (`Resource`) of `image`
 * started `--optimized`, its headless discovery Service (`Discovery`) for the Infinispan cluster, a
 * PodDisruptionBudget with two servers or more, and the Service (`Service`) serving HTTP and management.
 */
export function renderKeycloakWorkload(keycloak: Keycloak, image: string, resources: ContainerResources): void {
  const discovery = `${keycloak.name}-discovery`;
  const set = statefulSet(keycloak, discovery);
  addServer(keycloak, set, image, discovery);
  const service = new kplus.Service(keycloak, 'Service', {
    metadata: { name: keycloak.serviceName },
    ports: [
      { name: 'http', port: keycloak.httpPort, targetPort: keycloak.httpPort },
      { name: 'management', port: keycloak.managementPort, targetPort: keycloak.managementPort },
    ],
  });
  for (const [key, value] of Object.entries(keycloak.podSelector)) service.selectLabel(key, value);
  withoutEmptyExternalIps(service);
  finishPodTemplate(set, resources);
}

/** The StatefulSet, without a token, governed by the headless Service `discovery`; a budget with two servers or more. */
function statefulSet(keycloak: Keycloak, discovery: string): kplus.StatefulSet {
  const serviceAccount = new kplus.ServiceAccount(keycloak, 'ServiceAccount', { metadata: { name: keycloak.name }, automountToken: false });
  const headless = new kplus.Service(keycloak, 'Discovery', {
    metadata: { name: discovery },
    clusterIP: 'None',
    ports: [{ name: 'jgroups', port: KEYCLOAK_DEFAULTS.clusteringPort, targetPort: KEYCLOAK_DEFAULTS.clusteringPort }],
  });
  const set = new kplus.StatefulSet(keycloak, 'Resource', {
    metadata: { name: keycloak.name },
    service: headless,
    replicas: keycloak.instances,
    select: false,
    serviceAccount,
    automountServiceAccountToken: false,
    podMetadata: { labels: keycloak.podSelector },
    securityContext: { ensureNonRoot: true },
  });
  set.select(kplus.LabelSelector.of({ labels: keycloak.podSelector }));
  for (const [key, value] of Object.entries(keycloak.podSelector)) headless.selectLabel(key, value);
  // cdk8s-plus points the governing Service at its hash label, which finishPodTemplate removes from the pods.
  ApiObject.of(withoutEmptyExternalIps(headless)).addJsonPatch(JsonPatch.remove('/spec/selector/cdk8s.io~1metadata.addr'));
  if (keycloak.instances >= 2) createDisruptionBudget(keycloak, 'Budget', keycloak.name, keycloak.podSelector);
  return set;
}

/** The Keycloak container: its database (by reference), HTTP behind the proxy, the Infinispan cluster, probes, scratch volumes. */
function addServer(keycloak: Keycloak, set: kplus.StatefulSet, image: string, discovery: string): void {
  const env: Record<string, kplus.EnvValue> = {
    ...Object.fromEntries(keycloak.bindDatabaseClient(keycloak).map(([name, source]) => [name, envValue(keycloak, source)])),
    KC_HOSTNAME: kplus.EnvValue.fromValue(keycloak.url),
    KC_HTTP_ENABLED: kplus.EnvValue.fromValue('true'),
    KC_HTTP_PORT: kplus.EnvValue.fromValue(String(keycloak.httpPort)),
    KC_HTTP_MANAGEMENT_PORT: kplus.EnvValue.fromValue(String(keycloak.managementPort)),
    KC_PROXY_HEADERS: kplus.EnvValue.fromValue('xforwarded'),
    KC_CACHE: kplus.EnvValue.fromValue('ispn'),
    KC_CACHE_STACK: kplus.EnvValue.fromValue('kubernetes'),
    JAVA_OPTS_APPEND: kplus.EnvValue.fromValue(`-Djgroups.dns.query=${discovery}`),
  };
  const container = set.addContainer({
    name: 'keycloak',
    image,
    args: ['start', '--optimized'],
    ports: [
      { name: 'http', number: keycloak.httpPort },
      { name: 'management', number: keycloak.managementPort },
      { name: 'jgroups', number: KEYCLOAK_DEFAULTS.clusteringPort },
    ],
    envVariables: env,
    startup: httpProbe('/health/started', keycloak.managementPort, { periodSeconds: 10, failureThreshold: 30 }),
    liveness: httpProbe('/health/live', keycloak.managementPort, { periodSeconds: 10 }),
    readiness: httpProbe('/health/ready', keycloak.managementPort, { periodSeconds: 10 }),
    imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
    securityContext: RESTRICTED_CONTAINER,
  });
  for (const [name, path] of [
    ['tmp', '/tmp'],
    ['data', '/opt/keycloak/data'],
  ]) {
    container.mount(path, kplus.Volume.fromEmptyDir(set, `Volume-${name}`, name));
  }
}
