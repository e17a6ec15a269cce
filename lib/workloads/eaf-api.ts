import { Construct } from 'constructs';
import type { MetricsAuth } from '../observability/pod-metrics';
import { deepFreeze } from '../core/freeze';
import type { PostgresCluster } from '../data/postgres-cluster';
import type { IdentityClientOptions, IIdentityProvider } from '../identity/identity-provider';
import { ContainerResources } from '../pods/pod-template';
import { EafWorkload, EafWorkloadOptions } from './eaf-workload';

/** The Spring Boot API's defaults, from the platform's design (PLATFORM.md). Frozen: override through props. */
export const EAF_API_DEFAULTS = deepFreeze({
  port: 8080,
  replicas: 3,
  resources: {
    requests: { cpu: '250m', memory: '512Mi', ephemeralStorage: '256Mi' },
    limits: { cpu: '1', memory: '1Gi', ephemeralStorage: '1Gi' },
  } satisfies ContainerResources,
  writablePaths: ['/tmp'],
  /** Spring Boot Actuator's health groups and Prometheus endpoint. */
  paths: { liveness: '/actuator/health/liveness', readiness: '/actuator/health/readiness', metrics: '/actuator/prometheus' },
});

/** Props of {@link EafApi}. */
export interface EafApiProps extends EafWorkloadOptions {
  /**
   * Replicas of the (active) Deployment.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * HTTP port of the API (actuator endpoints included).
   * @default 8080
   */
  readonly port?: number;
  /**
   * Requests and limits.
   * @default - 250m/512Mi requested, 1/1Gi limit
   */
  readonly resources?: ContainerResources;
  /**
   * `SPRING_PROFILES_ACTIVE`.
   * @default - not set
   */
  readonly springProfile?: string;
  /**
   * Liveness and readiness paths (Spring Boot Actuator health groups).
   * @default - `/actuator/health/liveness` and `/actuator/health/readiness`
   */
  readonly probePaths?: { readonly liveness?: string; readonly readiness?: string };
  /**
   * The Prometheus endpoint, scraped on the API's port.
   * @default '/actuator/prometheus'
   */
  readonly metricsPath?: string;
  /**
   * Credentials monitoring presents at the metrics endpoint, when the actuator is secured.
   * @default - none
   */
  readonly metricsAuth?: MetricsAuth;
  /**
   * Paths that get a writable emptyDir on the read-only root filesystem.
   * @default ['/tmp']
   */
  readonly writablePaths?: readonly string[];
  /**
   * The database the API uses: sets `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_USER`, `DB_PASSWORD`.
   * @default - none; call `connectToDatabase` later
   */
  readonly database?: PostgresCluster;
  /**
   * The identity provider the API trusts, and the API's client there.
   * @default - none; call `connectToIdentity` later
   */
  readonly identity?: IdentityClientOptions & { readonly provider: IIdentityProvider };
}

/**
 * The EAF Spring Boot API (it may serve its UI too): port 8080, actuator startup/liveness/readiness probes,
 * metrics on `/actuator/prometheus`, a writable `/tmp` on a read-only root filesystem, restricted security
 * context, Service, PDB and topology spread.
 */
export class EafApi extends EafWorkload {
  constructor(scope: Construct, id: string, props: EafApiProps) {
    const port = props.port ?? EAF_API_DEFAULTS.port;
    const paths = EAF_API_DEFAULTS.paths;
    const liveness = props.probePaths?.liveness ?? paths.liveness;
    super(scope, id, {
      ...props,
      replicas: props.replicas ?? EAF_API_DEFAULTS.replicas,
      component: 'api',
      presetEnv: {
        ...(props.springProfile === undefined ? {} : { SPRING_PROFILES_ACTIVE: { value: props.springProfile } }),
        // Latency buckets, so that alerts and dashboards can compute P95 and P99 (histogram_quantile).
        MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS: { value: 'true' },
      },
      container: {
        port,
        resources: props.resources ?? EAF_API_DEFAULTS.resources,
        // Spring Boot may need minutes for Flyway migrations: allow up to 5 minutes before liveness counts.
        startup: { path: liveness, periodSeconds: 10, failureThreshold: 30 },
        liveness: { path: liveness, initialDelaySeconds: 30, periodSeconds: 10 },
        readiness: { path: props.probePaths?.readiness ?? paths.readiness, initialDelaySeconds: 5, periodSeconds: 5 },
        writablePaths: props.writablePaths ?? EAF_API_DEFAULTS.writablePaths,
        metrics: { port, path: props.metricsPath ?? paths.metrics, auth: props.metricsAuth },
      },
    });
    if (props.database) this.connectToDatabase(props.database);
    if (props.identity) this.connectToIdentity(props.identity.provider, props.identity);
  }
}
