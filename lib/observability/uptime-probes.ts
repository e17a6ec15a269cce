import { Construct } from 'constructs';
import * as probe from '../../imports/monitoring-probe-monitoring.coreos.com';
import { deepFreeze } from '../core/freeze';

/** Defaults of {@link UptimeProbes}. Frozen: override through props. */
export const UPTIME_PROBES_DEFAULTS = deepFreeze({
  /** The blackbox exporter's module: an HTTP GET that expects a 2xx answer. */
  module: 'http_2xx',
  /** How often each URL is probed. */
  interval: '30s',
});

/** Props of {@link UptimeProbes}. */
export interface UptimeProbesProps {
  /** Name of the Probe. */
  readonly name: string;
  /** The public URLs to probe, by host key (e.g. `{ api: 'https://api.example.com/' }`). */
  readonly urls: Readonly<Record<string, string>>;
  /** The blackbox exporter, `host:port`, e.g. `blackbox-exporter.monitoring.svc:9115`. */
  readonly proberUrl: string;
  /** The blackbox exporter's module. @default 'http_2xx' */
  readonly module?: string;
  /** How often each URL is probed. @default '30s' */
  readonly interval?: string;
}

/**
 * A blackbox Probe of the product's public hosts: availability as users see it, through DNS, the router and TLS.
 * The series are `probe_success{instance="<url>"}` with the job `<name>`.
 */
export class UptimeProbes extends Construct {
  /** The rendered Probe. */
  public readonly resource: probe.Probe;

  constructor(scope: Construct, id: string, props: UptimeProbesProps) {
    super(scope, id);
    this.resource = new probe.Probe(this, 'Resource', {
      metadata: { name: props.name },
      spec: {
        jobName: props.name,
        prober: { url: props.proberUrl },
        module: props.module ?? UPTIME_PROBES_DEFAULTS.module,
        interval: props.interval ?? UPTIME_PROBES_DEFAULTS.interval,
        targets: { staticConfig: { static: Object.values(props.urls) } },
      },
    });
  }
}
