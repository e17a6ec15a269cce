import { ABOVE, AlertRule, AlertThresholds, BELOW, counter, gauge, InputSeries } from './alert-model';
import { Labels, num, series } from './promql';

/** Alerts on the product's own Keycloak: down, and failed logins. */
export function keycloakAlerts(m: Labels, labels: Labels, t: AlertThresholds): AlertRule[] {
  const samples = 25;
  const up = (value: number): InputSeries[] => [{ series: series('up', m, 'pod="keycloak-0"'), values: gauge(value, samples) }];
  const failures = (perMinute: number): InputSeries[] => [
    {
      series: series('keycloak_credentials_password_hashing_validations_total', m, 'pod="keycloak-0"', 'outcome="invalid"'),
      values: counter(perMinute, samples),
    },
  ];
  return [
    {
      alert: 'KeycloakDown',
      expr: `(sum(${series('up', m)}) or vector(0)) == 0`,
      for: '5m',
      severity: 'critical',
      summary: 'Keycloak {{ $labels.component }} is down',
      description:
        'No instance of Keycloak {{ $labels.component }} in {{ $labels.namespace }} has answered a scrape ' +
        'for 5 minutes: nobody can log in and tokens cannot be refreshed.',
      labels,
      test: { interval: '1m', evalTime: `${samples}m`, firing: up(0), silent: up(1), outputLabels: {} },
    },
    {
      alert: 'KeycloakLoginFailuresHigh',
      expr:
        `sum(rate(${series('keycloak_credentials_password_hashing_validations_total', m, 'outcome="invalid"')}[5m])) ` +
        `* 60 > ${num(t.loginFailuresPerMinute)}`,
      for: '10m',
      severity: 'warning',
      summary: `More than ${num(t.loginFailuresPerMinute)} failed logins a minute at Keycloak {{ $labels.component }}`,
      description:
        `Keycloak {{ $labels.component }} in {{ $labels.namespace }} rejected more than ` +
        `${num(t.loginFailuresPerMinute)} passwords a minute for 10 minutes: credential stuffing, a broken ` +
        `client, or a user directory problem.`,
      labels,
      test: {
        interval: '1m',
        evalTime: `${samples}m`,
        firing: failures(t.loginFailuresPerMinute * ABOVE),
        silent: failures(t.loginFailuresPerMinute * BELOW),
        outputLabels: {},
      },
    },
  ];
}
