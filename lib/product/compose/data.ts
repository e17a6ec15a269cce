import { Construct } from 'constructs';
import { PropertyError } from '../../core/errors';
import { UNREADABLE_ENVIRONMENTS_CONTEXT } from '../../core/labels';
import { PostgresCluster, PostgresClusterProps, PostgresRecoveryOptions, PostgresRestoreDrillOptions } from '../../data/postgres-cluster';
import { objectiveSeconds, RECOVERY_DEFAULTS } from '../../data/recovery-objectives';
import { mergeResources } from '../../pods/pod-template';
import { POSTGRES_DEFAULTS } from '../../data/postgres-cluster';
import { environmentPlatform } from '../cluster-target';
import { Composition } from '../composition';
import { DatabaseDefinition } from '../product';
import { Sourced } from '../provenance';
import { DatabaseConfig, EnvironmentConfig, RecoveryConfig } from '../settings';

/** Finds a database's settings in an environment (the same database in another environment, for a recovery). */
export type DatabaseIn = (environment: EnvironmentConfig) => DatabaseConfig | undefined;

/** The product's databases, by their name in the product: one PostgreSQL cluster each. */
export function composeDatabases(c: Composition, scope: Construct): Record<string, PostgresCluster> {
  const out: Record<string, PostgresCluster> = {};
  for (const [key, definition] of Object.entries(c.product.databases ?? {})) {
    const at = `databases.${key}`;
    const props: Sourced<PostgresClusterProps> = {
      ...databaseProps(c, at, c.environment.databases?.[key], (e) => e.databases?.[key]),
      ...productDatabase(c.product.name, key, definition),
    };
    const cluster = c.build(scope, key, props, at, (p: PostgresClusterProps) => new PostgresCluster(scope, key, p));
    if (cluster) out[key] = cluster;
  }
  return out;
}

/**
 * Maps an environment's database settings (at the setting `at`) onto PostgresCluster props. A critical environment
 * must back up and may not declare objectives laxer than the platform's; a recovery from another environment reads that
 * environment's archive of the same database (`databaseIn` finds it in an environment's settings).
 */
export function databaseProps(c: Composition, at: string, config: DatabaseConfig = {}, databaseIn: DatabaseIn): Partial<PostgresClusterProps> {
  checkCriticalDatabase(c, at, config);
  const backup = config.backup;
  return {
    instances: config.instances,
    version: config.version,
    imageName: config.imageName,
    storageSize: config.storageSize,
    storageClass: config.storageClass,
    resources: mergeResources(POSTGRES_DEFAULTS.resources, config.resources),
    backup: backup && { ...backup, apiServer: c.environment.network?.apiServer },
    pooler: config.pooler,
    rpo: config.rpo,
    rto: config.rto,
    recovery: config.recovery && recoverySource(c, `${at}.recovery`, config.recovery, databaseIn),
    restoreDrill: config.restoreDrill && restoreDrill(c, at, config, databaseIn),
  };
}

/**
 * A restore drill of the environment's backup of the database at the setting `database`, through the environment's API
 * server and object store; refused without them.
 */
function restoreDrill(c: Composition, database: string, config: DatabaseConfig, databaseIn: DatabaseIn): PostgresRestoreDrillOptions | undefined {
  const { source, ...drill } = config.restoreDrill!;
  const at = `${database}.restoreDrill`;
  const network = c.environment.network ?? {};
  const refuse = (what: string, fix: string) => {
    c.problem(new PropertyError(c.chart, 'restoreDrill', what, drill, fix, at));
    return undefined;
  };
  if (!config.backup && !source) {
    return refuse(
      'has no backup to restore in this environment',
      `configure ${database}.backup (destinationPath, credentialsSecret), give restoreDrill.source, or remove restoreDrill`,
    );
  }
  // Another environment's archive: read as a recovery reads it, with that environment's volume size.
  const archive = source && recoverySource(c, `${at}.source`, source, databaseIn)?.source;
  if (source && !archive) return undefined;
  const sourceDatabase = source && c.environments.find((e) => e.name === source.environment);
  if (!network.apiServer) {
    return refuse(
      'needs network.apiServer: the drill job creates and deletes the restored cluster through the Kubernetes API',
      'set network.apiServer (cidrs, ports) of this environment, or remove restoreDrill',
    );
  }
  return {
    ...drill,
    // A drill of another environment's archive measures that environment's recovery time objective.
    ...(drill.readyTimeout === undefined && sourceDatabase && databaseIn(sourceDatabase)?.rto !== undefined
      ? { readyTimeout: databaseIn(sourceDatabase)?.rto }
      : {}),
    archive,
    storageSize: sourceDatabase && (databaseIn(sourceDatabase)?.storageSize ?? POSTGRES_DEFAULTS.storageSize),
    apiServer: network.apiServer,
    objectStore: network.objectStore,
    operatorNamespace: network.databaseOperatorNamespace,
    platform: environmentPlatform(c.environment),
  };
}

/** A critical environment backs every database up, within the platform's objectives. */
function checkCriticalDatabase(c: Composition, at: string, config: DatabaseConfig): void {
  if (!c.critical) return;
  if (!config.backup) {
    c.problem(
      new PropertyError(
        c.chart,
        'backup',
        'is required in a critical environment',
        config.backup,
        `configure ${at}.backup (destinationPath, credentialsSecret) so WAL is archived and backups are kept`,
        `${at}.backup`,
      ),
    );
  }
  for (const [objective, max] of [
    ['rpo', RECOVERY_DEFAULTS.maxCriticalRpo],
    ['rto', RECOVERY_DEFAULTS.maxCriticalRto],
  ] as const) {
    const value = config[objective];
    if (value !== undefined && objectiveSeconds(value) > objectiveSeconds(max)) {
      c.problem(
        new PropertyError(
          c.chart,
          objective,
          `is laxer than the platform allows in a critical environment (at most ${max})`,
          value,
          `use ${max} or less, or set critical: false if this environment holds no production data`,
          `${at}.${objective}`,
        ),
      );
    }
  }
}

/** The archive a recovery reads: given by path, or the backup settings of the same database in the named environment. */
function recoverySource(c: Composition, at: string, recovery: RecoveryConfig, databaseIn: DatabaseIn): PostgresRecoveryOptions | undefined {
  const own = { targetTime: recovery.targetTime, follow: recovery.follow };
  if (recovery.environment === undefined) {
    if (recovery.destinationPath === undefined) {
      c.problem(
        new PropertyError(
          c.chart,
          'recovery',
          'names no archive',
          recovery,
          'give environment (whose archive of this database to restore) or destinationPath and serverName',
          at,
        ),
      );
      return undefined;
    }
    const { destinationPath, endpointUrl, serverName, credentialsSecret } = recovery;
    return { ...own, source: { destinationPath, endpointUrl, serverName, credentialsSecret } };
  }
  const source = c.environments.find((e) => e.name === recovery.environment);
  // An environment whose file could not be read has its own error: no second one here.
  const unreadable = (c.chart.node.tryGetContext(UNREADABLE_ENVIRONMENTS_CONTEXT) as unknown[] | undefined) ?? [];
  if (source === undefined && unreadable.includes(recovery.environment)) return undefined;
  if (source === undefined) {
    c.problem(
      new PropertyError(
        c.chart,
        'environment',
        'names no environment of the product',
        recovery.environment,
        `use one of: ${c.environments.map((e) => e.name).join(', ')}`,
        `${at}.environment`,
      ),
    );
    return undefined;
  }
  const backup = databaseIn(source)?.backup;
  if (backup === undefined) {
    c.problem(
      new PropertyError(
        c.chart,
        'environment',
        'has no backup of this database to restore',
        recovery.environment,
        'name an environment that backs it up, or give destinationPath and serverName',
        `${at}.environment`,
      ),
    );
    return undefined;
  }
  return {
    ...own,
    source: {
      destinationPath: recovery.destinationPath ?? backup.destinationPath,
      endpointUrl: recovery.endpointUrl ?? backup.endpointUrl,
      serverName: recovery.serverName ?? backup.serverName,
      credentialsSecret: recovery.credentialsSecret,
    },
  };
}

/** The product's own part of a database: its names and PostgreSQL version. */
function productDatabase(
  product: string,
  key: string,
  definition: DatabaseDefinition,
): Pick<PostgresClusterProps, 'name' | 'database' | 'owner' | 'credentialsSecret' | 'version'> {
  const name = definition.clusterName ?? `${product}-${key}`;
  return {
    name,
    database: definition.database ?? product.replace(/-/g, '_'),
    owner: definition.owner,
    credentialsSecret: definition.credentialsSecret ?? `${name}-credentials`,
    ...(definition.version === undefined ? {} : { version: definition.version }),
  };
}
