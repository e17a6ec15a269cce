import { AlertTargets, AlertThresholds } from './alert-model';

/**
 * Which settings of the alert catalogue act on what a product environment has, so that a setting that would change
 * nothing is refused instead of accepted and ignored: a latency threshold without a latency histogram, an objective
 * without request metrics, a backup grace without backups.
 */

/** A setting that changes nothing here: why, and how to fix it. */
export interface UnusedSetting {
  /** The setting below `observability`, e.g. `thresholds.latencyP95Seconds`. */
  readonly field: string;
  readonly reason: string;
  readonly fix: string;
}

const REQUESTS_FIX =
  "declare where a component's request metrics are (components.<c>.requests of a spring-boot component, metrics.requests of an http one: " +
  '"opentelemetry", "prometheus", "spring-boot" or PromQL), or remove it';

/** What each threshold needs, as a test of the targets and the reason when they fail it. */
interface Need {
  readonly has: (t: AlertTargets) => boolean;
  readonly needs: string;
  readonly fix: string;
}

const THRESHOLD_NEEDS: Readonly<Record<keyof AlertThresholds, Need>> = {
  availabilityPercent: { has: (t) => t.apis.length > 0, needs: 'no component has request metrics', fix: REQUESTS_FIX },
  errorRatePercent: { has: (t) => t.apis.length > 0, needs: 'no component has request metrics', fix: REQUESTS_FIX },
  requestSpikePercent: { has: (t) => t.apis.length > 0, needs: 'no component has request metrics', fix: REQUESTS_FIX },
  latencyP95Seconds: { has: latency, needs: "no component's request metrics have a latency histogram", fix: REQUESTS_FIX },
  latencyP99Seconds: { has: latency, needs: "no component's request metrics have a latency histogram", fix: REQUESTS_FIX },
  connectionPoolPercent: {
    has: (t) => t.apis.some((a) => a.connectionPool),
    needs: 'no spring-boot component with request metrics uses a database (the HikariCP pool it watches)',
    fix: 'remove it',
  },
  cpuPercent: { has: (t) => t.containers.length > 0, needs: 'there is no container', fix: 'remove it' },
  memoryPercent: { has: (t) => t.containers.length > 0, needs: 'there is no container', fix: 'remove it' },
  databaseConnectionsPercent: { has: (t) => t.databases.length > 0, needs: 'there is no database', fix: 'remove it' },
  replicationLagSeconds: { has: (t) => t.databases.length > 0, needs: 'there is no database', fix: 'remove it' },
  diskPercent: { has: (t) => t.databases.length > 0, needs: 'there is no database', fix: 'remove it' },
  backupGraceMinutes: {
    has: (t) => t.databases.some((d) => d.backup !== undefined),
    needs: 'no database is backed up',
    fix: 'give a database backup settings, or remove it',
  },
  loginFailuresPerMinute: {
    has: (t) => t.keycloak !== undefined,
    needs: 'the product runs no Keycloak of its own',
    fix: "remove it (an external issuer's logins are not watched here)",
  },
};

function latency(t: AlertTargets): boolean {
  return t.apis.some((a) => (a.sli === undefined ? true : a.sli.latency !== undefined));
}

/** The settings given that would change nothing for these targets. */
export function unusedAlertSettings(
  targets: AlertTargets,
  settings: { readonly thresholds?: Readonly<Record<string, unknown>>; readonly slo?: { readonly latency?: unknown } },
): UnusedSetting[] {
  const unused: UnusedSetting[] = [];
  for (const key of Object.keys(settings.thresholds ?? {}) as Array<keyof AlertThresholds>) {
    const need = THRESHOLD_NEEDS[key];
    if (need !== undefined && !need.has(targets))
      unused.push({ field: `thresholds.${key}`, reason: `changes nothing: ${need.needs}`, fix: need.fix });
  }
  if (settings.slo !== undefined && targets.apis.length === 0) {
    unused.push({ field: 'slo', reason: 'changes nothing: no component has request metrics to set objectives on', fix: REQUESTS_FIX });
  } else if (settings.slo?.latency !== undefined && !latency(targets)) {
    unused.push({ field: 'slo.latency', reason: "changes nothing: no component's request metrics have a latency histogram", fix: REQUESTS_FIX });
  }
  return unused;
}
