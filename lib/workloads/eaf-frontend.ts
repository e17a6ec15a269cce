import { Construct } from 'constructs';
import { deepFreeze } from '../core/freeze';
import { ContainerResources } from '../pods/pod-template';
import { EafWorkload, EafWorkloadOptions } from './eaf-workload';

/** The nginx frontend's defaults, from the platform's design (PLATFORM.md). Frozen: override through props. */
export const EAF_FRONTEND_DEFAULTS = deepFreeze({
  port: 8080,
  replicas: 3,
  resources: {
    requests: { cpu: '50m', memory: '64Mi', ephemeralStorage: '64Mi' },
    limits: { cpu: '200m', memory: '128Mi', ephemeralStorage: '256Mi' },
  } satisfies ContainerResources,
  /** What nginx writes at run time: caches and temp files, the pid file. */
  writablePaths: ['/tmp', '/var/cache/nginx', '/var/run'],
});

/** Props of {@link EafFrontend}. */
export interface EafFrontendProps extends EafWorkloadOptions {
  /**
   * Replicas of the (active) Deployment.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Unprivileged HTTP port nginx listens on (OpenShift's restricted SCC forbids port 80).
   * @default 8080
   */
  readonly port?: number;
  /**
   * Requests and limits.
   * @default - 50m/64Mi requested, 200m/128Mi limit
   */
  readonly resources?: ContainerResources;
  /**
   * Paths that get a writable emptyDir on the read-only root filesystem.
   * @default ['/tmp', '/var/cache/nginx', '/var/run']
   */
  readonly writablePaths?: readonly string[];
}

/**
 * The EAF static frontend served by nginx on an unprivileged port, probed on `/`, with the emptyDirs
 * nginx needs on a read-only root filesystem, a Service, PDB and topology spread.
 */
export class EafFrontend extends EafWorkload {
  constructor(scope: Construct, id: string, props: EafFrontendProps) {
    const port = props.port ?? EAF_FRONTEND_DEFAULTS.port;
    super(scope, id, {
      ...props,
      replicas: props.replicas ?? EAF_FRONTEND_DEFAULTS.replicas,
      component: 'frontend',
      container: {
        port,
        resources: props.resources ?? EAF_FRONTEND_DEFAULTS.resources,
        liveness: { path: '/', initialDelaySeconds: 5, periodSeconds: 10 },
        readiness: { path: '/', initialDelaySeconds: 2, periodSeconds: 5 },
        writablePaths: props.writablePaths ?? EAF_FRONTEND_DEFAULTS.writablePaths,
      },
    });
  }
}
