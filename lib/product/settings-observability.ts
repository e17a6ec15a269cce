import { Type } from '@sinclair/typebox';
import { DNS_LABEL, URL_PATH } from '../core/formats';
import { DURATION_PATTERN } from '../observability/promql';
import { discriminated, Duration, formatted, oneOf, optional, Percent, Positive, SecretKey, strict } from './settings-schema';

/** Overrides of the platform's alert thresholds (PLATFORM.md, Observability). */
export const AlertThresholdSettings = strict({
  availabilityPercent: optional(Percent),
  latencyP95Seconds: optional(Positive),
  latencyP99Seconds: optional(Positive),
  errorRatePercent: optional(Percent),
  cpuPercent: optional(Percent),
  memoryPercent: optional(Percent),
  connectionPoolPercent: optional(Percent),
  requestSpikePercent: optional(Positive),
  databaseConnectionsPercent: optional(Percent),
  replicationLagSeconds: optional(Positive),
  diskPercent: optional(Percent),
  backupGraceMinutes: optional(Positive),
  loginFailuresPerMinute: optional(Positive),
});

const Objective = Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 100, description: 'use an objective above 0 and below 100, e.g. 99.5' });
const Window = Type.String({ pattern: DURATION_PATTERN, description: "use the objective's window as a duration such as '30d' or '4w'" });

/** A latency objective: a share of requests answered within a threshold, over its own window. */
export const LatencySloSettings = strict(
  {
    percent: Objective,
    thresholdSeconds: Type.Number({
      exclusiveMinimum: 0,
      description: "use a bucket boundary of the component's request-duration histogram in seconds, e.g. 0.5",
    }),
    window: optional(Window),
  },
  'give percent and thresholdSeconds, e.g. { percent: 99, thresholdSeconds: 0.5 }',
);

/** The objectives of every component with request metrics, and the burn alerts' low-traffic guard. */
export const SloSettings = strict({
  availabilityPercent: optional(Objective),
  window: optional(Window),
  latency: optional(LatencySloSettings),
  minimumRequests: optional(
    Type.Integer({ minimum: 0, description: 'use the requests a burn window needs before its alert may fire, e.g. 100, or 0 for no guard' }),
  ),
});

/** A receiver of alerts; URLs and keys by Secret reference. */
export const AlertReceiverSettings = discriminated(
  'kind',
  [
    strict({ kind: Type.Literal('pagerduty'), routingKey: SecretKey }, 'a pagerduty receiver takes routingKey: { secretName, key }'),
    strict(
      {
        kind: Type.Literal('slack'),
        webhookUrl: SecretKey,
        channel: optional(Type.String({ minLength: 1, description: "name the channel, e.g. '#dvmm-alerts'" })),
      },
      'a slack receiver takes webhookUrl: { secretName, key } and optionally channel',
    ),
    strict({ kind: Type.Literal('webhook'), url: SecretKey }, 'a webhook receiver takes url: { secretName, key }'),
  ],
  'use pagerduty, slack or webhook',
);

/** Scraping, alerts, routing, dashboards and synthetic checks of one environment. */
export const ObservabilitySettings = strict({
  monitoring: optional(
    strict({
      namespace: optional(formatted(DNS_LABEL, 'name the namespace the Prometheus runs in, e.g. monitoring')),
      labels: optional(
        Type.Record(Type.String(), Type.String(), {
          description: 'give the labels the Prometheus selects its monitors and rules by, e.g. { release: prometheus }',
        }),
      ),
      scrapeInterval: optional(Duration),
    }),
  ),
  thresholds: optional(AlertThresholdSettings),
  slo: optional(SloSettings),
  alerting: optional(
    strict(
      {
        paging: optional(AlertReceiverSettings),
        chat: optional(AlertReceiverSettings),
        repeatInterval: optional(Duration),
        labels: optional(
          Type.Record(Type.String(), Type.String({ minLength: 1 }), {
            description: 'give static labels every alert carries for routing, e.g. { routing: Sev2 }',
          }),
        ),
        for: optional(
          Type.Record(
            Type.String(),
            Type.String({ pattern: '^(0|[1-9][0-9]*)(s|m|h|d|w)$', description: "use a duration such as '10m' or '1h', or '0s' to fire at once" }),
            { description: "give each alert's for by its name, e.g. { ContainerCpuHigh: '30m' }" },
          ),
        ),
      },
      'give paging and/or chat',
    ),
  ),
  dashboards: optional(
    strict({
      delivery: optional(oneOf(['configmap', 'grafana-operator'], 'use configmap (Grafana sidecar) or grafana-operator (GrafanaDashboard)')),
      folder: optional(Type.String({ minLength: 1, description: 'name the Grafana folder' })),
    }),
  ),
  probes: optional(
    strict(
      {
        proberUrl: Type.String({
          pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?:[0-9]{1,5}$',
          description: 'give the blackbox exporter as host:port, e.g. blackbox-exporter.monitoring.svc:9115',
        }),
        module: optional(Type.String({ minLength: 1, description: 'name a blackbox exporter module, e.g. http_2xx' })),
        interval: optional(Duration),
        paths: optional(
          Type.Record(Type.String(), Type.Array(formatted(URL_PATH), { minItems: 1, uniqueItems: true }), {
            description: "list the paths to probe of each public component, e.g. { api: ['/', '/api/health'] } (default: / of each)",
          }),
        ),
      },
      'give proberUrl (the blackbox exporter, host:port), and optionally module, interval and paths',
    ),
  ),
});
