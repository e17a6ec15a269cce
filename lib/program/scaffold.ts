import * as fs from 'fs';
import * as path from 'path';
import { SCHEMA_MODELINE } from './schema-file';
import { COMPONENT_NAME } from '../core/formats';
import { nodeStripsTypes } from './load-product';

/** Options of {@link scaffoldProduct}. */
export interface ScaffoldOptions {
  /** Product name: a lower-case name, e.g. `orders`. */
  readonly name: string;
  /** How the new product's package.json names this library, e.g. `0.2.0` (init: the version it runs from) or `file:../eaf-cdk8s-0.2.0.tgz`. */
  readonly packageSpec: string;
  /** The module the product's code imports the library from. @default '@eaf/cdk8s' */
  readonly importFrom?: string;
  /**
   * Whether the product's `main.ts` is loaded by tsx, added as a devDependency (pinned). Products on a Node that strips
   * types (>= 22.18) need no tsx, so they install no esbuild for it.
   * @default - where the running Node cannot strip types (Node 20, 22 before 22.18): what `eaf-cdk8s init` runs on is
   * taken as what the product will run on
   */
  readonly tsx?: boolean;
}

/** Versions the scaffold pins: the ones this library is tested with. */
const PINNED = {
  'cdk8s': '2.70.106',
  'cdk8s-plus-28': '2.5.6',
  'constructs': '10.8.1',
  'typescript': '5.9.3',
  'tsx': '4.23.15',
  'vitest': '4.1.12',
  '@types/node': '20.19.43',
};

/**
 * Writes a new product folder: a short program on the product model, three environments, cdk8s.yaml,
 * package.json scripts, a test with targeted assertions and a snapshot, and a README stub. It synthesises and
 * passes the gate as written. Returns the files written, relative to `dir`.
 * @throws Error when the name is not a product name or `dir` is not empty
 */
export function scaffoldProduct(dir: string, options: ScaffoldOptions): string[] {
  const name = options.name;
  if (!COMPONENT_NAME.test(name))
    throw new ScaffoldError(`${JSON.stringify(name)} is not a product name; ${COMPONENT_NAME.fix.replace('e.g. api', 'e.g. orders')}`);
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new ScaffoldError(`${dir} is not empty; choose a new folder with --dir`);
  const files = templates(name, options.packageSpec, options.importFrom ?? '@eaf/cdk8s', options.tsx ?? !nodeStripsTypes());
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return Object.keys(files);
}

/** A scaffold that cannot be written (bad name, folder in use). */
export class ScaffoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScaffoldError';
  }
}

/** The files of a new product, in the order init lists them. */
function templates(name: string, packageSpec: string, importFrom: string, tsx: boolean): Record<string, string> {
  return {
    ...productTemplates(name, importFrom),
    ...environmentTemplates(name),
    ...projectTemplates(name, packageSpec, tsx),
    ...testTemplates(name, importFrom),
    ...readmeTemplates(name),
  };
}

/** main.ts: the product, declared once. */
function productTemplates(name: string, importFrom: string): Record<string, string> {
  const registry = `registry.example.com/${name}`;
  return {
    'main.ts': `import { defineProduct } from '${importFrom}';

/**
 * ${name}, declared once: a public Spring Boot API with its PostgreSQL database. This file exports the product and
 * nothing else; \`npm run synth\` (eaf-cdk8s synth) loads it, reads environments/ and writes dist/.
 */
export const product = defineProduct({
  name: '${name}',
  components: {
    api: { kind: 'spring-boot', image: '${registry}/api', public: true, databases: ['db'] },
  },
  databases: { db: {} },
});
`,
  };
}

/** environments/: dev, staging and production. */
function environmentTemplates(name: string): Record<string, string> {
  const environment = (env: string, body: string) =>
    `${SCHEMA_MODELINE}\n# ${name} ${env}. The schema follows the product in main.ts; every error names this file and the field.\n${body}`;
  const common = [
    `registries: [registry.example.com/, ghcr.io/cloudnative-pg/]`,
    'network:',
    "  # The Kubernetes API server, for the database instances (replace with your cluster's addresses).",
    '  apiServer: { cidrs: [192.0.2.0/28], ports: [6443] }',
  ].join('\n');
  return {
    'environments/dev.yaml': environment(
      'dev: rolling updates, one replica',
      `hosts:
  api: api.${name}.dev.example.com
exposure: { kind: ingress, clusterIssuer: letsencrypt-staging }
release: { strategy: rolling }
${common}
components:
  api: { tag: 0.1.0, replicas: 1 }
`,
    ),
    'environments/staging.yaml': environment(
      'staging: blue-green on OpenShift',
      `hosts:
  api: api.${name}.staging.example.com
exposure: { kind: route, termination: edge }
release: { strategy: blue-green, activeColor: blue, idleReplicas: 1 }
${common}
components:
  api: { tags: { blue: 0.1.0, green: 0.1.0 }, replicas: 2 }
`,
    ),
    'environments/production.yaml': environment(
      'production: real data, blue-green, backups',
      `critical: true
hosts:
  api: api.${name}.example.com
exposure: { kind: route, termination: edge }
release: { strategy: blue-green, activeColor: blue, idleReplicas: 0 }
databases:
  db:
    backup: { destinationPath: s3://backups/${name}/production, credentialsSecret: ${name}-backup-s3 }
${common}
  objectStore: { cidrs: [198.51.100.10/32], ports: [443] }
components:
  api: { tags: { blue: 0.1.0, green: 0.1.0 }, replicas: 3 }
`,
    ),
  };
}

/** cdk8s.yaml, package.json and tsconfig.json. */
function projectTemplates(name: string, packageSpec: string, tsx: boolean): Record<string, string> {
  return {
    'cdk8s.yaml': `language: typescript
# \`npm run synth\` is the safe way: it replaces dist/ only when every environment passed the gate.
app: npx eaf-cdk8s synth
output: dist
`,
    'package.json': `${JSON.stringify(
      {
        name,
        version: '0.1.0',
        private: true,
        scripts: {
          synth: 'eaf-cdk8s synth',
          validate: 'eaf-cdk8s validate dist',
          verify: 'eaf-cdk8s verify dist',
          test: 'vitest run',
          typecheck: 'tsc',
        },
        dependencies: { '@eaf/cdk8s': packageSpec, 'cdk8s': PINNED.cdk8s, 'cdk8s-plus-28': PINNED['cdk8s-plus-28'], 'constructs': PINNED.constructs },
        // tsx only where Node cannot strip types: it brings esbuild (an install script, 10 MiB).
        devDependencies: {
          '@types/node': PINNED['@types/node'],
          ...(tsx ? { tsx: PINNED.tsx } : {}),
          'typescript': PINNED.typescript,
          'vitest': PINNED.vitest,
        },
      },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        // erasableSyntaxOnly: npm run typecheck refuses what Node's type stripping cannot run (enums, namespaces,
        // parameter properties), so main.ts loads with or without tsx; relative imports name their .ts file.
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
          types: ['node'],
          noEmit: true,
          erasableSyntaxOnly: true,
          allowImportingTsExtensions: true,
        },
        include: ['main.ts', 'test/**/*.ts'],
      },
      null,
      2,
    )}\n`,
  };
}

/** test/product.test.ts: targeted assertions and a snapshot. */
function testTemplates(name: string, importFrom: string): Record<string, string> {
  return {
    'test/product.test.ts': `import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { EafProductChart } from '${importFrom}';
import { parseEnvironment } from '${importFrom}/program';
import { product } from '../main';

/** One environment as synth composes it. */
function render(env: string) {
  const file = path.join(__dirname, '..', 'environments', \`\${env}.yaml\`);
  const environment = parseEnvironment(file, fs.readFileSync(file, 'utf8'), product);
  return Testing.synth(new EafProductChart(new App(), product.name, { product, environment }));
}

// The first render loads the library and its schemas: about a second on an idle machine, far more on a busy CI
// runner, where vitest's default of 5 s fails it. Each test has two minutes.
const TIMEOUT = 120_000;

describe('${name}', () => {
  test('production runs the API blue-green with 3 replicas on a backed-up database', () => {
    const objects = render('production');
    const active = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api-blue');
    expect(active?.spec.replicas).toBe(3);
    expect(objects.find((o) => o.kind === 'ScheduledBackup')?.spec.cluster.name).toBe('${name}-db');
  }, TIMEOUT);

  test('every environment renders as reviewed (the snapshot shows every manifest change)', () => {
    for (const env of ['dev', 'staging', 'production']) expect(render(env)).toMatchSnapshot(env);
  }, TIMEOUT);
});
`,
  };
}

/** README.md. */
function readmeTemplates(name: string): Record<string, string> {
  return {
    'README.md': `# ${name}

An EAF product built with [@eaf/cdk8s](https://www.npmjs.com/package/@eaf/cdk8s): the product is declared once in
\`main.ts\`; \`environments/<name>.yaml\` says what differs per environment.

\`\`\`sh
npm install
npm run synth     # dist/<environment>/, every object through the validation gate
npm test          # assertions and snapshots
npx eaf-cdk8s verify dist --netpol --cluster   # the real-tool tiers
\`\`\`
`,
  };
}
