import { deployment, findingsOf, NS, workload } from './fixtures';

const D = 'production: Deployment/shop-production/api';

describe('production-replicas', () => {
  test('passes 2+ replicas with a PodDisruptionBudget, and anything in a non-critical environment', () => {
    expect(findingsOf('production-replicas', workload('api', { replicas: 2 }))).toEqual([]);
    expect(findingsOf('production-replicas', [deployment('api', { replicas: 1 })], { environment: 'dev', critical: false })).toEqual([]);
  });

  test('passes a Deployment without replicas that an autoscaler scales from 2', () => {
    const objects = workload('api', { replicas: undefined });
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api', namespace: NS },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, minReplicas: 2, maxReplicas: 6 },
    };
    expect(findingsOf('production-replicas', [...objects, hpa])).toEqual([]);
  });

  test('passes the idle colour of a blue-green release: 0 replicas, selected by a Service labelled as preview, no PDB needed', () => {
    // GIVEN api-blue (live, 3 replicas, PDB) and api-green scaled to 0 behind api-preview
    const blue = workload('api-blue', { labels: { 'app.kubernetes.io/name': 'api', 'eaf.io/color': 'blue' } });
    const green = deployment('api-green', { replicas: 0, labels: { 'app.kubernetes.io/name': 'api', 'eaf.io/color': 'green' } });
    const preview = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api-preview', namespace: NS, labels: { 'eaf.io/preview': 'true' } },
      spec: { selector: { 'app.kubernetes.io/name': 'api', 'eaf.io/color': 'green' }, ports: [{ port: 8080 }] },
    };
    // WHEN validated THEN the idle colour is allowed
    expect(findingsOf('production-replicas', [...blue, green, preview])).toEqual([]);
    // THEN the gate reads the label, not the name: the same Service without it exempts nothing
    const unlabelled = { ...preview, metadata: { name: 'api-preview', namespace: NS } };
    expect(findingsOf('production-replicas', [...blue, green, unlabelled]).map((f) => f.split(': [')[0])).toEqual([
      'production: Deployment/shop-production/api-green',
      'production: Deployment/shop-production/api-green',
    ]);
  });

  test('fails on 1 replica, unset replicas and a missing PodDisruptionBudget', () => {
    const one = deployment('api', { replicas: 1 });
    const unset = deployment('web', { replicas: undefined });
    expect(findingsOf('production-replicas', [one, unset])).toEqual([
      `${D}: [production-replicas] spec.replicas: must be at least 2 in a critical environment (got 1); fix: set spec.replicas to 2 or more, or scale it with a HorizontalPodAutoscaler whose minReplicas is at least 2`,
      `${D}: [production-replicas] spec.template.metadata.labels: no PodDisruptionBudget selects these pods, so a node drain may stop them all (got {"app.kubernetes.io/name":"api"}); fix: add a PodDisruptionBudget (policy/v1) in shop-production whose selector matches these labels`,
      'production: Deployment/shop-production/web: [production-replicas] spec.replicas: must be at least 2 in a critical environment (unset means 1) (got nothing); fix: set spec.replicas to 2 or more, or scale it with a HorizontalPodAutoscaler whose minReplicas is at least 2',
      'production: Deployment/shop-production/web: [production-replicas] spec.template.metadata.labels: no PodDisruptionBudget selects these pods, so a node drain may stop them all (got {"app.kubernetes.io/name":"web"}); fix: add a PodDisruptionBudget (policy/v1) in shop-production whose selector matches these labels',
    ]);
  });

  test('fails on an autoscaler that may go down to 1, and on 0 replicas without a preview Service', () => {
    const scaled = workload('api', { replicas: undefined });
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api-hpa', namespace: NS },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, maxReplicas: 6 },
    };
    const zero = workload('worker', { replicas: 0 });
    expect(findingsOf('production-replicas', [...scaled, hpa, ...zero])).toEqual([
      `${D}: [production-replicas] spec.replicas: is owned by HorizontalPodAutoscaler api-hpa, whose spec.minReplicas must be at least 2 in a critical environment (got 1); fix: raise spec.minReplicas of HorizontalPodAutoscaler api-hpa to 2 or more`,
      'production: Deployment/shop-production/worker: [production-replicas] spec.replicas: must be at least 2 in a critical environment (got 0); fix: set spec.replicas to 2 or more, or scale it with a HorizontalPodAutoscaler whose minReplicas is at least 2',
    ]);
  });
});

describe('network-policy-coverage', () => {
  test('passes pods selected by matchLabels, by matchExpressions or by an empty podSelector', () => {
    const [api, service, pdb] = workload('api');
    const [web] = workload('web');
    const [job] = workload('job');
    const byExpression = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web', namespace: NS },
      spec: {
        podSelector: {
          matchExpressions: [
            { key: 'app.kubernetes.io/name', operator: 'In', values: ['web', 'other'] },
            { key: 'eaf.io/color', operator: 'DoesNotExist' },
          ],
        },
      },
    };
    const selectsAll = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: NS },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    };
    expect(findingsOf('network-policy-coverage', [api, service, pdb, web, byExpression, job, selectsAll])).toEqual([]);
  });

  test('fails on pods no policy of their namespace selects', () => {
    const api = deployment('api');
    const elsewhere = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'all', namespace: 'other' },
      spec: { podSelector: {} },
    };
    const notIn = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'not-api', namespace: NS },
      spec: {
        podSelector: {
          matchExpressions: [
            { key: 'app.kubernetes.io/name', operator: 'NotIn', values: ['api'] },
            { key: 'app.kubernetes.io/name', operator: 'Exists' },
          ],
        },
      },
    };
    expect(findingsOf('network-policy-coverage', [api, elsewhere, notIn])).toEqual([
      `${D}: [network-policy-coverage] spec.template.metadata.labels: no NetworkPolicy of namespace shop-production selects these pods (got {"app.kubernetes.io/name":"api"}); fix: add a NetworkPolicy in shop-production whose podSelector matches these labels`,
    ]);
  });
});

describe('no-secret-data', () => {
  test('passes a Secret without values (e.g. a type-only placeholder)', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls', namespace: NS }, type: 'kubernetes.io/tls', data: {} };
    expect(findingsOf('no-secret-data', [secret])).toEqual([]);
  });

  test('fails on data and stringData, showing the keys and never the values', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: NS },
      data: { password: 'aHVudGVyMg==' },
      stringData: { username: 'shop' },
    };
    const lines = findingsOf('no-secret-data', [secret]);
    expect(lines).toEqual([
      'production: Secret/shop-production/db: [no-secret-data] data: holds secret values, which must never be in git (keys shown, values never) (got ["password"]); fix: remove data; let the cluster provide the Secret (Sealed Secrets, External Secrets) and reference it by name',
      'production: Secret/shop-production/db: [no-secret-data] stringData: holds secret values, which must never be in git (keys shown, values never) (got ["username"]); fix: remove stringData; let the cluster provide the Secret (Sealed Secrets, External Secrets) and reference it by name',
    ]);
    expect(lines.join('\n')).not.toContain('aHVudGVyMg==');
  });
});

describe('service-selects-pods', () => {
  test('passes a Service whose targetPort is a declared port by number or by name, and a Service without selector', () => {
    const objects = workload('api');
    objects[1].spec.ports.push({ name: 'named', port: 80, targetPort: 'http' });
    const external = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'smtp', namespace: NS },
      spec: { type: 'ExternalName', externalName: 'smtp.example.com' },
    };
    expect(findingsOf('service-selects-pods', [...objects, external])).toEqual([]);
  });

  test('fails on a selector that matches no pod template, and on ports the pods do not declare', () => {
    const [api, service] = workload('api');
    service.spec.ports = [
      { name: 'http', port: 80, targetPort: 8081 },
      { name: 'metrics', port: 9000, targetPort: 'metrics' },
      { name: 'plain', port: 8443 },
    ];
    const stray = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'stray', namespace: NS },
      spec: { selector: { 'app.kubernetes.io/name': 'apu' }, ports: [{ port: 80 }] },
    };
    expect(findingsOf('service-selects-pods', [api, service, stray])).toEqual([
      'production: Service/shop-production/api: [service-selects-pods] spec.ports[0].targetPort: no container of the selected pods declares this port (got 8081); fix: point it at a declared container port: http (8080)',
      'production: Service/shop-production/api: [service-selects-pods] spec.ports[1].targetPort: no container of the selected pods declares this port (got "metrics"); fix: point it at a declared container port: http (8080)',
      'production: Service/shop-production/api: [service-selects-pods] spec.ports[2].port: no container of the selected pods declares this port (got 8443); fix: point it at a declared container port: http (8080)',
      'production: Service/shop-production/stray: [service-selects-pods] spec.selector: selects no pods of any workload in namespace shop-production (got {"app.kubernetes.io/name":"apu"}); fix: make spec.selector a subset of the pod template labels of the workload it fronts',
    ]);
  });
});

const ingress = (rules: unknown[], tls?: unknown[]) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: NS },
  spec: { rules, ...(tls === undefined ? {} : { tls }) },
});
const route = (spec: Record<string, unknown>) => ({
  apiVersion: 'route.openshift.io/v1',
  kind: 'Route',
  metadata: { name: 'web', namespace: NS },
  spec: { to: { kind: 'Service', name: 'web' }, ...spec },
});

describe('dns-hostname', () => {
  test('passes lower-case DNS names and an Ingress wildcard', () => {
    const objects = [
      ingress(
        [{ host: 'shop.example.com' }, { host: '*.apps.example.com' }],
        [{ hosts: ['shop.example.com', '*.apps.example.com'], secretName: 'web-tls' }],
      ),
      route({ host: 'api.shop.example.com' }),
    ];
    expect(findingsOf('dns-hostname', objects)).toEqual([]);
  });

  test('fails on upper case, underscores, IP addresses, over-long labels and a Route wildcard', () => {
    const long = `${'a'.repeat(64)}.example.com`;
    const objects = [
      ingress([{ host: 'Shop.example.com' }, { host: '10.0.0.1' }], [{ hosts: ['shop_1.example.com'] }]),
      route({ host: `*.${long}` }),
    ];
    const fix = 'fix: use lower-case labels of letters, digits and hyphens, at most 63 characters each, e.g. app.example.com';
    expect(findingsOf('dns-hostname', objects)).toEqual([
      `production: Ingress/shop-production/web: [dns-hostname] spec.rules[0].host: is not a valid DNS name (got "Shop.example.com"); ${fix}`,
      `production: Ingress/shop-production/web: [dns-hostname] spec.rules[1].host: is not a valid DNS name (got "10.0.0.1"); ${fix}`,
      `production: Ingress/shop-production/web: [dns-hostname] spec.tls[0].hosts[0]: is not a valid DNS name (got "shop_1.example.com"); ${fix}`,
      `production: Route/shop-production/web: [dns-hostname] spec.host: is not a valid DNS name (got "*.${long}"); ${fix}`,
    ]);
  });
});

describe('tls-required', () => {
  test('passes an Ingress whose tls covers every host (one via a wildcard) and an edge Route that redirects', () => {
    const objects = [
      ingress([{ host: 'shop.example.com' }, { host: 'api.apps.example.com' }], [{ hosts: ['shop.example.com'] }, { hosts: ['*.apps.example.com'] }]),
      route({ host: 'shop.example.com', tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' } }),
    ];
    expect(findingsOf('tls-required', objects)).toEqual([]);
  });

  test('fails on an Ingress without tls, a host tls does not cover, and Routes without TLS or that allow plain HTTP', () => {
    const objects = [
      ingress([{ host: 'shop.example.com' }]),
      {
        ...ingress([{ host: 'shop.example.com' }, { host: 'a.b.apps.example.com' }], [{ hosts: ['*.apps.example.com'] }]),
        metadata: { name: 'partial', namespace: NS },
      },
      route({ host: 'shop.example.com' }),
      { ...route({ host: 'shop.example.com', tls: { insecureEdgeTerminationPolicy: 'Allow' } }), metadata: { name: 'allow', namespace: NS } },
    ];
    expect(findingsOf('tls-required', objects)).toEqual([
      'production: Ingress/shop-production/web: [tls-required] spec.tls: is required: without it the Ingress serves plain HTTP (got nothing); fix: add spec.tls with a secretName and the hosts shop.example.com (cert-manager issues the certificate)',
      'production: Ingress/shop-production/partial: [tls-required] spec.rules[0].host: is not covered by any spec.tls[].hosts (got "shop.example.com"); fix: add shop.example.com to the hosts of a spec.tls entry',
      'production: Ingress/shop-production/partial: [tls-required] spec.rules[1].host: is not covered by any spec.tls[].hosts (got "a.b.apps.example.com"); fix: add a.b.apps.example.com to the hosts of a spec.tls entry',
      'production: Route/shop-production/web: [tls-required] spec.tls: is required: without it the Route serves plain HTTP (got nothing); fix: set spec.tls.termination to edge, reencrypt or passthrough and spec.tls.insecureEdgeTerminationPolicy to Redirect',
      'production: Route/shop-production/allow: [tls-required] spec.tls.termination: is required (got nothing); fix: set spec.tls.termination to edge, reencrypt or passthrough',
      'production: Route/shop-production/allow: [tls-required] spec.tls.insecureEdgeTerminationPolicy: must be Redirect or None, not Allow (Allow serves plain HTTP too) (got "Allow"); fix: set spec.tls.insecureEdgeTerminationPolicy to Redirect',
    ]);
  });
});
