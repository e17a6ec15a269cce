import { Construct } from 'constructs';
import type { MetricsAuth } from '../observability/pod-metrics';
import { deepFreeze } from '../core/freeze';
import { ContainerResources } from '../pods/pod-template';
import { EafWorkload, EafWorkloadOptions } from './eaf-workload';

/** Defaults of a generic HTTP workload. Frozen: override through props. */
export const EAF_HTTP_WORKLOAD_DEFAULTS = deepFreeze({
  port: 8080,
  replicas: 2,
  resources: {
    requests: { cpu: '100m', memory: '128Mi', ephemeralStorage: '64Mi' },
    limits: { cpu: '500m', memory: '512Mi', ephemeralStorage: '256Mi' },
  } satisfies ContainerResources,
  writablePaths: ['/tmp'],
  /** `app.kubernetes.io/component` and the container name. */
  component: 'app',
});

/** Props of {@link EafHttpWorkload}. */
export interface EafHttpWorkloadProps extends EafWorkloadOptions {
  /** Replicas of the (active) Deployment. @default 2 */
  readonly replicas?: number;
  /** HTTP port. @default 8080 */
  readonly port?: number;
  /** Liveness probe path, e.g. `/healthz`. */
  readonly livenessPath: string;
  /** Readiness probe path, e.g. `/readyz`. */
  readonly readinessPath: string;
  /** Startup probe path, for slow starters (allows 5 minutes). @default - no startup probe */
  readonly startupPath?: string;
  /** Requests and limits. @default - 100m/128Mi requested, 500m/512Mi limit */
  readonly resources?: ContainerResources;
  /** Paths that get a writable emptyDir on the read-only root filesystem. @default ['/tmp'] */
  readonly writablePaths?: readonly string[];
  /** Where monitoring scrapes metrics, e.g. `{ port: 9090, path: '/metrics' }`. @default - not scraped */
  readonly metrics?: {
    readonly port: number;
    readonly path: string;
    /** Credentials of a secured endpoint. @default - none */ readonly auth?: MetricsAuth;
  };
  /** `app.kubernetes.io/component` and the container name. @default 'app' */
  readonly component?: string;
}

/**
 * Any other HTTP service of a product: its own port, probe paths, writable paths and metrics endpoint,
 * with the same secure defaults, Service, PDB, spread and typed wiring as the presets.
 */
export class EafHttpWorkload extends EafWorkload {
  constructor(scope: Construct, id: string, props: EafHttpWorkloadProps) {
    super(scope, id, {
      ...props,
      replicas: props.replicas ?? EAF_HTTP_WORKLOAD_DEFAULTS.replicas,
      component: props.component ?? EAF_HTTP_WORKLOAD_DEFAULTS.component,
      container: {
        port: props.port ?? EAF_HTTP_WORKLOAD_DEFAULTS.port,
        resources: props.resources ?? EAF_HTTP_WORKLOAD_DEFAULTS.resources,
        startup: props.startupPath === undefined ? undefined : { path: props.startupPath, periodSeconds: 10, failureThreshold: 30 },
        liveness: { path: props.livenessPath, initialDelaySeconds: 10, periodSeconds: 10 },
        readiness: { path: props.readinessPath, initialDelaySeconds: 5, periodSeconds: 5 },
        writablePaths: props.writablePaths ?? EAF_HTTP_WORKLOAD_DEFAULTS.writablePaths,
        metrics: props.metrics,
      },
    });
  }
}
