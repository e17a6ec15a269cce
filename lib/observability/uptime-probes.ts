import { Construct } from 'constructs';
import * as probe from '../../imports/monitoring-probe-monitoring.coreos.com';
import { deepFreeze } from '../core/freeze';
import { AlertRule, gauge, InputSeries } from './alert-model';
import { Labels, series } from './promql';

/** Defaults of {@link UptimeProbes}. Frozen: override through props. */
export const UPTIME_PROBES_DEFAULTS = deepFreeze({
  /** The blackbox exporter's module: an HTTP GET that expects a 2xx answer. */
  module: 'http_2xx',
  /** How often each URL is probed. */
  interval: '30s',
  /** The path probed on a public host that names none. */
  path: '/',
});

/** Props of {@link UptimeProbes}. */
export interface UptimeProbesProps {
  /** Name of the Probe (and its job). */
  readonly name: string;
  /**
   * The public URLs to probe, by host key: one URL or several (e.g. `{ api: ['https://api.example.com/', 'https://api.example.com/health'] }`).
   * Each URL is one target.
   */
  readonly urls: Readonly<Record<string, string | readonly string[]>>;
  /** The blackbox exporter, `host:port`, e.g. `blackbox-exporter.monitoring.svc:9115`. */
  readonly proberUrl: string;
  /** The blackbox exporter's module. @default 'http_2xx' */
  readonly module?: string;
  /** How often each URL is probed. @default '30s' */
  readonly interval?: string;
}

/**
 * A blackbox Probe of the product's public URLs: availability as users see it, through DNS, the router and TLS.
 * The series are `probe_success{instance="<url>"}` with the job `<name>`, one per URL.
 */
export class UptimeProbes extends Construct {
  /** The rendered Probe. */
  public readonly resource: probe.Probe;
  /** Every URL probed, in host-key order. */
  public readonly targets: readonly string[];

  constructor(scope: Construct, id: string, props: UptimeProbesProps) {
    super(scope, id);
    this.targets = Object.values(props.urls).flatMap((urls) => (typeof urls === 'string' ? [urls] : [...urls]));
    this.resource = new probe.Probe(this, 'Resource', {
      metadata: { name: props.name },
      spec: {
        jobName: props.name,
        prober: { url: props.proberUrl },
        module: props.module ?? UPTIME_PROBES_DEFAULTS.module,
        interval: props.interval ?? UPTIME_PROBES_DEFAULTS.interval,
        targets: { staticConfig: { static: [...this.targets] } },
      },
    });
  }
}

/** What the uptime alert watches: the Probe's job and namespace, and its URLs by host key. */
export interface UptimeAlertTarget {
  readonly job: string;
  readonly namespace: string;
  readonly urls: Readonly<Record<string, readonly string[]>>;
}

/**
 * The uptime alert: one rule per probed URL (`component` is its host key, `instance` the URL), so each target pages on its
 * own and promtool proves each one fires and stays silent.
 */
export function uptimeAlerts(target: UptimeAlertTarget, labels: Labels): AlertRule[] {
  const samples = 15;
  return Object.entries(target.urls).flatMap(([component, urls]) =>
    urls.map((url): AlertRule => {
      const selector = { namespace: target.namespace, job: target.job, instance: url };
      const probed = (value: number): InputSeries[] => [{ series: series('probe_success', selector), values: gauge(value, samples) }];
      return {
        alert: 'UptimeProbeFailing',
        expr: `${series('probe_success', selector)} == 0`,
        for: '5m',
        severity: 'critical',
        summary: '{{ $labels.instance }} does not answer',
        description:
          'The blackbox exporter has not had a 2xx answer from {{ $labels.instance }} ({{ $labels.component }}) for 5 minutes: ' +
          'users cannot reach it (DNS, the router, TLS or the component itself).',
        labels: { ...labels, component },
        test: { interval: '1m', evalTime: `${samples}m`, firing: probed(0), silent: probed(1), outputLabels: { instance: url, job: target.job } },
      };
    }),
  );
}
