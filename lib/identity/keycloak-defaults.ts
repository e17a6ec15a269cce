import { deepFreeze } from '../core/freeze';
import { ContainerResources } from '../pods/pod-template';

/** Keycloak defaults of the platform (PLATFORM.md). Frozen: override through props. */
export const KEYCLOAK_DEFAULTS = deepFreeze({
  /** Keycloak 26.0, pinned to a patch release. */
  image: 'quay.io/keycloak/keycloak:26.0.7',
  instances: 1,
  /** Servers in a critical environment (the construct context `@eaf/cdk8s:critical`): one can fail. */
  criticalInstances: 2,
  httpPort: 8080,
  managementPort: 9000,
  /** JGroups data port of the Infinispan cluster. */
  clusteringPort: 7800,
  /** JGroups failure detection (FD_SOCK2): the data port + 50000. */
  failureDetectionPort: 57800,
  resources: {
    requests: { cpu: '500m', memory: '1Gi' },
    limits: { cpu: '2', memory: '2Gi' },
  } satisfies ContainerResources,
});
