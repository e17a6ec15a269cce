import { describeValue } from '../core/errors';
import { EVERYWHERE_CIDRS } from '../core/formats';
import { EnvironmentConfig } from './settings';

/**
 * Values that are legal but rarely meant, in an environment's settings: each a line `<field>: <problem> (got
 * <value>); <fix>`. Synth prints them as warnings; a strict run refuses them.
 */

/** Environment names that read as production: `prod`, `production`, `prd`, `live`, alone or with a suffix (`prod-eu`). */
const PRODUCTION_LIKE = /^(prod|production|prd|live)(-.*)?$/;

/** Every warning for one environment, ordered by field. */
export function environmentWarnings(environment: EnvironmentConfig): string[] {
  const warnings: string[] = [];
  if (PRODUCTION_LIKE.test(environment.name) && environment.critical !== true) {
    warnings.push(
      `critical: is not true for an environment named ${describeValue(environment.name)} (got ${describeValue(environment.critical)}); ` +
        'set critical: true to keep the production guardrails (backups, replicas, released tags), or rename the environment',
    );
  }
  walk(environment, [], (field, value) => {
    if (typeof value === 'string' && EVERYWHERE_CIDRS.includes(value)) {
      warnings.push(`${field}: allows every address (got ${describeValue(value)}); list only the addresses the flow needs`);
    }
  });
  return warnings.sort();
}

function walk(value: unknown, at: string[], visit: (field: string, value: unknown) => void): void {
  if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...at, String(i)], visit));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(item, [...at, key], visit);
  else visit(at.join('.'), value);
}
