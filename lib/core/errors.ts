import { IConstruct } from 'constructs';

/**
 * The library's error for a bad property value: `<construct path>: <property> <problem> (got <value>); <fix>`.
 * It keeps its parts, so the program layer can report it against the environment-file field the value came
 * from (`environments/production.yaml: components.api.replicas: ...`).
 */
export class PropertyError extends Error {
  constructor(
    /** The construct that refused the value. */
    public readonly scope: IConstruct,
    /** The property, as a dotted path below the construct's props (`resources.limits.memory`). */
    public readonly property: string,
    /** What is wrong, e.g. `must be at least 1`. */
    public readonly problem: string,
    /** The value received. */
    public readonly value: unknown,
    /** How to fix it. */
    public readonly fix: string,
    /**
     * The setting of the environment the value came from, as a field path (`components.api.replicas`),
     * when a product chart knows it. @default - none: the error names the construct path
     */
    public readonly setting?: string,
  ) {
    super(`${scope.node.path}: ${property} ${problem} (got ${describeValue(value)}); ${fix}`);
    this.name = 'PropertyError';
  }

  /** The same error, reported against the environment setting its value came from. */
  public atSetting(setting: string): PropertyError {
    return new PropertyError(this.scope, this.property, this.problem, this.value, this.fix, setting);
  }

  /** `<setting>: <problem> (got <value>); <fix>`: the error as an environment file's problem. */
  public get settingMessage(): string | undefined {
    return this.setting === undefined ? undefined : `${this.setting}: ${this.problem} (got ${describeValue(this.value)}); ${this.fix}`;
  }
}

/**
 * Builds the library's error for a bad property value, in the house format.
 *
 * @example
 * throw propertyError(this, 'replicas', 'must be at least 1', props.replicas, 'set replicas to 1 or more');
 */
export function propertyError(scope: IConstruct, property: string, problem: string, value: unknown, fix: string): PropertyError {
  return new PropertyError(scope, property, problem, value, fix);
}

/** Renders a value for an error message: strings quoted, objects as compact JSON, numbers JSON cannot hold as themselves. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON writes NaN and the infinities as null, which would name a value nobody gave
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  // A message names a value; it never reprints a whole file someone put in the wrong place. The length is the value's
  // own (a string's characters, not its quoted JSON, so a 254-character host reads as 254), or its JSON's.
  const length = typeof value === 'string' ? [...value].length : text.length;
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}… (${length} characters)` : text;
}

/** The longest value an error message quotes in full. */
const MAX_VALUE_LENGTH = 200;

/** Every bad property value one construct found, reported together rather than the first alone. */
export class PropertyErrors extends Error {
  constructor(public readonly errors: readonly PropertyError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'PropertyErrors';
  }
}

/**
 * Collects a construct's property problems so one run reports all of them: each check adds what it finds,
 * and {@link PropertyProblems.throwIfAny} throws them together once the construct has checked everything.
 *
 * @example
 * const problems = new PropertyProblems(this);
 * if (props.replicas < 1) problems.add('replicas', 'must be at least 1', props.replicas, 'set replicas to 1 or more');
 * problems.check(() => validateResources(this, props.resources));
 * problems.throwIfAny();
 */
export class PropertyProblems {
  private readonly errors: PropertyError[] = [];

  constructor(private readonly scope: IConstruct) {}

  /** Records one bad value. */
  public add(property: string, problem: string, value: unknown, fix: string): void {
    this.errors.push(new PropertyError(this.scope, property, problem, value, fix));
  }

  /** Runs a check that throws property errors, and keeps what it throws. */
  public check(run: () => void): void {
    try {
      run();
    } catch (e) {
      if (e instanceof PropertyError) this.errors.push(e);
      else if (e instanceof PropertyErrors) this.errors.push(...e.errors);
      else throw e;
    }
  }

  /** Whether no problem was found so far. */
  public get ok(): boolean {
    return this.errors.length === 0;
  }

  /** Throws what was found: the single {@link PropertyError}, or {@link PropertyErrors} for several. */
  public throwIfAny(): void {
    if (this.errors.length === 1) throw this.errors[0];
    if (this.errors.length > 1) throw new PropertyErrors([...this.errors]);
  }
}

/**
 * Bad values found by a function that has no construct to name (a pure builder such as `productDashboards`): each
 * problem a line in the house format. It is bad input, like {@link PropertyError}: the product chart collects it and
 * the program reports it without a stack.
 */
export class ValueErrors extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ValueErrors';
  }
}
