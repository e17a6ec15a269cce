import { Testing } from 'cdk8s';
import { defineProduct, EnvironmentConfig, Product } from '../../lib';
import { delayCase, durationSeconds, withFor } from '../../lib/observability/alert-for';
import { ALERT_DEFAULTS, AlertRule, isAlert, productAlertGroups } from '../../lib/observability/alerts';
import { ProductAlerts } from '../../lib/observability/product-alerts';
import { alertGroups, productChart, settingProblems, synth } from '../util';
import { SHOP_TARGETS } from './fixtures';

/** The environment's `for` of an alert, and the promtool test that follows it. */

const alert = (name: string): AlertRule =>
  productAlertGroups(SHOP_TARGETS, ALERT_DEFAULTS)
    .flatMap((g) => g.rules.filter(isAlert))
    .find((r) => r.alert === name)!;

describe('durationSeconds', () => {
  test('reads compound Prometheus durations', () => {
    expect([durationSeconds('1h30m'), durationSeconds('0s'), durationSeconds('2d'), durationSeconds('500ms')]).toEqual([5400, 0, 172800, 0.5]);
  });

  test('fails on anything else', () => {
    expect(() => durationSeconds('10 minutes')).toThrow('not a Prometheus duration: 10 minutes');
  });
});

describe('delayCase', () => {
  test('checks the case later by whole samples, each series continued at its last step', () => {
    const delayed = delayCase(
      {
        evalTime: '25m',
        interval: '1m',
        series: [
          { series: 'a', values: '0+60x25' },
          { series: 'b', values: '1 2 3' },
          { series: 'c', values: '0+1x2 stale' },
        ],
      },
      90,
    );
    expect(delayed).toEqual({
      evalTime: '27m',
      series: [
        { series: 'a', values: '0+60x27' },
        { series: 'b', values: '1 2 3 3x1' },
        { series: 'c', values: '0+1x2 stale' },
      ],
    });
  });

  test('leaves the case as it is for no delay or a shorter for', () => {
    const c = { evalTime: '25m', interval: '1m', series: [{ series: 'a', values: '1x25' }] };
    expect(delayCase(c, -600)).toEqual({ evalTime: '25m', series: c.series });
  });
});

describe('withFor', () => {
  test('a longer for delays the firing, silent and low-traffic cases by the difference', () => {
    // GIVEN the CPU alert (for 15m, checked at 25 minutes) WHEN its for is 30m
    const cpu = withFor(alert('ContainerCpuHigh'), '30m');
    // THEN it is checked 15 minutes later over series 15 samples longer
    expect(cpu.for).toBe('30m');
    expect(cpu.test.evalTime).toBe('40m');
    expect(cpu.test.firing.map((s) => s.values)).toEqual(['0+56.1x40', '1x40']);
    expect(cpu.test.silent.map((s) => s.values)).toEqual(['0+45.9x40', '1x40']);
    const burn = alert('ApiErrorBudgetBurnFast');
    const later = withFor(burn, '1h');
    expect(durationSeconds(later.test.evalTime) - durationSeconds(burn.test.evalTime)).toBe(3600 - 120);
    expect(later.test.lowTraffic).toHaveLength(burn.test.lowTraffic!.length);
    expect(later.test.lowTraffic).not.toEqual(burn.test.lowTraffic);
  });

  test('a shorter for keeps the test', () => {
    const cpu = alert('ContainerCpuHigh');
    expect(withFor(cpu, '0s')).toEqual({ ...cpu, for: '0s' });
  });

  test("keeps the backup's silent case silent however late it is checked: a backup every sample, always as old", () => {
    const backup = alert('PostgresBackupTooOld');
    // 90000 s allowed; 81000 s (10 % below) old at every sample
    expect(backup.test.silent[0].values).toBe(`-81000+600x${durationSeconds(backup.test.evalTime) / 600}`);
  });
});

describe('ProductAlerts with for', () => {
  test('renders the named alerts with their for and leaves the others; names it does not render are left alone', () => {
    const alerts = new ProductAlerts(Testing.chart(), 'alerts', {
      targets: SHOP_TARGETS,
      runbookBaseUrl: 'https://r',
      for: { ContainerCpuHigh: '30m', OrdersBacklogHigh: '1h' },
    });
    const rules = alerts.groups.flatMap((g) => g.rules.filter(isAlert));
    expect(rules.find((r) => r.alert === 'ContainerCpuHigh')!.for).toBe('30m');
    expect(rules.find((r) => r.alert === 'ContainerMemoryHigh')!.for).toBe('15m');
    const test = alerts.tests('rules.yaml').find((t) => t.name === 'ContainerCpuHigh--orders.test.yaml')!;
    expect((test.content.tests as any[]).map((t) => t.alert_rule_test[0].eval_time)).toEqual(['40m', '40m']);
  });

  test('fails on a for that is no Prometheus duration', () => {
    expect(
      () => new ProductAlerts(Testing.chart(), 'alerts', { targets: SHOP_TARGETS, runbookBaseUrl: 'r', for: { ContainerCpuHigh: 'soon' } }),
    ).toThrow(`for.ContainerCpuHigh is not a Prometheus duration (got "soon"); use a duration such as '10m' or '1h'`);
  });
});

describe("the environment's observability.alerting.for", () => {
  const product: Product = defineProduct({
    name: 'shop',
    components: { api: { kind: 'nginx', image: 'registry.example.com/shop/api' } },
    alerts: [
      {
        alert: 'OrdersBacklogHigh',
        expr: 'sum(orders_backlog) > 1000',
        severity: 'warning',
        summary: 'The backlog is high',
        description: 'More than 1000 orders wait.',
        tests: {
          firing: [{ evalTime: '10m', series: [{ series: 'orders_backlog{queue="in"}', values: '1500x15' }] }],
          silent: [{ evalTime: '10m', series: [{ series: 'orders_backlog{queue="in"}', values: '900x15' }] }],
        },
      },
    ],
  });
  const environment = (durations: Record<string, string>): EnvironmentConfig => ({
    name: 'staging',
    hosts: {},
    exposure: { kind: 'route' },
    release: { strategy: 'rolling' },
    components: { api: { tag: '1.0.0', replicas: 2 } },
    observability: { alerting: { for: durations } },
  });

  test("sets the library's alerts' and the product's own alerts' for, and their promtool tests follow", () => {
    // GIVEN 30 minutes for the CPU alert and the product's own backlog alert (5m by default)
    const chart = productChart(environment({ ContainerCpuHigh: '30m', OrdersBacklogHigh: '30m' }), product);
    // WHEN synthesised
    const manifests = synth(chart);
    const rule = (name: string, alertName: string) =>
      alertGroups(manifests, name)
        .flatMap((g: any) => g.rules)
        .find((r: any) => r.alert === alertName);
    // THEN both rules wait 30 minutes, and both tests are checked later by what the for grew
    expect(rule('shop-alerts', 'ContainerCpuHigh').for).toBe('30m');
    expect(rule('shop-alerts', 'ContainerMemoryHigh').for).toBe('15m');
    expect(rule('shop-own-alerts', 'OrdersBacklogHigh').for).toBe('30m');
    const evalTimes = (files: Array<{ name: string; content: Record<string, unknown> }>, name: string) =>
      (files.find((f) => f.name === name)!.content.tests as any[]).map((t) => t.alert_rule_test[0].eval_time);
    expect(evalTimes(chart.alerts!.tests('r'), 'ContainerCpuHigh--api.test.yaml')).toEqual(['40m', '40m']);
    expect(evalTimes(chart.ownAlerts!.tests('r'), 'OrdersBacklogHigh--all.test.yaml')).toEqual(['35m', '35m']);
  });

  test('fails on an alert the environment does not render, naming the alerts it has', () => {
    expect(settingProblems(() => productChart(environment({ PostgresDiskFilling: '1h' }), product))).toEqual([
      'observability.alerting.for.PostgresDiskFilling: is not an alert of this environment (got "1h"); ' +
        'name one of ContainerCpuHigh, ContainerMemoryHigh, OrdersBacklogHigh, or remove it',
    ]);
  });
});
