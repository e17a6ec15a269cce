import { Testing } from 'cdk8s';
import { AlertRouting, AlertRoutingProps } from '../../lib/observability/alert-routing';

/** AlertRouting alone: which receiver gets which alerts, and what each receiver kind renders. */

const PAGERDUTY = { kind: 'pagerduty', routingKey: { secretName: 'alerting', key: 'pagerduty-key' } } as const;
const SLACK = { kind: 'slack', webhookUrl: { secretName: 'alerting', key: 'slack-url' }, channel: '#dvmm' } as const;
const WEBHOOK = { kind: 'webhook', url: { secretName: 'alerting', key: 'hook-url' } } as const;

function render(props: Omit<AlertRoutingProps, 'name'>): any {
  const chart = Testing.chart();
  new AlertRouting(chart, 'routing', { name: 'dvmm-alerts', ...props });
  const [config] = Testing.synth(chart);
  return config;
}

describe('AlertRouting', () => {
  test('pages on critical alerts and sends the rest to chat, grouped by alert and environment, again every 4h', () => {
    // WHEN
    const config = render({ paging: PAGERDUTY, chat: SLACK });
    // THEN
    expect(config).toEqual({
      apiVersion: 'monitoring.coreos.com/v1alpha1',
      kind: 'AlertmanagerConfig',
      metadata: { name: 'dvmm-alerts' },
      spec: {
        route: {
          receiver: 'chat',
          groupBy: ['alertname', 'environment'],
          groupWait: '30s',
          groupInterval: '5m',
          repeatInterval: '4h',
          routes: [{ receiver: 'paging', matchers: [{ name: 'severity', value: 'critical', matchType: '=' }] }],
        },
        receivers: [
          { name: 'paging', pagerdutyConfigs: [{ routingKey: { name: 'alerting', key: 'pagerduty-key' }, sendResolved: true }] },
          { name: 'chat', slackConfigs: [{ apiURL: { name: 'alerting', key: 'slack-url' }, channel: '#dvmm', sendResolved: true }] },
        ],
      },
    });
  });

  test('with paging alone, every alert pages', () => {
    const config = render({ paging: PAGERDUTY, groupBy: ['alertname'], repeatInterval: '1h' });
    expect(config.spec.route).toEqual({ receiver: 'paging', groupBy: ['alertname'], groupWait: '30s', groupInterval: '5m', repeatInterval: '1h' });
    expect(config.spec.receivers).toStrictEqual([
      { name: 'paging', pagerdutyConfigs: [{ routingKey: { name: 'alerting', key: 'pagerduty-key' }, sendResolved: true }] },
    ]);
  });

  test('with chat alone, every alert goes to chat; a webhook receiver reads its URL from a Secret', () => {
    const config = render({ chat: WEBHOOK });
    expect(config.spec.route.receiver).toBe('chat');
    expect(config.spec.route.routes).toBeUndefined();
    expect(config.spec.receivers).toEqual([
      { name: 'chat', webhookConfigs: [{ urlSecret: { name: 'alerting', key: 'hook-url' }, sendResolved: true }] },
    ]);
  });

  test('fails without any receiver, naming the construct, the setting and the fix', () => {
    expect(() => render({})).toThrow(
      expect.objectContaining({
        message:
          'test/routing: paging needs a receiver: neither paging nor chat is set (got nothing); set paging (critical alerts) and/or chat (the others)',
      }),
    );
  });
});
