import { App } from 'cdk8s';
import { CompositionError, defineProduct, EafProductChart, EnvironmentConfig, Product, PropertyError } from '../../lib';
import { WEB_PRODUCT } from '../util';

/** The error a composition throws; fails the test when it composes. */
export function compositionError(compose: () => unknown): CompositionError {
  try {
    compose();
  } catch (e) {
    if (e instanceof CompositionError) return e;
    throw e;
  }
  throw new Error('expected the composition to fail');
}

/** A product of one internal Spring Boot component, `worker`, with `extra` in its definition. */
export const JOBS = (extra: object = {}): Product =>
  defineProduct({ name: 'jobs', components: { worker: { kind: 'spring-boot', image: 'registry.example.com/jobs/worker', ...extra } } });

/** A dev environment of {@link JOBS}, with `extra`. */
export function jobsEnvironment(extra: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return {
    name: 'dev',
    exposure: { kind: 'route' },
    release: { strategy: 'rolling' },
    hosts: {},
    components: { worker: { tag: '1.0.0' } },
    ...extra,
  };
}

/** A database backup to an object store. */
export const BACKUP = { destinationPath: 's3://backups/app', credentialsSecret: 'backup-s3' };

/** Each problem of a failed composition as [its setting's message, its construct message]. */
export function problems(compose: () => unknown): [string, string][] {
  return compositionError(compose).problems.map((p) => [(p instanceof PropertyError ? p.settingMessage : undefined) ?? '(no setting)', p.message]);
}

/** A chart of {@link WEB_PRODUCT}'s `environment` among `environments` (a recovery or drill reads another's settings). */
export function chartAmong(
  environment: EnvironmentConfig,
  environments: EnvironmentConfig[],
  context: Record<string, unknown> = {},
): EafProductChart {
  const app = new App({ outdir: '/nonexistent' });
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  return new EafProductChart(app, WEB_PRODUCT.name, { product: WEB_PRODUCT, environment, environments });
}
