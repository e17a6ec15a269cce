import { Testing } from 'cdk8s';
import { UptimeProbes } from '../../lib/observability/uptime-probes';

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
