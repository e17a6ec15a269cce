import { EafFrontend, Exposure } from '../../lib';
import { find, synth, testChart } from '../util';

describe('Exposure', () => {
  function setup() {
    const chart = testChart();
    const frontend = new EafFrontend(chart, 'frontend', { image: 'registry.example.com/web', tag: '1.0.0' });
    return { chart, service: frontend.service };
  }

  test('publishes an Ingress with TLS and a cert-manager issuer', () => {
    const { chart, service } = setup();
    const exposure = new Exposure(chart, 'expose', {
      name: 'web',
      host: 'app.example.com',
      service,
      options: { kind: 'ingress', clusterIssuer: 'letsencrypt', className: 'nginx' },
    });
    const ingress = find(synth(chart), 'Ingress', 'web');
    expect(exposure.url).toBe('https://app.example.com');
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['app.example.com'], secretName: 'web-tls' }]);
    expect(ingress.spec.rules[0]).toEqual({
      host: 'app.example.com',
      http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'frontend', port: { number: 8080 } } } }] },
    });
  });

  test('publishes an OpenShift Route terminated at the edge with HTTP redirected', () => {
    const { chart, service } = setup();
    new Exposure(chart, 'expose', { name: 'web', host: 'app.example.com', service, options: { kind: 'route' } });
    const route = find(synth(chart), 'Route', 'web');
    expect(route.apiVersion).toBe('route.openshift.io/v1');
    expect(route.spec).toEqual({
      host: 'app.example.com',
      port: { targetPort: 'http' },
      tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
      to: { kind: 'Service', name: 'frontend', weight: 100 },
    });
  });

  test('re-encrypts when asked', () => {
    const { chart, service } = setup();
    new Exposure(chart, 'expose', { name: 'web', host: 'app.example.com', service, options: { kind: 'route', termination: 'reencrypt' } });
    expect(find(synth(chart), 'Route', 'web').spec.tls.termination).toBe('reencrypt');
  });

  test('fails on a host that is not a DNS name', () => {
    const { chart, service } = setup();
    expect(() => new Exposure(chart, 'expose', { name: 'web', host: 'App_Example.com', service, options: { kind: 'route' } })).toThrow(
      'test/expose: host is not a valid DNS name (got "App_Example.com"); use a lower-case DNS name such as app.example.com',
    );
  });

  test('leaves the IngressClass to the cluster when none is named, and reports its host', () => {
    const { chart, service } = setup();
    const exposure = new Exposure(chart, 'expose', {
      name: 'web',
      host: 'app.example.com',
      service: { name: service.name, port: 8443 },
      options: { kind: 'ingress', clusterIssuer: 'internal-ca' },
    });
    const ingress = find(synth(chart), 'Ingress', 'web');
    expect(ingress.spec.ingressClassName).toBeUndefined();
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'internal-ca' });
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'frontend', port: { number: 8443 } } });
    expect(exposure.host).toBe('app.example.com');
  });

  test('terminates at the edge when told so explicitly', () => {
    const { chart, service } = setup();
    new Exposure(chart, 'expose', { name: 'web', host: 'app.example.com', service, options: { kind: 'route', termination: 'edge' } });
    expect(find(synth(chart), 'Route', 'web').spec.tls).toEqual({ termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' });
  });
});
