import { inject } from 'vitest';

/**
 * Setup file of the mutation runs only (vitest.mutation.config.mts). Stryker's vitest runner switches a mutant on in
 * a `beforeAll` hook unless it plans the mutant as static, and it plans static mutants that have a test filter as
 * runtime ones (stryker-js #6144, #6209): a mutant of a module's top-level constant was then switched on after the
 * module had loaded, and survived tests that kill it by hand. Every test file loads its modules afresh here, so
 * switching the mutant on before anything loads is right for every mutant.
 */
const context = inject as unknown as (key: string) => unknown;
if (context('mode') === 'mutant') {
  const namespace = context('globalNamespace') as string;
  const global = globalThis as unknown as Record<string, { activeMutant?: unknown }>;
  (global[namespace] ??= {}).activeMutant = context('activeMutant');
}
