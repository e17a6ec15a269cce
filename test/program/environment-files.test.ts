import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EnvironmentFileError, loadEnvironmentDirectory, parseEnvironment } from '../../lib/program';
import { defineProduct } from '../../lib';
import { WEB_PRODUCT } from '../util';

const VALID = `
hosts: { frontend: app.example.com, api: api.example.com, identity: auth.example.com }
exposure: { kind: route, termination: edge }
release: { strategy: blue-green, activeColor: blue, idleReplicas: 0 }
components:
  api: { tags: { blue: 1.0.0, green: 1.1.0 }, replicas: 3 }
  frontend: { tags: { blue: 1.0.0, green: 1.1.0 } }
`;

/** The problems parseEnvironment reports for `text`. */
function problems(text: string, file = 'environments/production.yaml'): string[] {
  try {
    parseEnvironment(file, text, WEB_PRODUCT);
  } catch (e) {
    if (e instanceof EnvironmentFileError) return e.problems;
    throw e;
  }
  throw new Error('expected the environment to be rejected');
}

describe('parseEnvironment', () => {
  test('reads a valid file into a typed environment named after the file', () => {
    const env = parseEnvironment('environments/production.yaml', VALID, WEB_PRODUCT);
    expect(env.name).toBe('production');
    expect(env.release).toEqual({ strategy: 'blue-green', activeColor: 'blue', idleReplicas: 0 });
    expect(env.components.api.tags).toEqual({ blue: '1.0.0', green: '1.1.0' });
  });

  test('fails on negative replicas naming file, field, value and fix', () => {
    expect(problems(VALID.replace('replicas: 3', 'replicas: -1'))).toEqual([
      'environments/production.yaml: components.api.replicas: must be >= 1 (got -1); use a whole number from 1 to 1000',
    ]);
  });

  test('fails on a tag that is not a string of tag characters', () => {
    expect(problems(VALID.replace('blue: 1.0.0, green: 1.1.0 }, replicas', 'blue: "1.0 beta", green: 1.1.0 }, replicas'))).toEqual([
      'environments/production.yaml: components.api.tags.blue: has the wrong form (got "1.0 beta"); use an image tag such as 1.4.2, or a digest sha256:<64 hex digits>',
    ]);
  });

  test('reads the cluster an environment targets, and fails on a minor the gate has no schemas of', () => {
    expect(parseEnvironment('environments/production.yaml', `${VALID}openshift: '4.22'\n`, WEB_PRODUCT).openshift).toBe('4.22');
    expect(parseEnvironment('environments/production.yaml', `${VALID}kubernetes: '1.35'\n`, WEB_PRODUCT).kubernetes).toBe('1.35');
    expect(problems(`${VALID}kubernetes: '1.28'\n`)).toEqual([
      'environments/production.yaml: kubernetes: must be equal to one of the allowed values (got "1.28"); ' +
        "use a Kubernetes minor from 1.29 to 1.37, e.g. '1.33'",
    ]);
  });

  test('fails on an unknown key and lists the known ones', () => {
    expect(problems(`${VALID}replica: 3\n`)).toEqual([
      'environments/production.yaml: replica: is not a known setting; remove it or use one of: namespace, critical, kubernetes, openshift, hosts, exposure, release, registries, databases, identity, network, egress, observability, delivery, components, secrets, waivers',
    ]);
  });

  test('fails on a missing section', () => {
    expect(problems(VALID.replace(/^hosts:.*$/m, ''))).toEqual(['environments/production.yaml: hosts: is required (got nothing); add hosts']);
  });

  test('fails on an unknown colour', () => {
    expect(problems(VALID.replace('activeColor: blue', 'activeColor: red'))).toEqual([
      'environments/production.yaml: release.activeColor: must be equal to one of the allowed values (got "red"); use blue or green',
    ]);
  });

  test('fails on a wrong type', () => {
    expect(problems(VALID.replace('replicas: 3', 'replicas: three'))).toEqual([
      'environments/production.yaml: components.api.replicas: must be integer (got "three"); use a whole number from 1 to 1000',
    ]);
  });

  test('fails on a bad hostname', () => {
    expect(problems(VALID.replace('api: api.example.com', 'api: API_host'))).toEqual([
      'environments/production.yaml: hosts.api: has the wrong form (got "API_host"); use a lower-case DNS name such as app.example.com',
    ]);
  });

  test('fails on a bad CPU quantity', () => {
    const text = VALID.replace('replicas: 3 }', 'replicas: 3, resources: { requests: { cpu: 2 cores } } }');
    expect(problems(text)).toEqual([
      'environments/production.yaml: components.api.resources.requests.cpu: has the wrong form (got "2 cores"); use a Kubernetes quantity such as 250m, 1, 512Mi or 1Gi',
    ]);
  });

  test('fails on a component, host or database the product does not declare, listing the ones it does', () => {
    const text = VALID.replace('identity: auth.example.com }', 'identity: auth.example.com, admin: admin.example.com }').replace(
      'components:\n',
      'databases: { main: { instances: 1 } }\ncomponents:\n  worker: { tag: 1.0.0 }\n',
    );
    expect(problems(text)).toEqual([
      'environments/production.yaml: hosts.admin: is not a known setting; remove it or use one of: api, frontend, identity',
      'environments/production.yaml: databases.main: is not a known setting; remove it or use one of: db',
      'environments/production.yaml: components.worker: is not a known setting; remove it or use one of: api, frontend',
    ]);
  });

  test('fails on an egress from a component the product does not have', () => {
    expect(problems(`${VALID}egress:\n  smtp: { from: [mailer], cidrs: [192.0.2.25/32], ports: [587] }\n`)).toEqual([
      'environments/production.yaml: egress.smtp.from.0: must be equal to one of the allowed values (got "mailer"); name components of the product: api, frontend',
    ]);
  });

  test('fails on a wildcard egress host, with the reason and the fix', () => {
    expect(problems(`${VALID}egress:\n  llm: { from: [api], hosts: ['*.openai.com'], ports: [443] }\n`)).toEqual([
      'environments/production.yaml: egress.llm.hosts.0: has the wrong form (got "*.openai.com"); ' +
        'use a lower-case host name such as api.example.com; a wildcard (*.example.com) is refused, since OpenShift resolves it only with the ' +
        'DNSNameResolver Technology Preview (4.16 on): list each host',
    ]);
  });

  test('fails on an egress named against the pattern, and checks nothing under it', () => {
    expect(problems(`${VALID}egress:\n  SMTP: { from: [mailer], cidrs: [192.0.2.25/32], ports: [587] }\n`)).toEqual([
      'environments/production.yaml: egress.SMTP: is not a known setting; name each egress with lower-case letters, digits and hyphens, e.g. smtp',
    ]);
  });

  test('fails on a waiver of a rule that cannot be waived, or without a reason', () => {
    const text = `${VALID}waivers:\n  - { rule: schema-core, object: Deployment/api, reason: the schema is wrong }\n  - { rule: production-replicas, object: Deployment/api, reason: short }\n`;
    expect(problems(text)).toEqual([
      expect.stringMatching(
        /^environments\/production.yaml: waivers.0.rule: must be equal to one of the allowed values \(got "schema-core"\); name a waivable rule of the gate: openshift-restricted-v2, /,
      ),
      'environments/production.yaml: waivers.1.reason: must NOT have fewer than 10 characters (got "short"); say why the rule does not apply, in at least 10 characters',
    ]);
  });

  test('fails on blue-green settings in a rolling environment', () => {
    expect(
      problems(VALID.replace('{ strategy: blue-green, activeColor: blue, idleReplicas: 0 }', '{ strategy: rolling, activeColor: blue }')),
    ).toEqual(['environments/production.yaml: release.activeColor: is not a known setting; remove it or use one of: strategy']);
  });

  test('fails on an ingress without an issuer', () => {
    expect(problems(VALID.replace('{ kind: route, termination: edge }', '{ kind: ingress }'))).toEqual([
      'environments/production.yaml: exposure.clusterIssuer: is required (got nothing); an ingress exposure takes clusterIssuer and optionally className',
    ]);
  });

  test('fails on an empty file', () => {
    expect(problems('# nothing yet\n')).toEqual([
      'environments/production.yaml: the file is empty; give at least hosts, exposure, release and components',
    ]);
  });

  test('fails on a YAML syntax error', () => {
    expect(problems('hosts: [unclosed\n')[0]).toMatch(/^environments\/production.yaml: YAML error: .*; fix the YAML syntax$/);
  });

  test('fails on duplicate keys', () => {
    expect(problems(`${VALID}critical: true\ncritical: false\n`)).toEqual([
      'environments/production.yaml: YAML error: Map keys must be unique at line 9, column 1; fix the YAML syntax',
    ]);
  });

  test('fails on a file name that is no environment name', () => {
    expect(problems(VALID, 'environments/Prod_1.yaml')).toEqual([
      'environments/Prod_1.yaml: "Prod_1" is not a valid environment name; rename the file to a lower-case DNS label of at most 20 characters, e.g. staging.yaml',
    ]);
  });
});

describe('loadEnvironmentDirectory', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envs-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('loads every file sorted by name: the set of files is the set of environments', () => {
    fs.writeFileSync(path.join(dir, 'staging.yaml'), VALID);
    fs.writeFileSync(path.join(dir, 'qa.yaml'), VALID.replace(/example\.com/g, 'qa.example.com'));
    fs.writeFileSync(path.join(dir, 'README.md'), 'not an environment');
    expect(loadEnvironmentDirectory(dir, WEB_PRODUCT).map((e) => e.environment.name)).toEqual(['qa', 'staging']);
  });

  test('reports the problems of every file together', () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), '');
    fs.writeFileSync(path.join(dir, 'b.yaml'), VALID.replace('replicas: 3', 'replicas: 0'));
    expect(() => loadEnvironmentDirectory(dir, WEB_PRODUCT)).toThrow(
      new EnvironmentFileError([
        `${dir}/a.yaml: the file is empty; give at least hosts, exposure, release and components`,
        `${dir}/b.yaml: components.api.replicas: must be >= 1 (got 0); use a whole number from 1 to 1000`,
      ]),
    );
  });

  test('fails on a missing or empty folder', () => {
    expect(() => loadEnvironmentDirectory(path.join(dir, 'nope'), WEB_PRODUCT)).toThrow(
      `${dir}/nope: the environments folder does not exist; create it with one <name>.yaml per environment`,
    );
    expect(() => loadEnvironmentDirectory(dir, WEB_PRODUCT)).toThrow(
      `${dir}: holds no environment file; add one <name>.yaml per environment, e.g. dev.yaml`,
    );
  });
});

describe('files the process may not read', () => {
  /** Runs `read` as a user that is not root (root reads every file): the `nobody` user, when the tests run as root. */
  function asUnprivileged<T>(read: () => T): T {
    if (process.getuid?.() !== 0) return read();
    process.setegid!(65534);
    process.seteuid!(65534);
    try {
      return read();
    } finally {
      process.seteuid!(0);
      process.setegid!(0);
    }
  }
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'unreadable-'));
    fs.chmodSync(tmp, 0o755);
    fs.mkdirSync(path.join(tmp, 'environments'));
    fs.writeFileSync(path.join(tmp, 'environments', 'production.yaml'), VALID);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('an environment file it may not read is a problem naming the file and the fix, not a stack trace', () => {
    const file = path.join(tmp, 'environments', 'production.yaml');
    fs.chmodSync(file, 0o000);
    expect(() => asUnprivileged(() => loadEnvironmentDirectory(path.join(tmp, 'environments'), WEB_PRODUCT))).toThrow(
      new EnvironmentFileError([`${file}: cannot be read: EACCES (permission denied); let the user running synth read it (chmod a+r ${file})`]),
    );
  });

  test('an environments folder it may not list is a problem naming the folder and the fix', () => {
    const folder = path.join(tmp, 'environments');
    fs.chmodSync(folder, 0o000);
    expect(() => asUnprivileged(() => loadEnvironmentDirectory(folder, WEB_PRODUCT))).toThrow(
      new EnvironmentFileError([`${folder}: cannot be read: EACCES (permission denied); let the user running synth read it (chmod a+rx ${folder})`]),
    );
  });
});

test('a product without public components reads files without hosts, and the checks across files hold (found by the declaration fuzz)', () => {
  // GIVEN a product with one internal component and two environment files that name no hosts
  const batch = defineProduct({
    name: 'batch',
    components: { worker: { kind: 'http', image: 'registry.eaf.example.com/batch/worker', livenessPath: '/healthz', readinessPath: '/readyz' } },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-hosts-'));
  try {
    for (const env of ['dev', 'staging']) {
      fs.writeFileSync(
        path.join(dir, `${env}.yaml`),
        'exposure: { kind: ingress, clusterIssuer: letsencrypt, className: nginx }\n' +
          'release: { strategy: rolling }\ncomponents:\n  worker: { tag: 1.0.0 }\n',
      );
    }
    // WHEN the folder is read THEN each environment has no hosts (not a crash of the cross-file checks)
    expect(loadEnvironmentDirectory(dir, batch).map((e) => [e.environment.name, e.environment.hosts])).toEqual([
      ['dev', {}],
      ['staging', {}],
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
