import { IConstruct } from 'constructs';

/**
 * Builds the library's error for a bad property value, in the house format:
 * `<construct path>: <property> <problem> (got <value>); <fix>`.
 *
 * @example
 * throw propertyError(this, 'replicas', 'must be at least 1', props.replicas, 'set replicas to 1 or more');
 */
export function propertyError(scope: IConstruct, property: string, problem: string, value: unknown, fix: string): Error {
  return new Error(`${scope.node.path}: ${property} ${problem} (got ${describeValue(value)}); ${fix}`);
}

/** Renders a value for an error message: strings quoted, objects as compact JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value);
}
