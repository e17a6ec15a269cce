import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { PropertyError, PropertyProblems } from '../../lib';
import { childPropsFrom } from '../../lib/core/provenance';
import { Composition } from '../../lib/product/composition';
import { declared, Provenance, setting, unwrap } from '../../lib/product/provenance';
import { testEnvironment, WEB_PRODUCT } from '../util';

/** A construct that refuses the values it is told to: each property named in `bad`. */
interface ProbeProps {
  readonly replicas?: number;
  readonly resources?: { readonly limits?: { readonly memory?: string } };
  readonly endpoints?: ReadonlyArray<{ readonly cidrs: readonly string[] }>;
  readonly bad: readonly string[];
}

class Probe extends Construct {
  constructor(scope: Construct, id: string, props: ProbeProps) {
    super(scope, id);
    const problems = new PropertyProblems(this);
    for (const property of props.bad) problems.add(property, 'is wrong', 'x', 'fix it');
    problems.throwIfAny();
  }
}

/** A construct that builds a Probe child from its own `probe` prop, and says so. */
class Parent extends Construct {
  constructor(scope: Construct, id: string, props: { readonly probe: ProbeProps }) {
    super(scope, id);
    childPropsFrom(this, 'Child', 'probe');
    new Probe(this, 'Child', props.probe);
  }
}

function composition(): Composition {
  const chart = new Chart(Testing.app(), 'shop');
  return new Composition(chart, WEB_PRODUCT, testEnvironment(), [testEnvironment()]);
}

const messages = (c: Composition) => c.problems.map((p) => (p instanceof PropertyError ? (p.settingMessage ?? p.message) : p.message));

describe('unwrap', () => {
  test('takes the settings out of props, at any depth of plain objects and arrays, and records each by its path', () => {
    const peer = new Construct(new Chart(Testing.app(), 'c'), 'peer');
    const { props, origins } = unwrap(
      {
        replicas: setting('components.api.replicas', 3),
        nested: { tag: setting('components.api.tag', '1.0.0') },
        list: [setting('egress.smtp', { cidrs: ['10.0.0.0/24'] })],
        peer,
        plain: 'declared',
      },
      'components.api',
    );
    expect(props).toEqual({ replicas: 3, nested: { tag: '1.0.0' }, list: [{ cidrs: ['10.0.0.0/24'] }], peer, plain: 'declared' });
    expect(props.peer).toBe(peer);
    expect([...origins]).toEqual([
      ['', 'components.api'],
      ['replicas', 'components.api.replicas'],
      ['nested.tag', 'components.api.tag'],
      ['list.0', 'egress.smtp'],
    ]);
  });
});

describe('Provenance', () => {
  test('locates an error at the longest recorded prefix of its property, brackets read as dots', () => {
    const scope = new Construct(new Chart(Testing.app(), 'c'), 'x');
    const provenance = new Provenance();
    provenance.record(scope.node.path, unwrap({ endpoints: [setting('egress.smtp', { cidrs: ['a'] })], size: 1 }, 'network').origins);
    const located = (property: string) => provenance.locate(new PropertyError(scope, property, 'is wrong', 1, 'fix it')).setting;
    expect(located('endpoints[0].cidrs[1]')).toBe('egress.smtp.cidrs.1');
    expect(located('size')).toBe('network.size');
  });

  test('leaves an error of a declared value, or of a construct with no recorded props, at its construct path', () => {
    const scope = new Construct(new Chart(Testing.app(), 'c'), 'x');
    const other = new Construct(scope.node.scope!, 'y');
    const provenance = new Provenance();
    provenance.record(scope.node.path, unwrap({ realm: declared({ realm: 'shop' }) }, 'identity').origins);
    expect(provenance.locate(new PropertyError(scope, 'realm.clients', 'is wrong', 1, 'fix it')).setting).toBeUndefined();
    expect(provenance.locate(new PropertyError(other, 'realm', 'is wrong', 1, 'fix it')).setting).toBeUndefined();
  });
});

describe('Composition.build', () => {
  test('reports a new setting at its field with no other code: the value carries it', () => {
    // GIVEN a construct given a value from a setting no composer has mapped before
    const c = composition();
    c.build(
      c.chart,
      'probe',
      { replicas: setting('components.api.brandNewSetting', 0), bad: ['replicas'] },
      undefined,
      (p: ProbeProps) => new Probe(c.chart, 'probe', p),
    );
    // THEN its error names that setting
    expect(messages(c)).toEqual(['components.api.brandNewSetting: is wrong (got "x"); fix it']);
  });

  test("reports a child's error against the parent prop it came from, and on to that prop's setting", () => {
    const c = composition();
    c.build(
      c.chart,
      'parent',
      { probe: setting('identity.database', { bad: ['resources.limits.memory'] }) },
      'identity',
      (p: { readonly probe: ProbeProps }) => new Parent(c.chart, 'parent', p),
    );
    expect(messages(c)).toEqual(['identity.database.resources.limits.memory: is wrong (got "x"); fix it']);
  });

  test('keeps every property error of a construct, and throws anything else on', () => {
    const c = composition();
    c.build(c.chart, 'a', { bad: ['replicas', 'resources'] }, 'components.api', (p: ProbeProps) => new Probe(c.chart, 'a', p));
    expect(messages(c)).toEqual(['components.api.replicas: is wrong (got "x"); fix it', 'components.api.resources: is wrong (got "x"); fix it']);
    const bug = new TypeError('a bug');
    expect(() =>
      c.build(c.chart, 'b', {}, undefined, () => {
        throw bug;
      }),
    ).toThrow(bug);
  });
});
