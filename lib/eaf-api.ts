import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResources, EafWorkload, EafWorkloadOptions, httpProbe } from './eaf-workload';

/** The Spring Boot API's defaults, from the platform's design (PLATFORM.md). */
export const EAF_API_DEFAULTS = {
  port: 8080,
  replicas: 3,
  resources: {
    requests: { cpu: '250m', memory: '512Mi' },
    limits: { cpu: '1000m', memory: '1Gi' },
  } satisfies ContainerResources,
} as const;

/** A key of a Secret, referenced by name; the value never appears in the manifests. */
export interface SecretKeyReference {
  /** Name of the Secret in the workload's namespace. */
  readonly secretName: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** Props of {@link EafApi}. */
export interface EafApiProps extends EafWorkloadOptions {
  /**
   * HTTP port of the API (actuator endpoints included).
   * @default 8080
   */
  readonly port?: number;
  /**
   * Requests and limits.
   * @default - 250m/512Mi requested, 1000m/1Gi limit
   */
  readonly resources?: ContainerResources;
  /**
   * `SPRING_PROFILES_ACTIVE`.
   * @default - not set
   */
  readonly springProfile?: string;
  /**
   * Further plain environment variables (never secrets: use `secretEnv`).
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Environment variables read from Secrets by reference.
   * @default - none
   */
  readonly secretEnv?: Record<string, SecretKeyReference>;
}

/**
 * The EAF Spring Boot API: port 8080, actuator startup/liveness/readiness probes, a writable `/tmp`
 * on a read-only root filesystem, restricted security context, Service, PDB and topology spread.
 */
export class EafApi extends EafWorkload {
  /** Environment variables of the API container, by name. */
  public readonly env: Record<string, kplus.EnvValue>;

  constructor(scope: Construct, id: string, props: EafApiProps) {
    const port = props.port ?? EAF_API_DEFAULTS.port;
    const env: Record<string, kplus.EnvValue> = {};
    if (props.springProfile !== undefined) env.SPRING_PROFILES_ACTIVE = kplus.EnvValue.fromValue(props.springProfile);
    for (const [name, value] of Object.entries(props.env ?? {})) env[name] = kplus.EnvValue.fromValue(value);
    for (const [name, ref] of Object.entries(props.secretEnv ?? {})) env[name] = secretEnvValue(scope, ref);
    super(scope, id, {
      ...props,
      replicas: props.replicas ?? EAF_API_DEFAULTS.replicas,
      component: 'api',
      container: {
        port,
        resources: props.resources ?? EAF_API_DEFAULTS.resources,
        env,
        // Spring Boot may need minutes for Flyway migrations: allow up to 5 minutes before liveness counts.
        startup: httpProbe('/actuator/health/liveness', port, { periodSeconds: 10, failureThreshold: 30 }),
        liveness: httpProbe('/actuator/health/liveness', port, { initialDelaySeconds: 30, periodSeconds: 10 }),
        readiness: httpProbe('/actuator/health/readiness', port, { initialDelaySeconds: 5, periodSeconds: 5 }),
        writablePaths: ['/tmp'],
      },
    });
    this.env = env;
  }
}

/** An environment variable read from a Secret key, with the Secret referenced by name only. */
export function secretEnvValue(scope: Construct, ref: SecretKeyReference): kplus.EnvValue {
  const secret = kplus.Secret.fromSecretName(scope, `SecretRef-${ref.secretName}-${ref.key}`, ref.secretName);
  return kplus.EnvValue.fromSecretValue({ secret, key: ref.key });
}
