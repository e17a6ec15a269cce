import { Testing } from 'cdk8s';
import { UptimeProbes, uptimeAlerts } from '../../lib/observability/uptime-probes';

describe('UptimeProbes', () => {
  test('probes every URL through the blackbox exporter, by default with its http_2xx module every 30s', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new UptimeProbes(chart, 'probes', {
      name: 'dvmm-uptime',
      proberUrl: 'blackbox-exporter.monitoring.svc:9115',
      urls: { api: 'https://api.example.com/', frontend: 'https://example.com/' },
    });
    // THEN
    expect(Testing.synth(chart)).toEqual([
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Probe',
        metadata: { name: 'dvmm-uptime' },
        spec: {
          jobName: 'dvmm-uptime',
          prober: { url: 'blackbox-exporter.monitoring.svc:9115' },
          module: 'http_2xx',
          interval: '30s',
          targets: { staticConfig: { static: ['https://api.example.com/', 'https://example.com/'] } },
        },
      },
    ]);
  });
});

describe('UptimeProbes with several URLs of a host', () => {
  test('makes each URL one target, in host-key order', () => {
    const probes = new UptimeProbes(Testing.chart(), 'probes', {
      name: 'shop-uptime',
      proberUrl: 'blackbox-exporter.monitoring.svc:9115',
      urls: { web: 'https://shop.example.com/', api: ['https://api.shop.example.com/', 'https://api.shop.example.com/api/health'] },
    });
    expect(probes.targets).toEqual(['https://shop.example.com/', 'https://api.shop.example.com/', 'https://api.shop.example.com/api/health']);
    expect(probes.resource.toJson().spec.targets.staticConfig.static).toEqual(probes.targets);
  });
});

describe('uptimeAlerts', () => {
  test('one rule per URL, labelled by its host key, whose test fires on that URL alone', () => {
    // GIVEN two URLs of the API
    const urls = { api: ['https://api.shop.example.com/', 'https://api.shop.example.com/api/health'] };
    // WHEN
    const rules = uptimeAlerts({ job: 'shop-uptime', namespace: 'shop-production', urls }, { product: 'shop' });
    // THEN each rule selects its URL and its test expects the alert with the URL as instance
    expect(rules.map((r) => [r.alert, r.labels.component, r.expr])).toEqual([
      ['UptimeProbeFailing', 'api', 'probe_success{namespace="shop-production", job="shop-uptime", instance="https://api.shop.example.com/"} == 0'],
      [
        'UptimeProbeFailing',
        'api',
        'probe_success{namespace="shop-production", job="shop-uptime", instance="https://api.shop.example.com/api/health"} == 0',
      ],
    ]);
    expect(rules[1].test.outputLabels).toEqual({ instance: 'https://api.shop.example.com/api/health', job: 'shop-uptime' });
    expect(rules[1].test.firing[0].values).toBe('0x15');
    expect(rules[1].test.silent[0].values).toBe('1x15');
  });
});
