import { Construct } from 'constructs';
import { ALERT_DEFAULTS } from '../observability/alerts';
import { ProductOwnAlerts, ProductOwnAlertsProps } from '../observability/own-alerts';
import type { ProductAlerts } from '../observability/product-alerts';
import { Composition } from './composition';
import type { EafProductChart } from './product-chart';

/**
 * A product's own additions (`defineProduct({ extend, alerts })`), composed inside the product chart so that every
 * program that composes an environment (every CLI command, `npm run synth`, `cdk8s synth`, a test) gets them: there is
 * no second place a program could forget.
 */

/** The product's own alerts in this environment, beside the library's; none when it declares none. */
export function composeOwnAlerts(c: Composition, scope: Construct, library: ProductAlerts | undefined): ProductOwnAlerts | undefined {
  const declared = c.product.alerts;
  if (declared === undefined) return undefined;
  const alertScope = { product: c.product.name, environment: c.environment.name, namespace: c.namespace, critical: c.critical };
  const alerts = typeof declared === 'function' ? declared(alertScope) : declared;
  if (alerts.length === 0) return undefined;
  return c.build(
    scope,
    'own-alerts',
    {
      alerts,
      scope: alertScope,
      runbookBaseUrl: c.product.runbookBaseUrl ?? ALERT_DEFAULTS.runbookBaseUrl,
      reservedNames: library?.alertNames,
    },
    undefined,
    (p: ProductOwnAlertsProps) => new ProductOwnAlerts(scope, 'own-alerts', p),
  );
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
