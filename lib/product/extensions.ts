import { Construct } from 'constructs';
import { PropertyError } from '../core/errors';
import { ALERT_DEFAULTS } from '../observability/alerts';
import { ProductOwnAlerts, ProductOwnAlertsProps } from '../observability/own-alerts';
import type { ProductAlerts } from '../observability/product-alerts';
import { Composition } from './composition';
import { setting } from './provenance';
import type { EafProductChart } from './product-chart';

/**
 * A product's own additions (`defineProduct({ extend, alerts })`), composed inside the product chart so that every
 * program that composes an environment (every CLI command, `npm run synth`, `cdk8s synth`, a test) gets them: there is
 * no second place a program could forget.
 */

/** The product's own alerts in this environment, beside the library's; none when it declares none. */
export function composeOwnAlerts(c: Composition, scope: Construct, library: ProductAlerts | undefined): ProductOwnAlerts | undefined {
  const own = ownAlerts(c, scope, library);
  refuseUnknownFor(c, library, own);
  return own;
}

function ownAlerts(c: Composition, scope: Construct, library: ProductAlerts | undefined): ProductOwnAlerts | undefined {
  const declared = c.product.alerts;
  if (declared === undefined) return undefined;
  const alertScope = { product: c.product.name, environment: c.environment.name, namespace: c.namespace, critical: c.critical };
  const alerts = typeof declared === 'function' ? declared(alertScope) : declared;
  if (alerts.length === 0) return undefined;
  const durations = c.environment.observability?.alerting?.for;
  return c.build(
    scope,
    'own-alerts',
    {
      alerts,
      scope: alertScope,
      runbookBaseUrl: c.product.runbookBaseUrl ?? ALERT_DEFAULTS.runbookBaseUrl,
      reservedNames: library?.alertNames,
      for: durations && setting('observability.alerting.for', durations),
    },
    undefined,
    (p: ProductOwnAlertsProps) => new ProductOwnAlerts(scope, 'own-alerts', p),
  );
}

/**
 * Refuses a `for` of an alert the environment does not render (a typo, an alert of a part the product lacks), naming the
 * alerts it has. Not when the library's alerts failed to compose: their names are then unknown, and the failure is reported.
 */
function refuseUnknownFor(c: Composition, library: ProductAlerts | undefined, own: ProductOwnAlerts | undefined): void {
  const durations = c.environment.observability?.alerting?.for ?? {};
  if (library === undefined) return;
  const known = [...library.alertNames, ...(own?.alertNames ?? [])];
  for (const [alert, value] of Object.entries(durations)) {
    if (known.includes(alert)) continue;
    const field = `observability.alerting.for.${alert}`;
    const why = 'is not an alert of this environment';
    c.problem(new PropertyError(c.chart, field, why, value, `name one of ${known.join(', ')}, or remove it`, field));
  }
}

/**
 * Runs the product's `extend` on the composed chart. Not when the environment already failed to compose: the chart's
 * parts may be missing, and its problems are reported anyway. Its `PropertyError`s are kept like the library's.
 */
export function extendProduct(c: Composition, chart: EafProductChart): void {
  const extend = c.product.extend;
  if (extend === undefined || c.problems.length > 0) return;
  c.attempt(() => extend(chart, c.environment));
}
