import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PropertyError, PropertyErrors, ValueErrors } from '../core/errors';
import { ProductDefinition } from './product';
import { Provenance, Sourced, unwrap } from './provenance';
import { EnvironmentConfig } from './settings';

/** Every problem found while composing one environment, each a construct's error (with its setting when known). */
export class CompositionError extends Error {
  constructor(
    public readonly environment: string,
    public readonly problems: readonly Error[],
  ) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'CompositionError';
  }
}

/**
 * The problems an error holds when it is bad input as the library models it: a construct's `PropertyError(s)`, a pure
 * builder's `ValueErrors`, a composition's problems. Undefined for anything else: that is a bug, not bad input. The one
 * list of what counts as bad input while composing; the chart and the program both ask it.
 */
export function inputProblems(e: unknown): readonly Error[] | undefined {
  if (e instanceof PropertyError || e instanceof ValueErrors) return [e];
  if (e instanceof PropertyErrors) return e.errors;
  if (e instanceof CompositionError) return e.problems;
  return undefined;
}

/**
 * What every composer of a product chart works with: the product, the environment, and the problems found so far.
 * A composer builds constructs through {@link Composition.build}, which records where each prop came from
 * (lib/product/provenance.ts) and keeps the construct's property errors, located at their settings, so one synthesis
 * reports every problem. Any other error is not bad input but a bug, and is thrown on.
 */
export class Composition {
  /** The problems found so far, in the order found. */
  public readonly problems: Error[] = [];
  private readonly provenance = new Provenance();

  constructor(
    /** The chart being composed: the scope of the chart's own problems. */
    public readonly chart: Chart,
    /** The product. */
    public readonly product: ProductDefinition,
    /** The environment being composed. */
    public readonly environment: EnvironmentConfig,
    /** Every environment of the product (this one included). */
    public readonly environments: readonly EnvironmentConfig[],
  ) {}

  /** The product's namespace in this environment. */
  public get namespace(): string {
    return this.chart.namespace!;
  }

  /** Whether the environment holds production data (`critical: true`). */
  public get critical(): boolean {
    return this.environment.critical === true;
  }

  /** Records a problem the composer found itself (with its setting). */
  public problem(error: PropertyError): void {
    this.problems.push(error);
  }

  /**
   * Builds the construct `id` in `scope` from `props`, whose values may carry their settings ({@link Sourced}); `root`
   * is the setting of the props as a whole. Returns undefined when the construct refused its props (the problems are kept).
   */
  public build<P, C>(scope: IConstruct, id: string, props: NoInfer<Sourced<P>>, root: string | undefined, create: (props: P) => C): C | undefined {
    const { props: plain, origins } = unwrap(props, root);
    this.provenance.record(scope.node.path === '' ? id : `${scope.node.path}/${id}`, origins);
    return this.attempt(() => create(plain));
  }

  /** Records where the values a function checks against `scope` came from (see {@link build}). */
  public sourced<P>(scope: IConstruct, props: NoInfer<Sourced<P>>, root: string | undefined): P {
    const { props: plain, origins } = unwrap(props, root);
    this.provenance.record(scope.node.path, origins);
    return plain;
  }

  /** Runs one step; the library's modelled errors are kept (located at their settings) and composition goes on. */
  public attempt<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (e) {
      const problems = inputProblems(e);
      // Not a problem of the input: a bug, which the program reports as one (with its stack).
      if (problems === undefined) throw e;
      this.problems.push(...problems.map((p) => (p instanceof PropertyError ? this.provenance.locate(p) : p)));
      return undefined;
    }
  }
}
