import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ComponentDefinition, defineProduct, ProductDefinition, ProductDefinitionError } from '../../lib';
import { synthesizeProduct } from '../../lib/program';
import { REPO, tree } from './harness';

/**
 * The product declaration's corpus: fast-check writes declarations, good and bad (names upper-case, too long or empty,
 * unknown kinds, calls to unknown components or to themselves, undeclared databases, public components a browser
 * calls, identity providers of every kind), and checks that `defineProduct` accepts each or refuses it with problems
 * that each name the product, the field, the value and the fix, and never throws anything else. Every
 * DECLARATION_SYNTH_EVERY-th accepted declaration is also synthesised through the whole program with a dev environment
 * written for it: exit 0, or exit 1 with every line naming what is wrong and the output unchanged; never a stack.
 * DECLARATION_FUZZ_RUNS (default 2000) and FUZZ_SEED set the run.
 */

const RUNS = Number(process.env.DECLARATION_FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const SYNTH_EVERY = Number(process.env.DECLARATION_SYNTH_EVERY ?? 10);

const goodNames = ['api', 'web', 'worker', 'frontend', 'app', 'b2'];
const name = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...goodNames) },
  { weight: 1, arbitrary: fc.constantFrom('Api', '', 'x'.repeat(64), 'a_b', '-a', 'identity', '1a', 'a.b') },
);
const kind = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom('spring-boot', 'nginx', 'http') },
  { weight: 1, arbitrary: fc.constantFrom('node', '') },
);
const image = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom('registry.eaf.example.com/p/api', 'registry.eaf.example.com/p/web') },
  { weight: 1, arbitrary: fc.constantFrom('registry.eaf.example.com/p/api:1.0', 'UPPER/case', '') },
);
/** Mostly no names, sometimes one or two: a list a component gives (calls, databases). */
const names = (arb: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: fc.array(arb, { minLength: 1, maxLength: 2 }) });

/** A component whose references mostly name what the declaration declares, sometimes not (a typo, itself). */
const component = (declared: readonly string[], self: string) => {
  const others = declared.filter((n) => n !== self);
  const reference = (good: readonly string[], bad: readonly string[]) =>
    good.length > 0
      ? fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) })
      : fc.constantFrom(...bad);
  return fc.record({
    kind,
    image,
    public: fc.boolean(),
    databases: names(reference(['db'], ['other', 'DB'])),
    calls: names(reference(others, ['nowhere', self])),
    browserCalls: names(reference(others, ['nowhere', self])),
    identity: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    replicas: fc.constantFrom(undefined, 1, 2, 3),
  });
};

const declaration = fc.uniqueArray(name, { minLength: 0, maxLength: 3 }).chain((declared) =>
  fc.record({
    name: fc.oneof({ weight: 19, arbitrary: fc.constant('fuzz') }, { weight: 1, arbitrary: fc.constantFrom('Fuzz', '', 'f'.repeat(64)) }),
    components: fc.tuple(...declared.map((n) => component(declared, n))).map((list) => Object.fromEntries(declared.map((n, i) => [n, list[i]]))),
    databases: fc.oneof(
      { weight: 9, arbitrary: fc.constant<Record<string, object>>({ db: {} }) },
      { weight: 1, arbitrary: fc.constantFrom<Record<string, object>>({}, { Db: {} }) },
    ),
    identity: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(undefined, { kind: 'keycloak' }, { kind: 'external-oidc' }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'okta' }) },
    ),
  }),
);

type Declaration = typeof declaration extends fc.Arbitrary<infer T> ? T : never;

/** The declaration as a product author writes it: optional lists left out when empty, http components with probe paths. */
function definition(d: Declaration): ProductDefinition {
  const components = Object.fromEntries(
    Object.entries(d.components).map(([n, c]) => {
      const written: Record<string, unknown> = { kind: c.kind, image: c.image, public: c.public, replicas: c.replicas };
      for (const key of ['databases', 'calls', 'browserCalls'] as const) if (c[key].length > 0) written[key] = c[key];
      if (c.identity) written.identity = true;
      if (c.kind === 'http') Object.assign(written, { livenessPath: '/healthz', readinessPath: '/readyz' });
      return [n, written as unknown as ComponentDefinition];
    }),
  );
  return { name: d.name, components, databases: d.databases, identity: d.identity as ProductDefinition['identity'] };
}

/** A dev environment for an accepted declaration: a host per public component (and Keycloak), a tag per component. */
function devEnvironment(product: ProductDefinition): string {
  const hosts = Object.entries(product.components)
    .filter(([, c]) => c.public)
    .map(([n]) => n);
  if (product.identity?.kind === 'keycloak') hosts.push('identity');
  const environment: Record<string, unknown> = {
    registries: ['registry.eaf.example.com/', 'quay.io/keycloak/', 'ghcr.io/cloudnative-pg/'],
    exposure: { kind: 'ingress', clusterIssuer: 'letsencrypt-staging', className: 'nginx' },
    release: { strategy: 'rolling' },
    network: { apiServer: { cidrs: ['192.0.2.0/28'], ports: [6443] } },
    components: Object.fromEntries(Object.keys(product.components).map((n) => [n, { tag: '1.0.0', replicas: 1 }])),
  };
  if (hosts.length > 0) environment.hosts = Object.fromEntries(hosts.map((h) => [h, `${h}.fuzz.example.com`]));
  if (product.identity?.kind === 'external-oidc') {
    environment.identity = { issuerUrl: 'https://login.example.com/realms/fuzz', endpoint: { cidrs: ['203.0.113.7/32'], ports: [443] } };
  }
  return stringify(environment);
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'declaration-fuzz-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test(`every one of ${RUNS} product declarations is accepted or refused naming product, field, value and fix (seed ${SEED})`, () => {
  const outcomes = { accepted: 0, refused: 0, synthesised: 0, written: 0 };
  fc.assert(
    fc.property(declaration, (d) => {
      const written = definition(d);
      let product;
      try {
        product = defineProduct(written);
      } catch (e) {
        if (!(e instanceof ProductDefinitionError)) throw e; // anything else is a bug the property reports, with its stack
        outcomes.refused++;
        for (const problem of e.problems) expect(problem).toMatch(new RegExp(`^product ${d.name}: [\\w.\\[\\]-]*: .+ \\(got .*\\); \\S`));
        return;
      }
      if (outcomes.accepted++ % SYNTH_EVERY !== 0) return;
      // An accepted declaration through the whole program, with a dev environment written for it.
      outcomes.synthesised++;
      const dir = fs.mkdtempSync(path.join(tmp, 'case-'));
      fs.mkdirSync(path.join(dir, 'environments'));
      fs.writeFileSync(path.join(dir, 'environments', 'dev.yaml'), devEnvironment(product));
      const outdir = path.join(dir, 'dist');
      const lines: string[] = [];
      const code = synthesizeProduct(product, {
        environmentsDir: path.join(dir, 'environments'),
        outdir,
        crdDirectory: path.join(REPO, 'crds'),
        log: (l) => lines.push(l),
      });
      expect(lines.join('\n')).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect([0, 1]).toContain(code);
      if (code === 0) outcomes.written++;
      else {
        if (process.env.FUZZ_DEBUG) process.stderr.write(`${lines.join('\n')}\n---\n`);
        expect(tree(outdir)).toBeUndefined();
        expect(lines[lines.length - 1]).toBe(`nothing was written; ${outdir} is unchanged`);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  process.stderr.write(
    `declaration fuzz: ${RUNS} cases (seed ${SEED}): ${outcomes.accepted} accepted, ${outcomes.refused} refused; ` +
      `${outcomes.synthesised} synthesised (${outcomes.written} written)\n`,
  );
  expect(outcomes.accepted).toBeGreaterThan(0);
  expect(outcomes.refused).toBeGreaterThan(0);
  expect(outcomes.written).toBeGreaterThan(0);
});
