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

/** Renders a value for an error message: strings quoted, objects as compact JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value);
}
