import { Testing } from 'cdk8s';
import { PropertyErrors } from '../../lib/core/errors';
import { OwnAlert, ProductOwnAlerts, ProductOwnAlertsProps } from '../../lib/observability/own-alerts';

/** A product's own alerts alone: their checks, their rendering and their promtool tests. */

const BACKLOG: OwnAlert = {
  alert: 'OrdersBacklogHigh',
  expr: 'sum(orders_backlog) > 1000',
  severity: 'critical',
  summary: 'The backlog of {{ $labels.component }} is high',
  description: 'Queue {{ $labels.queue }} holds more than 1000 orders.',
  component: 'app',
  tests: {
    firing: [
      { name: 'fires on a long backlog', evalTime: '10m', series: [{ series: 'orders_backlog{queue="in"}', values: '1500x15' }], outputLabels: {} },
    ],
    silent: [
      { evalTime: '10m', series: [{ series: 'orders_backlog{queue="in"}', values: '900x15' }] },
      { evalTime: '3m', series: [] },
    ],
  },
};

const SCOPE = { product: 'orders', environment: 'dev', namespace: 'orders-dev', critical: false };

function own(alerts: readonly OwnAlert[], props: Partial<ProductOwnAlertsProps> = {}): ProductOwnAlerts {
  return new ProductOwnAlerts(Testing.chart(), 'own', { alerts, scope: SCOPE, runbookBaseUrl: 'https://runbooks.example.com/orders/', ...props });
}

function messages(build: () => unknown): string[] {
  try {
    build();
  } catch (e) {
    if (e instanceof PropertyErrors) return e.errors.map((x) => x.message);
    if (e instanceof Error) return [e.message];
  }
  return [];
}

describe('ProductOwnAlerts', () => {
  const valid: OwnAlert = { ...BACKLOG, tests: { ...BACKLOG.tests, silent: [BACKLOG.tests.silent[0]] } };

  test('renders one group with the library labels, the runbook link and the default for', () => {
    const alerts = own([valid]);
    expect(Testing.synth(alerts.node.scope as never)[0].spec.groups).toEqual([
      {
        name: 'orders-dev.own',
        rules: [
          {
            alert: 'OrdersBacklogHigh',
            expr: 'sum(orders_backlog) > 1000',
            for: '5m',
            labels: { product: 'orders', environment: 'dev', namespace: 'orders-dev', component: 'app', severity: 'critical' },
            annotations: {
              summary: 'The backlog of app is high',
              description: 'Queue {{ $labels.queue }} holds more than 1000 orders.',
              runbook_url: 'https://runbooks.example.com/orders/OrdersBacklogHigh.md',
            },
          },
        ],
      },
    ]);
    expect(alerts.alertNames).toEqual(['OrdersBacklogHigh']);
  });

  test('tests every declared case, the firing one expecting exactly the rendered labels and annotations', () => {
    const [file] = own([valid]).tests('rules.yaml');
    expect(file.name).toBe('OrdersBacklogHigh--app.test.yaml');
    expect(file.content).toEqual({
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          name: 'fires on a long backlog',
          interval: '1m',
          input_series: [{ series: 'orders_backlog{queue="in"}', values: '1500x15' }],
          alert_rule_test: [
            {
              eval_time: '10m',
              alertname: 'OrdersBacklogHigh',
              exp_alerts: [
                {
                  exp_labels: { component: 'app', environment: 'dev', namespace: 'orders-dev', product: 'orders', severity: 'critical' },
                  exp_annotations: {
                    summary: 'The backlog of app is high',
                    description: 'Queue  holds more than 1000 orders.',
                    runbook_url: 'https://runbooks.example.com/orders/OrdersBacklogHigh.md',
                  },
                },
              ],
            },
          ],
        },
        {
          name: 'OrdersBacklogHigh stays silent (case 1)',
          interval: '1m',
          input_series: [{ series: 'orders_backlog{queue="in"}', values: '900x15' }],
          alert_rule_test: [{ eval_time: '10m', alertname: 'OrdersBacklogHigh', exp_alerts: [] }],
        },
      ],
    });
  });

  test('fails on every bad field, naming the alert and the field', () => {
    const bad = {
      ...BACKLOG,
      for: '5 minutes',
      severity: 'page',
      summary: 'Backlog is {{ $value }}',
      labels: { severity: 'x', priority: 'Sev2' },
      tests: { firing: [], silent: BACKLOG.tests.silent },
    } as unknown as OwnAlert;
    const path = 'test/own';
    expect(messages(() => own([bad, { ...valid, alert: 'orders-backlog' }], { reservedNames: [] }))).toEqual([
      `${path}: alerts.OrdersBacklogHigh.for is not a Prometheus duration (got "5 minutes"); use a duration such as '5m' or '1h30m'`,
      `${path}: alerts.OrdersBacklogHigh.severity is not a severity (got "page"); use 'critical' (pages) or 'warning' (chat)`,
      `${path}: alerts.OrdersBacklogHigh.summary uses a template other than {{ $labels.<name> }} (got "Backlog is {{ $value }}"); ` +
        'write the value in, or use {{ $labels.<name> }} (its test then expects the expansion)',
      `${path}: alerts.OrdersBacklogHigh.labels.severity is not a label an alert may set (got "severity"); ` +
        'use a label name other than product, environment, namespace, component, severity, alertname',
      `${path}: alerts.OrdersBacklogHigh.tests.firing needs at least one case (got []); add a case whose series make it fire`,
      `${path}: alerts.OrdersBacklogHigh.tests.silent[1].series is empty (got []); give the input series of the case`,
      `${path}: alerts[1].alert is not an alert name (got "orders-backlog"); use letters and digits starting with a capital, e.g. OrdersBacklogHigh`,
    ]);
  });

  test('fails on the name of a library alert and on an alert declared twice', () => {
    const field = 'test/own: alerts.OrdersBacklogHigh.alert';
    const library = `${field} is the name of one of the library's alerts (got "OrdersBacklogHigh"); give your alert a name of its own`;
    expect(messages(() => own([valid, valid], { reservedNames: ['OrdersBacklogHigh'] }))).toEqual([
      library,
      library,
      `${field} is declared twice for the same component (also alerts[0]) (got "OrdersBacklogHigh"); merge them or set component`,
    ]);
  });
});
