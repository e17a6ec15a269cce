import { App } from 'cdk8s';
import { DatabaseConfig, defineProduct, EafProductChart, EnvironmentConfig, Product } from '../../lib';
import { UNREADABLE_ENVIRONMENTS_CONTEXT } from '../../lib/core/labels';
import { remoteKeyPrefixOf } from '../../lib/product/compose/secrets';
import { find, Manifest, productChart, synth, synthProduct, testEnvironment, WEB_PRODUCT } from '../util';
import { BACKUP, chartAmong, JOBS, jobsEnvironment, problems } from './fixtures';

// What the composers (lib/product/compose/) refuse and derive, read through the product chart. A refusal is asserted
// twice: as the environment setting's message (what the CLI prints with the file) and as the construct message (what a
// TypeScript user of the chart reads), so the setting and the property a composer names are both held.

/** The expressions of the alert `name` (one per component or database it watches) in a composed chart. */
function exprsOf(chart: EafProductChart, name: string): string[] {
  const exprs = chart.alerts!.groups.flatMap((g) => g.rules).flatMap((r) => ('alert' in r && r.alert === name ? [r.expr] : []));
  if (exprs.length === 0) throw new Error(`no alert ${name} among ${chart.alerts!.alertNames.join(', ')}`);
  return exprs;
}

/** The first expression of the alert `name`. */
const exprOf = (chart: EafProductChart, name: string): string => exprsOf(chart, name)[0];

/** Every value of `label="..."` in the chart's promtool test cases. */
function exampleLabels(chart: EafProductChart, label: string): string[] {
  const text = JSON.stringify(chart.alerts!.tests('rules.yaml'));
  return [...new Set([...text.matchAll(new RegExp(`${label}=\\\\"([^\\\\]+)\\\\"`, 'g'))].map((m) => m[1]))];
}

/** The regular expression `label=~"..."` of an alert's expression. */
function patternOf(expr: string, label: string): RegExp {
  const match = new RegExp(`${label}=~"([^"]+)"`).exec(expr);
  if (match === null) throw new Error(`no ${label}=~ in ${expr}`);
  return new RegExp(`^${match[1]}$`);
}

/** A product of one public nginx component, `web`: nothing it runs is scraped. */
const STATIC: Product = defineProduct({ name: 'site', components: { web: { kind: 'nginx', image: 'registry.example.com/site/web', public: true } } });

/** A dev environment of {@link STATIC}, with `extra`. */
function staticEnvironment(extra: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return {
    name: 'dev',
    exposure: { kind: 'route' },
    release: { strategy: 'rolling' },
    hosts: { web: 'site.example.com' },
    components: { web: { tag: '1.0.0' } },
    ...extra,
  };
}

const ROLLOUTS = { strategy: 'blue-green', engine: 'argo-rollouts', activeColor: 'blue', idleReplicas: 3 } as const;

describe('the observability composer', () => {
  test('the example pods and claims of the promtool cases are ones the alerts select', () => {
    // GIVEN a blue-green and a rolling environment
    for (const environment of [
      testEnvironment(),
      testEnvironment({
        name: 'dev',
        critical: false,
        release: { strategy: 'rolling' },
        components: { api: { tag: '1.0.0' }, frontend: { tag: '1.0.0' } },
      }),
    ]) {
      const chart = productChart(environment);
      // THEN every pod a case feeds matches the pod pattern of the containers' alerts, and is a pod of the colours there are
      const examples = exampleLabels(chart, 'pod').filter((pod) => pod.startsWith('api') || pod.startsWith('frontend'));
      const colour = environment.release.strategy === 'rolling' ? '' : 'blue-';
      expect(examples.sort()).toEqual([`api-${colour}7d4b9c8f6-x2k9p`, `frontend-${colour}7d4b9c8f6-x2k9p`]);
      for (const component of ['api', 'frontend']) {
        const expr = exprsOf(chart, 'ContainerCpuHigh').find((e) => e.includes(`container="${component}"`))!;
        const pods = patternOf(expr, 'pod');
        expect(examples.filter((pod) => pod.match(pods))).toEqual([`${component}-${colour}7d4b9c8f6-x2k9p`]);
        expect(`${component}-7d4b9c8f6`).not.toMatch(pods);
      }
      // AND every volume claim a case feeds matches the disk alert's claim pattern: the database's data and WAL volumes
      const disk = exprsOf(chart, 'PostgresDiskFilling').find((e) => e.includes('"dvmm-db-'))!;
      expect(disk).toContain(`namespace="${chart.namespace}"`);
      const claims = patternOf(disk, 'persistentvolumeclaim');
      expect(exampleLabels(chart, 'persistentvolumeclaim').filter((claim) => claim.match(claims))).toEqual(['dvmm-db-1']);
      expect(['dvmm-db-1', 'dvmm-db-2-wal', 'keycloak-db-1'].map((claim) => claims.test(claim))).toEqual([true, true, false]);
    }
  });

  test("the containers' alerts select the component's container in the product's namespace", () => {
    expect(exprOf(productChart(testEnvironment()), 'ContainerCpuHigh')).toContain('namespace="dvmm-production", container="api"');
  });

  test('watches the connection pool of a Spring Boot component with a database, and of no other', () => {
    const names = (product: Product, environment: EnvironmentConfig) => productChart(environment, product).alerts!.alertNames;
    expect(names(WEB_PRODUCT, testEnvironment())).toContain('ApiConnectionPoolExhausted');
    expect(names(JOBS(), jobsEnvironment())).not.toContain('ApiConnectionPoolExhausted');
    // An http component with a database and request metrics has no HikariCP pool
    const node = defineProduct({
      name: 'jobs',
      components: {
        worker: {
          kind: 'http',
          image: 'registry.example.com/jobs/worker',
          port: 3000,
          livenessPath: '/healthz',
          readinessPath: '/ready',
          databases: ['db'],
          metrics: { port: 9090, path: '/metrics', requests: 'prometheus' },
        },
      },
      databases: { db: {} },
    });
    expect(names(node, jobsEnvironment())).toContain('ApiErrorRateHigh');
    expect(names(node, jobsEnvironment())).not.toContain('ApiConnectionPoolExhausted');
  });

  test('a backup is overdue after the longest gap of its most frequent object-store tier, plus the grace', () => {
    // GIVEN an hourly volume-snapshot tier, a daily and a weekly object-store tier, and a grace of 30 minutes
    const tiers = [
      { name: 'hourly', schedule: '0 0 * * * *', retention: '2d', method: 'volume-snapshot' as const },
      { name: 'weekly', schedule: '0 0 3 * * 0', retention: '14d' },
      { name: 'daily', schedule: '0 0 2 * * *', retention: '14d' },
    ];
    const chart = productChart(
      testEnvironment({
        network: { apiServer: { cidrs: ['192.0.2.0/28'], ports: [6443] } },
        databases: { db: { backup: { ...BACKUP, tiers, volumeSnapshotClass: 'csi-snapclass' } } },
        observability: { thresholds: { backupGraceMinutes: 30 } },
      }),
    );
    // THEN the daily object-store tier sets the age: one day and 30 minutes
    expect(exprsOf(chart, 'PostgresBackupTooOld').filter((e) => e.includes('dvmm-db"'))).toEqual([expect.stringContaining(`> ${86_400 + 1_800}`)]);
  });

  test("probes a product's public hosts, and alerts on the probes' job", () => {
    const chart = productChart(testEnvironment({ observability: { probes: { proberUrl: 'blackbox.monitoring.svc:9115' } } }));
    expect(exprOf(chart, 'UptimeProbeFailing')).toContain('job="dvmm-uptime"');
    expect(productChart(testEnvironment()).alerts!.alertNames).not.toContain('UptimeProbeFailing');
  });

  test("the databases' dashboard reads the volumes of its claims in the product's namespace", () => {
    // The queries of every dashboard the chart renders (each ConfigMap's data holds a dashboard's JSON)
    const exprs: string[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (typeof node === 'object' && node !== null) {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'expr' && typeof value === 'string') exprs.push(value);
          else collect(value);
        }
      }
    };
    for (const m of synth(productChart(testEnvironment())).filter((o) => o.kind === 'ConfigMap')) {
      for (const text of Object.values(m.data ?? {})) if ((text as string).startsWith('{')) collect(JSON.parse(text as string));
    }
    const volumes = exprs.filter((e) => e.includes('kubelet_volume_stats_used_bytes'));
    expect(volumes.length).toBeGreaterThan(0);
    for (const e of volumes) expect(e).toMatch(/namespace="dvmm-production", persistentvolumeclaim=~"(dvmm|keycloak)-db-\[0-9\]\+\(-wal\)\?"/);
  });

  test('refuses dashboards settings where there is no dashboard, and bad ones where there is', () => {
    const noDashboard =
      'is set, but there is no dashboard: no component has request metrics, and there is no database or Keycloak (got {"folder":"Site"}); remove it';
    expect(problems(() => productChart(staticEnvironment({ observability: { dashboards: { folder: 'Site' } } }), STATIC))).toEqual([
      [`observability.dashboards: ${noDashboard}`, `site: observability.dashboards ${noDashboard}`],
    ]);
    expect(problems(() => productChart(testEnvironment({ observability: { dashboards: { folder: '' } } })))).toEqual([
      [
        'observability.dashboards.folder: must not be blank (got ""); name the folder, or leave it out to use the product name',
        'dvmm/production/observability/dashboards: folder must not be blank (got ""); name the folder, or leave it out to use the product name',
      ],
    ]);
  });

  test("locates the alerts' and the routing's problems at their settings", () => {
    const noReceiver = 'needs a receiver: neither paging nor chat is set (got nothing); set paging (critical alerts) and/or chat (the others)';
    expect(problems(() => productChart(testEnvironment({ observability: { alerting: { for: { NoSuchAlert: '10m' } } } })))[0][0]).toMatch(
      /^observability\.alerting\.for\.NoSuchAlert: is not an alert of this environment \(got "10m"\)/,
    );
    expect(problems(() => productChart(testEnvironment({ observability: { alerting: { repeatInterval: '4h' } } })))).toEqual([
      [`observability.alerting.paging: ${noReceiver}`, `dvmm/production/observability/routing: paging ${noReceiver}`],
    ]);
  });

  test('refuses probes with nothing to probe, and paths of a component that is not public, by setting and by property', () => {
    const noHost = 'is set, but the product has no public host to probe (got {"proberUrl":"bb:9115"}); mark a component public, or remove it';
    expect(problems(() => productChart(jobsEnvironment({ observability: { probes: { proberUrl: 'bb:9115' } } }), JOBS()))).toEqual([
      [`observability.probes: ${noHost}`, `jobs: observability.probes ${noHost}`],
    ]);
    const paths = problems(() => productChart(testEnvironment({ observability: { probes: { proberUrl: 'bb:9115', paths: { worker: ['/'] } } } })));
    expect(paths.map(([, construct]) => construct.split(' is not')[0])).toEqual(['dvmm: observability.probes.paths']);
  });

  test("puts the platform's selection labels on the monitors, rules, probes and the routing", () => {
    const manifests = synth(
      productChart(
        testEnvironment({
          observability: {
            monitoring: { labels: { release: 'prometheus' } },
            probes: { proberUrl: 'bb:9115' },
            alerting: { chat: { kind: 'webhook', url: { secretName: 'chat-webhook', key: 'url' } } },
          },
        }),
      ),
    );
    const labelled = (kind: string) => manifests.filter((m) => m.kind === kind).map((m) => m.metadata.labels?.release);
    for (const kind of ['PodMonitor', 'PrometheusRule', 'Probe', 'AlertmanagerConfig']) {
      expect(labelled(kind).length).toBeGreaterThan(0);
      expect(new Set(labelled(kind))).toEqual(new Set(['prometheus']));
    }
    expect(new Set(labelled('Deployment'))).toEqual(new Set([undefined]));
  });

  test('accepts the monitoring namespace where only Keycloak is scraped, and refuses it where nothing is', () => {
    const identityOnly = defineProduct({ ...STATIC, identity: { kind: 'keycloak' } });
    const monitoring = { monitoring: { namespace: 'monitoring', scrapeInterval: '30s' } };
    const withKeycloak = staticEnvironment({ hosts: { web: 'site.example.com', identity: 'auth.example.com' }, observability: monitoring });
    expect(synth(productChart(withKeycloak, identityOnly)).some((m) => m.kind === 'PodMonitor')).toBe(true);
    const fix = "declare a component's metrics endpoint (metrics of an http component), or remove it";
    expect(problems(() => productChart(staticEnvironment({ observability: monitoring }), STATIC))).toEqual([
      [
        `observability.monitoring.namespace: changes nothing: no component, database or Keycloak is scraped (got "monitoring"); ${fix}`,
        `site: observability.monitoring.namespace changes nothing: no component, database or Keycloak is scraped (got "monitoring"); ${fix}`,
      ],
      [
        `observability.monitoring.scrapeInterval: changes nothing: no component, database or Keycloak is scraped (got "30s"); ${fix}`,
        `site: observability.monitoring.scrapeInterval changes nothing: no component, database or Keycloak is scraped (got "30s"); ${fix}`,
      ],
    ]);
  });
});

describe('the data composer', () => {
  const production = testEnvironment();
  const staging = (db: DatabaseConfig, extra: Partial<EnvironmentConfig> = {}) =>
    testEnvironment({ name: 'staging', critical: false, namespace: 'dvmm-staging', databases: { db }, ...extra });

  test('a recovery by path reads that archive, with the endpoint and server it names', () => {
    const recovery = {
      destinationPath: 's3://archive/app',
      serverName: 'dvmm-db-old',
      endpointUrl: 'https://s3.example.com',
      credentialsSecret: 'ro',
    };
    const manifests = synth(productChart(staging({ recovery })));
    expect(find(manifests, 'ObjectStore', 'dvmm-db-recovery-source').spec.configuration).toMatchObject({
      destinationPath: 's3://archive/app',
      endpointURL: 'https://s3.example.com',
    });
    expect(JSON.stringify(find(manifests, 'Cluster', 'dvmm-db').spec.externalClusters)).toContain('"serverName":"dvmm-db-old"');
  });

  test('a recovery from an environment takes its endpoint and server unless it names its own', () => {
    const prod = testEnvironment({
      databases: { db: { backup: { ...BACKUP, endpointUrl: 'https://s3.prod.example.com', serverName: 'dvmm-db-p' } } },
    });
    const store = (recovery: object) =>
      synth(chartAmong(staging({ recovery: { environment: 'production', credentialsSecret: 'ro', ...recovery } }), [prod, staging({})]));
    const inherited = store({});
    expect(find(inherited, 'ObjectStore', 'dvmm-db-recovery-source').spec.configuration.endpointURL).toBe('https://s3.prod.example.com');
    expect(JSON.stringify(find(inherited, 'Cluster', 'dvmm-db').spec.externalClusters)).toContain('"serverName":"dvmm-db-p"');
    const own = store({ endpointUrl: 'https://s3.dr.example.com', serverName: 'dvmm-db-x' });
    expect(find(own, 'ObjectStore', 'dvmm-db-recovery-source').spec.configuration.endpointURL).toBe('https://s3.dr.example.com');
    expect(JSON.stringify(find(own, 'Cluster', 'dvmm-db').spec.externalClusters)).toContain('"serverName":"dvmm-db-x"');
  });

  test('a recovery from an environment without databases, or of no name, is refused by setting and by property', () => {
    const noBackup =
      'has no backup of this database to restore (got "dev"); name an environment that backs it up, or give destinationPath and serverName';
    const bare = testEnvironment({ name: 'dev', critical: false, databases: undefined });
    const recovery = (environment: string) => staging({ recovery: { environment, credentialsSecret: 'ro' } });
    expect(problems(() => chartAmong(recovery('dev'), [bare, recovery('dev')]))).toEqual([
      [`databases.db.recovery.environment: ${noBackup}`, `dvmm: environment ${noBackup}`],
    ]);
    expect(problems(() => chartAmong(recovery('prod'), [production, recovery('prod')]))).toEqual([
      [
        'databases.db.recovery.environment: names no environment of the product (got "prod"); use one of: production, staging',
        'dvmm: environment names no environment of the product (got "prod"); use one of: production, staging',
      ],
    ]);
    expect(problems(() => productChart(staging({ recovery: { credentialsSecret: 'ro' } })))[0][1]).toMatch(/^dvmm: recovery names no archive/);
  });

  test('a recovery from an environment whose file could not be read adds no second problem', () => {
    // GIVEN the program could not read production's file (its own error names it)
    const dr = staging({ recovery: { environment: 'production', credentialsSecret: 'ro' } });
    // THEN the recovery is left out, and the chart composes
    const manifests = synth(chartAmong(dr, [dr], { [UNREADABLE_ENVIRONMENTS_CONTEXT]: ['production'] }));
    expect(find(manifests, 'Cluster', 'dvmm-db').spec.bootstrap.recovery).toBeUndefined();
    expect(problems(() => chartAmong(dr, [dr], { [UNREADABLE_ENVIRONMENTS_CONTEXT]: ['dev'] }))[0][0]).toMatch(
      /^databases\.db\.recovery\.environment: names no environment of the product/,
    );
  });

  test("a drill of another environment's archive takes that environment's size and recovery time, unless it sets its own", () => {
    const network = { network: { apiServer: { cidrs: ['192.0.2.0/28'], ports: [6443] } } };
    const dev = testEnvironment({ name: 'dev', critical: false, databases: { db: { backup: BACKUP, storageSize: '5Gi', rto: '30m' } } });
    const prod = testEnvironment({ databases: { db: { backup: BACKUP, storageSize: '50Gi', rto: '2h' } } });
    const drill = (restoreDrill: object) =>
      staging({ restoreDrill: { source: { environment: 'production', credentialsSecret: 'ro' }, ...restoreDrill } }, network);
    const job = (restoreDrill: object) => {
      const env = drill(restoreDrill);
      return JSON.stringify(synth(chartAmong(env, [dev, prod, env])).filter((m) => m.kind === 'ConfigMap' || m.kind === 'CronJob'));
    };
    expect(job({})).toContain('50Gi');
    expect(job({})).not.toContain('5Gi"');
    expect(job({})).toContain('7200');
    expect(job({ readyTimeout: '45m' })).toContain('2700');
    expect(job({ readyTimeout: '45m' })).not.toContain('7200');
  });

  test('a drill of an environment that is not there is one problem, by setting and by property', () => {
    const env = staging({ restoreDrill: { source: { environment: 'prod', credentialsSecret: 'ro' } } });
    expect(problems(() => chartAmong(env, [production, env]))).toEqual([
      [
        'databases.db.restoreDrill.source.environment: names no environment of the product (got "prod"); use one of: production, staging',
        'dvmm: environment names no environment of the product (got "prod"); use one of: production, staging',
      ],
    ]);
    expect(problems(() => productChart(staging({ restoreDrill: {} })))[0][1]).toMatch(
      /^dvmm: restoreDrill has no backup to restore in this environment \(got \{\}\); configure databases\.db\.backup /,
    );
  });
});

describe('the delivery composer', () => {
  test('releases through Argo Rollouts when the environment names the engine', () => {
    const kinds = (environment: EnvironmentConfig) => synth(productChart(environment)).map((m: Manifest) => m.kind);
    expect(kinds(testEnvironment({ release: ROLLOUTS }))).toContain('Rollout');
    expect(kinds(testEnvironment({ release: { ...ROLLOUTS, engine: 'services' } }))).not.toContain('Rollout');
  });

  test('analyses each component the smoke test or its request metrics can judge, and routes only a canary through the Route', () => {
    // GIVEN Argo Rollouts with the smoke test switched off: the API has request metrics, the frontend none
    const chart = productChart(testEnvironment({ release: ROLLOUTS, delivery: undefined }), WEB_PRODUCT);
    expect(Object.keys(chart.releaseAnalyses)).toEqual(['api', 'frontend']);
    const off = productChart(
      testEnvironment({ release: ROLLOUTS }),
      defineProduct({ ...WEB_PRODUCT, delivery: { repoURL: 'https://git.example.com/dvmm.git' } }),
    );
    expect(Object.keys(off.releaseAnalyses)).toEqual(['api', 'frontend']);
    const noSmoke = productChart(
      testEnvironment({ release: ROLLOUTS, delivery: { smokeTest: { enabled: false } } }),
      defineProduct({ ...WEB_PRODUCT, delivery: { repoURL: 'https://git.example.com/dvmm.git' } }),
    );
    // THEN without the smoke test only the API is analysed
    expect(Object.keys(noSmoke.releaseAnalyses)).toEqual(['api']);
    expect(
      synth(noSmoke)
        .filter((m) => m.kind === 'AnalysisTemplate')
        .map((m) => m.metadata.name),
    ).toEqual(['api-preview']);
    // AND a blue-green Rollout routes no traffic through its Route
    expect(find(synth(chart), 'Rollout', 'api').spec.strategy.blueGreen).toBeDefined();
    expect(JSON.stringify(find(synth(chart), 'Rollout', 'api').spec)).not.toContain('trafficRouting');
  });

  test("locates an analysis setting's problem at release.analysis, once per component", () => {
    expect(problems(() => productChart(testEnvironment({ release: { ...ROLLOUTS, analysis: { count: 0 } } })))).toEqual(
      ['api', 'frontend'].map((component) => [
        'release.analysis.count: must be a whole number of at least 1 (got 0); use 1 or more measurements',
        `dvmm/production/release/${component}: count must be a whole number of at least 1 (got 0); use 1 or more measurements`,
      ]),
    );
  });

  test('refuses metric settings where no component has request metrics, by setting and by property, and not where one failed', () => {
    const environment = staticEnvironment({
      release: { ...ROLLOUTS, analysis: { count: 3 } },
      components: { web: { tags: { blue: '1.0.0', green: '1.1.0' } } },
    });
    const why =
      "is read by the metric analysis only, and no component of this environment's release has request metrics: " +
      'its analysis runs the smoke test alone (got 3); ' +
      'declare request metrics on a component (requests on spring-boot, metrics.requests on http), or remove it';
    expect(problems(() => productChart(environment, STATIC))).toEqual([[`release.analysis.count: ${why}`, `site: count ${why}`]]);
    // A component with request metrics that fails to compose has its own problem, and no other
    const failing = testEnvironment({
      release: { ...ROLLOUTS, analysis: { interval: '1m' } },
      components: { api: { tag: '1.0.0' }, frontend: { tags: { blue: '1.0.0', green: '1.1.0' } } },
    });
    expect(
      problems(() => productChart(failing))
        .map(([setting]) => setting.split(':')[0])
        .sort(),
    ).toEqual(['components.api.tag', 'components.api.tags']);
  });

  test('refuses delivery settings of a product Argo CD does not deliver, by setting and by property', () => {
    expect(problems(() => productChart(testEnvironment({ delivery: { sync: 'manual' } })))[0][1]).toMatch(
      /^dvmm: delivery is set, but the product is not delivered by Argo CD/,
    );
  });
});

describe('the workloads composer', () => {
  const rolled = { api: { tag: '1.0.0' }, frontend: { tag: '1.0.0' } };

  test('refuses a canary without Argo Rollouts, and analysis settings of the services engine, by setting and by property', () => {
    const canary = problems(() =>
      productChart(testEnvironment({ release: { strategy: 'canary', engine: 'services' } as never, components: rolled })),
    );
    expect(canary.map(([setting, construct]) => [setting.split(' must')[0], construct.split(' must')[0]])).toEqual([
      ['release.engine:', 'dvmm: engine'],
    ]);
    const analysis = problems(() =>
      productChart(testEnvironment({ release: { strategy: 'blue-green', activeColor: 'blue', analysis: { count: 3 } } })),
    );
    expect(analysis.map(([setting, construct]) => [setting.split(' is only')[0], construct.split(' is only')[0]])).toEqual([
      ['release.analysis:', 'dvmm: analysis'],
    ]);
  });

  test("locates a canary's steps at release.steps, once per component", () => {
    const steps = problems(() =>
      productChart(testEnvironment({ release: { strategy: 'canary', engine: 'argo-rollouts', steps: [150] } as never, components: rolled })),
    );
    expect(steps.map(([setting]) => setting.split(':')[0])).toEqual(['release.steps', 'release.steps']);
  });

  test('a browser call to a component that failed adds no problem of its own', () => {
    const calling = defineProduct({
      ...WEB_PRODUCT,
      components: { ...WEB_PRODUCT.components, frontend: { ...WEB_PRODUCT.components.frontend, browserCalls: ['api'] } },
    });
    const failing = testEnvironment({
      components: { api: { tags: { blue: '1.0.0', green: '1.1.0' }, replicas: 0 }, frontend: { tags: { blue: '1.0.0', green: '1.1.0' } } },
    });
    expect(problems(() => productChart(failing, calling)).map(([setting]) => setting.split(':')[0])).toEqual(['components.api.replicas']);
  });
});

describe('the network composer', () => {
  const objectStore = { cidrs: ['10.0.0.0/8'], ports: [443] };

  test('refuses an egress with neither cidrs nor hosts, by setting and by property', () => {
    const found = problems(() => productChart(testEnvironment({ egress: { smtp: { from: ['api'], ports: [587] } as never } })));
    expect(found.map(([setting, construct]) => [setting.split(' names')[0], construct.split(' names')[0]])).toEqual([
      ['egress.smtp:', 'dvmm/production: egress'],
    ]);
  });

  test('refuses an object store nothing reaches, and accepts it for the realm export alone', () => {
    const why =
      'is reached only by databases that back up or restore and by the realm export, and this environment has none ' +
      '(got {"cidrs":["10.0.0.0/8"],"ports":[443]}); remove network.objectStore, or give a database a backup';
    const bare = { critical: false, databases: {}, identity: {}, network: { objectStore } };
    expect(problems(() => productChart(testEnvironment(bare)))).toEqual([[`network.objectStore: ${why}`, `dvmm: objectStore ${why}`]]);
    const realmExport = { realm: 'dvmm', destinationPath: 's3://backups/realm', credentialsSecret: 'backup-s3' };
    const exported = productChart(testEnvironment({ ...bare, identity: { realmExport } }));
    expect(synth(exported).some((m) => m.kind === 'CronJob' && m.metadata.name.includes('realm'))).toBe(true);
  });
});

describe('the identity composer', () => {
  const realmExport = { destinationPath: 's3://backups/realm', credentialsSecret: 'backup-s3' };
  const keycloakBackup = { database: { backup: { destinationPath: 's3://backups/keycloak', credentialsSecret: 'backup-s3' } } };

  test("takes Keycloak's hostname from the host key the product names", () => {
    const sso = defineProduct({ ...WEB_PRODUCT, identity: { kind: 'keycloak', hostKey: 'sso' } });
    const hosts = { frontend: 'app.example.com', api: 'api.example.com', sso: 'sso.example.com' };
    expect(find(synthProduct(testEnvironment({ hosts }), sso), 'Keycloak', 'keycloak').spec.hostname.hostname).toBe('sso.example.com');
    expect(find(synthProduct(testEnvironment()), 'Keycloak', 'keycloak').spec.hostname.hostname).toBe('auth.example.com');
  });

  test("recovers Keycloak's database from another environment's archive of it", () => {
    const production = testEnvironment();
    const dr = testEnvironment({
      name: 'dr',
      namespace: 'dvmm-dr',
      identity: {
        database: {
          backup: { ...BACKUP, destinationPath: 's3://backups/dr-keycloak' },
          recovery: { environment: 'production', credentialsSecret: 'ro' },
        },
      },
    });
    const manifests = synth(chartAmong(dr, [production, dr]));
    expect(find(manifests, 'ObjectStore', 'keycloak-db-recovery-source').spec.configuration.destinationPath).toBe('s3://backups/keycloak');
    // An environment with no identity settings has no backup of it to restore
    const bare = testEnvironment({ name: 'production', critical: false, identity: undefined });
    expect(problems(() => chartAmong(dr, [bare, dr])).map(([setting]) => setting.split(':')[0])).toEqual(['identity.database.recovery.environment']);
  });

  test('refuses a realm export without a realm or an object store, each once, by setting and by property', () => {
    const found = problems(() => productChart(testEnvironment({ identity: { ...keycloakBackup, realmExport } as never })));
    expect(found.map(([setting, construct]) => [setting.split(' is required')[0], construct.split(' is required')[0]])).toEqual([
      ['identity.realmExport.realm:', 'dvmm: realm'],
      ['network.objectStore:', 'dvmm: objectStore'],
    ]);
  });

  test("locates the realm export's problems with the object store at network.objectStore", () => {
    const found = problems(() =>
      productChart(
        testEnvironment({
          identity: { ...keycloakBackup, realmExport: { ...realmExport, realm: 'dvmm' } } as never,
          network: { objectStore: { cidrs: ['bad'], ports: [443] } },
        }),
      ),
    );
    expect(
      found.filter(([, construct]) => construct.startsWith('dvmm/production/identity/RealmExport')).map(([setting]) => setting.split(':')[0]),
    ).toEqual(['network.objectStore.cidrs.0']);
  });
});

describe('the secrets composer', () => {
  test('refuses SealedSecrets for another provider, by setting and by property', () => {
    const chart = () =>
      new EafProductChart(new App({ outdir: '/nonexistent' }), 'dvmm', {
        product: WEB_PRODUCT,
        environment: testEnvironment(),
        sealedSecrets: { folder: 'sealed', files: [] },
      });
    expect(problems(chart).map(([setting, construct]) => [setting.split(' is not')[0], construct.split(' is not')[0]])).toEqual([
      ['secrets.provider:', 'dvmm: provider'],
    ]);
  });

  test("reads an environment's SealedSecrets from its default folder, and locates what is missing at secrets", () => {
    const found = problems(() => productChart(testEnvironment({ secrets: { provider: 'sealed-secrets' } as never })));
    expect(found[0][0]).toMatch(/^secrets: sealed-secrets\/production: has no SealedSecret for backup-s3 .* \(got \[\]\)/);
  });

  test("an environment's remote keys are under its prefix, else under <product>/<environment>", () => {
    expect(remoteKeyPrefixOf(WEB_PRODUCT, testEnvironment())).toBe('dvmm/production');
    expect(remoteKeyPrefixOf(WEB_PRODUCT, testEnvironment({ secrets: { provider: 'sealed-secrets' } as never }))).toBe('dvmm/production');
    const store = { kind: 'ClusterSecretStore', name: 'vault' };
    expect(
      remoteKeyPrefixOf(WEB_PRODUCT, testEnvironment({ secrets: { provider: 'external-secrets', store, remoteKeyPrefix: 'eaf/dvmm' } as never })),
    ).toBe('eaf/dvmm');
  });
});
