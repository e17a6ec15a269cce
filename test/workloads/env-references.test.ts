import { Testing } from 'cdk8s';
import { EafApi, PostgresCluster } from '../../lib';
import { referencedNames } from '../../lib/workloads/env-references';
import { find, synth, testChart } from '../util';

const image = 'registry.example.com/orders/api';
const JDBC = 'jdbc:postgresql://$(DB_HOST):$(DB_PORT)/$(DB_NAME)';

describe("the product's env referring to other variables", () => {
  test('comes after the database variables the library sets, on both colours, so Kubernetes expands it', () => {
    // GIVEN an API whose env builds a JDBC URL from the DB_* variables, connected to its database after construction
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', { database: 'orders', credentialsSecret: 'orders-db', monitoring: false });
    const api = new EafApi(chart, 'api', {
      image,
      blueGreen: { activeColor: 'blue' },
      tags: { blue: '1.0.0', green: '1.1.0' },
      env: { JDBC_URL: JDBC, PLAIN: 'x' },
    });
    api.connectToDatabase(db);
    // WHEN synthesised
    const manifests = synth(chart);
    // THEN each colour lists JDBC_URL after every variable it refers to; a value without references keeps its place
    for (const name of ['api-blue', 'api-green']) {
      const env: Array<{ name: string; value?: string }> = find(manifests, 'Deployment', name).spec.template.spec.containers[0].env;
      const names = env.map((e) => e.name);
      expect(names.slice(-1)).toEqual(['JDBC_URL']);
      expect(names.indexOf('PLAIN')).toBeLessThan(names.indexOf('DB_HOST'));
      expect(env.at(-1)).toEqual({ name: 'JDBC_URL', value: JDBC });
      expect(names.filter((n) => n === 'JDBC_URL')).toHaveLength(1);
    }
  });

  test('is refused when it refers to a variable the container does not set, naming the variable and the fix', () => {
    // GIVEN an API not connected to any database whose env refers to DB_HOST
    const chart = testChart();
    new EafApi(chart, 'api', { image, tag: '1.0.0', env: { JDBC_URL: JDBC } });
    // WHEN synthesised THEN each missing reference is reported
    expect(() => Testing.synth(chart)).toThrow(/test\/api: env\.JDBC_URL refers to \$\(DB_HOST\), which the container does not set/);
  });

  test('reads $(NAME) references, and not the escaped $$(NAME)', () => {
    expect(referencedNames('$(A)-$$(B)-$(C_1)-$(not valid)')).toEqual(['A', 'C_1']);
  });
});
