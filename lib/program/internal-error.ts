/**
 * What the program does with an error it did not model. Bad input is reported as `PropertyError`s, the
 * environment files' and the writer's own errors (exit 1, no stack); anything else that reaches the program's
 * outermost boundary is a bug in this library, and is reported as one: its stack, a line saying whose fault it is,
 * and an exit code of its own, so neither a person nor a CI job mistakes it for a problem in the input.
 */

/** The exit code of an internal error: `EX_SOFTWARE` of sysexits.h ("an internal software error has been detected"). */
export const INTERNAL_ERROR_EXIT_CODE = 70;

/** The line that follows an internal error's stack. */
export const INTERNAL_ERROR_LINE =
  'internal error: this is a bug in @eaf/cdk8s, not a problem with your input; please report it with the lines above';

/** Prints an unexpected error with its stack and the bug line; returns {@link INTERNAL_ERROR_EXIT_CODE}. */
export function reportInternalError(error: unknown, log: (line: string) => void): number {
  log(error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : `thrown: ${String(error)}`);
  log(INTERNAL_ERROR_LINE);
  return INTERNAL_ERROR_EXIT_CODE;
}
