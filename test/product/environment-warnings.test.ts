import { EnvironmentConfig, environmentWarnings } from '../../lib';
import { testEnvironment } from '../util';

describe('environmentWarnings', () => {
  test.each(['prod', 'production', 'prd', 'live', 'prod-eu', 'production-2'])('warns when %s is not critical', (name) => {
    expect(environmentWarnings(testEnvironment({ name, critical: false }))).toEqual([
      `critical: is not true for an environment named "${name}" (got false); set critical: true to keep the production guardrails (backups, replicas, released tags), or rename the environment`,
    ]);
  });

  test.each(['product', 'preprod', 'staging', 'dev', 'livestream'])('does not warn about %s', (name) => {
    expect(environmentWarnings(testEnvironment({ name, critical: false }))).toEqual([]);
  });

  test('warns about every CIDR that matches every address, by field, in field order', () => {
    const env = testEnvironment({
      name: 'qa',
      network: { apiServer: { cidrs: ['::/0'], ports: [6443] } },
      egress: { smtp: { from: ['api'], cidrs: ['10.0.0.0/8', '0.0.0.0/0'], ports: [587] } },
    });
    expect(environmentWarnings(env)).toEqual([
      'egress.smtp.cidrs.1: allows every address (got "0.0.0.0/0"); list only the addresses the flow needs',
      'network.apiServer.cidrs.0: allows every address (got "::/0"); list only the addresses the flow needs',
    ]);
  });

  test('reads a null value as a value, not as settings to walk into', () => {
    // GIVEN an environment built in TypeScript that sets a value to null
    const env = { ...testEnvironment({ name: 'qa' }), namespace: null } as unknown as EnvironmentConfig;
    // THEN it warns about nothing, rather than failing
    expect(environmentWarnings(env)).toEqual([]);
  });

  test('is silent on a critical production with narrow CIDRs', () => {
    expect(
      environmentWarnings(
        testEnvironment({ name: 'production', critical: true, egress: { smtp: { from: ['api'], cidrs: ['10.0.0.0/8'], ports: [587] } } }),
      ),
    ).toEqual([]);
  });
});
