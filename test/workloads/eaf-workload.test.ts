import { Chart, Testing } from 'cdk8s';
import { Connections, DATABASE_ENV, EafApi, EafFrontend, EafWorkload, Keycloak, PostgresCluster, PropertyErrors } from '../../lib';
import { find, synth, testChart } from '../util';

describe('EafWorkload', () => {
  const image = 'registry.example.com/dvmm/api';

  test('fails when replicas is below 1', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', replicas: 0 })).toThrow(
      'test/api: replicas must be a whole number of at least 1 (got 0); set replicas to 1 or more',
    );
  });

  test('fails when replicas is not a whole number', () => {
    expect(() => new EafFrontend(testChart(), 'web', { image, tag: '1.0.0', replicas: 1.5 })).toThrow(
      'test/web: replicas must be a whole number of at least 1 (got 1.5); set replicas to 1 or more',
    );
  });

  test('fails without a tag for a rolling release', () => {
    expect(() => new EafApi(testChart(), 'api', { image })).toThrow(
      'test/api: tag is required for a rolling release (got nothing); set tag to the image version to run',
    );
  });

  test('fails with colour tags for a rolling release, and with one tag for a blue-green one', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', tags: { blue: '1.0.0', green: '1.1.0' } })).toThrow(
      'test/api: tags is only for blue-green releases (got {"blue":"1.0.0","green":"1.1.0"}); set tag instead, or release blue-green',
    );
    expect(() => new EafApi(testChart(), 'api', { image, blueGreen: { activeColor: 'blue' } })).toThrow(
      'test/api: tags is required for a blue-green release (got nothing); set tags: { blue: <version>, green: <version> }',
    );
    expect(
      () => new EafApi(testChart(), 'api', { image, tag: '1.0.0', tags: { blue: '1.0.0', green: '1.1.0' }, blueGreen: { activeColor: 'blue' } }),
    ).toThrow('test/api: tag is only for rolling releases (got "1.0.0"); set tags.blue and tags.green instead');
  });

  test('fails on a tag that is no image tag', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: 'v1 beta' })).toThrow(
      'test/api: tag is not an image tag or sha256 digest (got "v1 beta"); use an image tag such as 1.4.2, or a digest sha256:<64 hex digits>',
    );
  });

  test('fails on the moving tag latest anywhere, and on a branch name below a critical chart', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: 'latest' })).toThrow(
      'test/api: tag is a moving tag (got "latest"); pin an immutable version such as 1.4.2, or a sha256 digest',
    );
    expect(() => new EafApi(testChart(), 'api', { image, tag: 'main' })).not.toThrow();
    const critical = testChart();
    critical.node.setContext('@eaf/cdk8s:critical', true);
    expect(() => new EafApi(critical, 'api', { image, tags: { blue: '1.4.2', green: 'main' }, blueGreen: { activeColor: 'blue' } })).toThrow(
      'test/api: tags.green must be a released version or a digest in a critical environment (got "main"); use a version such as 1.4.2, or a sha256 digest',
    );
  });

  test('fails on an image repository that is not one', () => {
    expect(() => new EafApi(testChart(), 'api', { image: 'Registry.example.com/api', tag: '1.0.0' })).toThrow(
      'test/api: image is not an image repository without tag (got "Registry.example.com/api"); use an image repository without tag, e.g. registry.example.com/dvmm/api',
    );
  });

  test('fails on negative idle replicas', () => {
    expect(
      () => new EafApi(testChart(), 'api', { image, blueGreen: { activeColor: 'blue', idleReplicas: -1 }, tags: { blue: '1', green: '2' } }),
    ).toThrow('test/api: blueGreen.idleReplicas must be a whole number of at least 0 (got -1); set idleReplicas to 0 (scaled down) or more');
  });

  test('fails when the autoscaler maximum is below its minimum', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', autoscaling: { minReplicas: 4, maxReplicas: 2 } })).toThrow(
      'test/api: autoscaling.maxReplicas must be at least minReplicas 4 (got 2); raise maxReplicas',
    );
  });

  test('fails on a quantity Kubernetes does not accept', () => {
    expect(
      () =>
        new EafApi(testChart(), 'api', {
          image,
          tag: '1.0.0',
          resources: { requests: { cpu: '250 millicores', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
        }),
    ).toThrow('test/api: resources.requests.cpu is not a Kubernetes quantity (got "250 millicores"); use a value such as 250m, 1, 512Mi or 1Gi');
    expect(
      () =>
        new EafApi(testChart(), 'api', {
          image,
          tag: '1.0.0',
          resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1GB!' } },
        }),
    ).toThrow('test/api: resources.limits.memory is not a Kubernetes quantity (got "1GB!"); use a value such as 250m, 1, 512Mi or 1Gi');
  });

  test('fails when a limit is below its request', () => {
    expect(
      () =>
        new EafApi(testChart(), 'api', {
          image,
          tag: '1.0.0',
          resources: { requests: { cpu: '250m', memory: '2Gi' }, limits: { cpu: '1', memory: '1Gi' } },
        }),
    ).toThrow('test/api: resources.limits.memory is below its request 2Gi (got "1Gi"); raise the limit to at least 2Gi');
  });
});

describe('EafWorkload limits', () => {
  const image = 'registry.example.com/dvmm/api';
  const tags = { blue: '1.0.0', green: '1.1.0' };

  test('fails when the idle colour is larger than the active one, naming replicas or the autoscaler minimum', () => {
    expect(() => new EafApi(testChart(), 'api', { image, replicas: 2, blueGreen: { activeColor: 'blue', idleReplicas: 3 }, tags })).toThrow(
      "test/api: blueGreen.idleReplicas is above the api component's replicas 2 (got 3); set idleReplicas to at most 2, or raise the component's replicas",
    );
    expect(
      () =>
        new EafApi(testChart(), 'api', {
          image,
          blueGreen: { activeColor: 'blue', idleReplicas: 3 },
          tags,
          autoscaling: { minReplicas: 2, maxReplicas: 5 },
        }),
    ).toThrow(
      "test/api: blueGreen.idleReplicas is above the api component's autoscaling.minReplicas 2 (got 3); set idleReplicas to at most 2, or raise the component's replicas",
    );
  });

  test('does not compare the idle colour with replicas that are themselves invalid: one problem, about replicas', () => {
    const run = () => new EafApi(testChart(), 'api', { image, replicas: 1.5, blueGreen: { activeColor: 'blue', idleReplicas: 2 }, tags });
    expect(run).toThrow('test/api: replicas must be a whole number of at least 1 (got 1.5); set replicas to 1 or more');
    expect(run).not.toThrow(/idleReplicas/);
  });

  test('runs the idle colour at the replicas it is given, and at the active replicas when none is given', () => {
    const idleOf = (blueGreen: { activeColor: 'blue'; idleReplicas?: number }) => {
      const chart = testChart();
      new EafApi(chart, 'api', { image, replicas: 3, blueGreen, tags });
      return find(synth(chart), 'Deployment', 'api-green').spec.replicas;
    };
    expect(idleOf({ activeColor: 'blue', idleReplicas: 1 })).toBe(1);
    expect(idleOf({ activeColor: 'blue' })).toBe(3);
  });

  test('accepts an idle colour as large as the active one', () => {
    const chart = testChart();
    new EafApi(chart, 'api', { image, replicas: 2, blueGreen: { activeColor: 'blue', idleReplicas: 2 }, tags });
    expect(find(synth(chart), 'Deployment', 'api-green').spec.replicas).toBe(2);
  });

  test('fails on idle replicas that are not a whole number', () => {
    expect(() => new EafApi(testChart(), 'api', { image, blueGreen: { activeColor: 'blue', idleReplicas: 0.5 }, tags })).toThrow(
      'test/api: blueGreen.idleReplicas must be a whole number of at least 0 (got 0.5); set idleReplicas to 0 (scaled down) or more',
    );
  });

  test('fails on an autoscaler minimum below 1 or not whole, and accepts a maximum equal to the minimum', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', autoscaling: { minReplicas: 0, maxReplicas: 2 } })).toThrow(
      'test/api: autoscaling.minReplicas must be a whole number of at least 1 (got 0); set minReplicas to 1 or more',
    );
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', autoscaling: { minReplicas: 1.5, maxReplicas: 2 } })).toThrow(
      'test/api: autoscaling.minReplicas must be a whole number of at least 1 (got 1.5); set minReplicas to 1 or more',
    );
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', autoscaling: { minReplicas: 2, maxReplicas: 2 } })).not.toThrow();
  });

  test('fails on a colour tag that is no image tag, naming the colour', () => {
    expect(() => new EafApi(testChart(), 'api', { image, blueGreen: { activeColor: 'blue' }, tags: { blue: 'not a tag', green: '1.0.0' } })).toThrow(
      'test/api: tags.blue is not an image tag or sha256 digest (got "not a tag"); use an image tag such as 1.4.2, or a digest sha256:<64 hex digits>',
    );
  });

  test('accepts a branch tag below a chart that is not critical, and a released version below a critical one', () => {
    const relaxed = testChart();
    relaxed.node.setContext('@eaf/cdk8s:critical', false);
    expect(() => new EafApi(relaxed, 'api', { image, tag: 'main' })).not.toThrow();
    const critical = testChart();
    critical.node.setContext('@eaf/cdk8s:critical', true);
    expect(() => new EafApi(critical, 'api', { image, tag: '1.4.2' })).not.toThrow();
    expect(() => new EafApi(testChart(), 'api', { image, tag: 'main' })).not.toThrow();
  });

  test('reports every bad property at once, one line each', () => {
    let error: unknown;
    try {
      new EafApi(testChart(), 'api', { image: 'Bad Image', replicas: 0, tags: { blue: '1', green: '2' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropertyErrors);
    expect((error as PropertyErrors).errors.map((e) => e.property)).toEqual(['image', 'replicas', 'tag', 'tags']);
    expect((error as Error).message.split('\n')).toEqual([
      'test/api: image is not an image repository without tag (got "Bad Image"); use an image repository without tag, e.g. registry.example.com/dvmm/api',
      'test/api: replicas must be a whole number of at least 1 (got 0); set replicas to 1 or more',
      'test/api: tag is required for a rolling release (got nothing); set tag to the image version to run',
      'test/api: tags is only for blue-green releases (got {"blue":"1","green":"2"}); set tag instead, or release blue-green',
    ]);
  });
});

describe('EafWorkload rendering', () => {
  const image = 'registry.example.com/dvmm/api';

  test('fails without replicas when used directly: the base has no default of its own, the presets own it', () => {
    const container = {
      port: 7000,
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      liveness: { path: '/live', periodSeconds: 7 },
      readiness: { path: '/ready', periodSeconds: 3 },
      writablePaths: [],
    };
    // @ts-expect-error replicas is required by the base: a preset passes the environment's or its own default
    expect(() => new EafWorkload(testChart(), 'worker', { image, tag: '1.0.0', component: 'worker', container })).toThrow(
      'test/worker: replicas must be a whole number of at least 1 (got nothing); set replicas to 1 or more',
    );
  });

  test('takes the replicas it is given and its construct id as name when used directly', () => {
    const chart = testChart();
    const workload = new EafWorkload(chart, 'worker', {
      image,
      tag: '1.0.0',
      component: 'worker',
      replicas: 2,
      container: {
        port: 7000,
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
        liveness: { path: '/live', periodSeconds: 7 },
        readiness: { path: '/ready', periodSeconds: 3, failureThreshold: 5 },
        writablePaths: [],
      },
    });
    const deployment = find(synth(chart), 'Deployment', 'worker');
    const container = deployment.spec.template.spec.containers[0];
    expect([workload.name, workload.peerName, workload.replicas, workload.port]).toEqual(['worker', 'worker', 2, 7000]);
    expect(workload.podSelector).toEqual({ 'app.kubernetes.io/name': 'worker' });
    expect(deployment.spec.replicas).toBe(2);
    expect(container.livenessProbe).toEqual({ failureThreshold: 3, httpGet: { path: '/live', port: 7000, scheme: 'HTTP' }, periodSeconds: 7 });
    expect(container.readinessProbe).toEqual({ failureThreshold: 5, httpGet: { path: '/ready', port: 7000, scheme: 'HTTP' }, periodSeconds: 3 });
    expect(container.startupProbe).toBeUndefined();
    expect(container.volumeMounts).toBeUndefined();
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
    expect(workload.previewService).toBeUndefined();
    expect(workload.blueGreen).toBeUndefined();
    expect(workload.deployments).toHaveLength(1);
  });

  test('rolls one pod at a time without losing capacity, pulls always, and labels the pods with the component', () => {
    const chart = testChart();
    new EafApi(chart, 'api', { image, tag: '1.0.0' });
    const deployment = find(synth(chart), 'Deployment', 'api');
    expect(deployment.spec.strategy).toEqual({ rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: 'RollingUpdate' });
    expect(deployment.metadata.labels).toEqual({ 'app.kubernetes.io/component': 'api' });
    expect(deployment.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api' } });
    expect(deployment.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/component': 'api', 'app.kubernetes.io/name': 'api' });
    expect(deployment.spec.template.spec.serviceAccountName).toBe('api');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.name).toBe('api');
    expect(container.imagePullPolicy).toBe('Always');
    expect(find(synth(chart), 'Service', 'api').spec).toEqual({
      ports: [{ name: 'http', port: 8080, targetPort: 8080 }],
      selector: { 'app.kubernetes.io/name': 'api' },
      type: 'ClusterIP',
    });
  });

  test('adds a budget from two replicas, and none when the autoscaler may go down to one', () => {
    const two = testChart();
    new EafApi(two, 'api', { image, tag: '1.0.0', replicas: 2 });
    expect(find(synth(two), 'PodDisruptionBudget', 'api').spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api' } });
    const scaled = testChart();
    new EafApi(scaled, 'api', { image, tag: '1.0.0', replicas: 3, autoscaling: { minReplicas: 1, maxReplicas: 4 } });
    expect(synth(scaled).filter((m) => m.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  test('scales on the CPU utilisation asked for, between the given bounds, named after the workload', () => {
    const chart = testChart();
    new EafApi(chart, 'api', { image, tag: '1.0.0', name: 'orders', autoscaling: { minReplicas: 2, maxReplicas: 8, targetCpuUtilization: 55 } });
    const hpa = find(synth(chart), 'HorizontalPodAutoscaler', 'orders');
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(8);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' });
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 55 } } }]);
  });
});

describe('EafWorkload wiring', () => {
  const image = 'registry.example.com/dvmm/api';

  test('connects to a database under the variable names the application reads', () => {
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', { database: 'orders', credentialsSecret: 'orders-db', monitoring: false });
    const api = new EafApi(chart, 'api', { image, tag: '1.0.0' });
    api.connectToDatabase(db, { host: 'PGHOST', port: 'PGPORT', name: 'PGDATABASE', user: 'PGUSER', password: 'PGPASSWORD' });
    expect(find(synth(chart), 'Deployment', 'api').spec.template.spec.containers[0].env).toEqual([
      { name: 'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS', value: 'true' },
      { name: 'PGHOST', value: 'db-rw' },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGDATABASE', value: 'orders' },
      { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'orders-db', key: 'username' } } },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'orders-db', key: 'password' } } },
    ]);
    expect(Object.keys(api.env)).toEqual([
      'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS',
      'PGHOST',
      'PGPORT',
      'PGDATABASE',
      'PGUSER',
      'PGPASSWORD',
    ]);
    expect(DATABASE_ENV).toEqual({ host: 'DB_HOST', port: 'DB_PORT', name: 'DB_NAME', user: 'DB_USER', password: 'DB_PASSWORD' });
  });

  test('sets a variable on both colours of a blue-green release', () => {
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', { database: 'orders', credentialsSecret: 'orders-db', monitoring: false });
    const api = new EafApi(chart, 'api', { image, blueGreen: { activeColor: 'green' }, tags: { blue: '1.0.0', green: '1.1.0' } });
    api.connectToDatabase(db);
    const manifests = synth(chart);
    for (const name of ['api-blue', 'api-green']) {
      expect(find(manifests, 'Deployment', name).spec.template.spec.containers[0].env.map((e: any) => e.name)).toEqual([
        'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS',
        'DB_HOST',
        'DB_PORT',
        'DB_NAME',
        'DB_USER',
        'DB_PASSWORD',
      ]);
    }
    expect(api.deployments.map((d) => d.name)).toEqual(['api-blue', 'api-green']);
    expect(api.service.name).toBe('api');
    expect(api.previewService!.name).toBe('api-preview');
  });

  test('fails when two connections set the same variable', () => {
    const chart = testChart();
    const a = new PostgresCluster(chart, 'a', { database: 'a', credentialsSecret: 'a', monitoring: false });
    const b = new PostgresCluster(chart, 'b', { database: 'b', credentialsSecret: 'b', monitoring: false });
    const api = new EafApi(chart, 'api', { image, tag: '1.0.0', database: a });
    expect(() => api.connectToDatabase(b)).toThrow(
      'test/api: env already sets DB_HOST (got "DB_HOST"); connect the workload to one database and one identity provider, or rename the variable',
    );
    const chart2 = testChart();
    const c = new PostgresCluster(chart2, 'c', { database: 'c', credentialsSecret: 'c', monitoring: false });
    expect(() => new EafApi(chart2, 'web', { image, tag: '1.0.0', env: { DB_PORT: '6543' }, database: c })).toThrow(
      'test/web: env already sets DB_PORT (got "DB_PORT")',
    );
  });

  test('records a call to another workload on its port, once', () => {
    const chart = testChart();
    const web = new EafFrontend(chart, 'web', { image, tag: '1.0.0', port: 8081 });
    const api = new EafApi(chart, 'api', { image, tag: '1.0.0' });
    web.connectTo(api);
    web.connectTo(api);
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}/${e.purpose}`)).toEqual(['web->api:8080/http']);
  });

  test('fails to connect to a workload, a database or an identity provider of another chart', () => {
    const api = new EafApi(testChart(), 'api', { image, tag: '1.0.0' });
    const other = new Chart(Testing.app(), 'other', { namespace: 'other' });
    const remote = new EafApi(other, 'remote', { image, tag: '1.0.0' });
    expect(() => api.connectTo(remote)).toThrow(
      'test/api: target is in another chart (got "other/remote"); connect to the target of the same product and environment (test)',
    );
    const db = new PostgresCluster(other, 'db', { database: 'x', credentialsSecret: 'x', monitoring: false });
    expect(() => api.connectToDatabase(db)).toThrow(
      'test/api: database is in another chart (got "other/db"); connect to the database of the same product and environment (test)',
    );
    const keycloak = new Keycloak(other, 'keycloak', { hostname: 'auth.example.com' });
    expect(() => api.connectToIdentity(keycloak, { realm: 'r', clientId: 'c' })).toThrow(
      'test/api: identity is in another chart (got "other/keycloak")',
    );
  });

  test('takes the identity provider in its props and sets its variables', () => {
    const chart = testChart();
    const keycloak = new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com' });
    const api = new EafApi(chart, 'api', { image, tag: '1.0.0', identity: { provider: keycloak, realm: 'shop', clientId: 'shop-api' } });
    expect(Object.keys(api.env)).toEqual([
      'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS',
      'KEYCLOAK_URL',
      'KEYCLOAK_INTERNAL_URL',
      'SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI',
      'KEYCLOAK_REALM',
      'KEYCLOAK_CLIENT_ID',
    ]);
  });
});
