import { describeValue } from '../core/errors';
import { remoteKeyPrefixOf } from '../product/compose/secrets';
import { ProductDefinition, productNamespaceName } from '../product/product';
import { EnvironmentConfig } from '../product/settings';

type EnvironmentDatabase = NonNullable<EnvironmentConfig['databases']>[string];

/**
 * What must be each environment's own across the files of one product: a copy of `staging.yaml` saved as `qa.yaml`
 * is valid on its own, and would share staging's namespace, public hosts, backup folder and secret-store keys.
 */

/** One environment's claim on something that must be its own. */
interface Claim {
  /** The environment's file. */
  readonly file: string;
  /** The field that claims it, e.g. `hosts.app`. */
  readonly field: string;
  /** What is claimed, compared across files. */
  readonly key: string;
  /** The value shown in the message. */
  readonly shown: string;
}

/** A kind of thing that must be each environment's own: what claims it, and the fix when two claim the same. */
interface OwnResource {
  /** What the other file uses it as, e.g. `the namespace`. */
  readonly what: string;
  readonly claims: (environment: EnvironmentConfig, product: ProductDefinition) => ReadonlyArray<Omit<Claim, 'file'>>;
  readonly fix: string;
}

const OWN_RESOURCES: readonly OwnResource[] = [
  {
    what: 'the namespace',
    claims: (environment, product) => {
      const namespace = productNamespaceName(product, environment);
      const shown = environment.namespace === undefined ? `${describeValue(namespace)}, the default` : describeValue(namespace);
      return [{ field: 'namespace', key: namespace, shown }];
    },
    fix: 'give each environment a namespace of its own',
  },
  {
    what: 'a public host',
    claims: (environment) =>
      Object.entries(environment.hosts).map(([component, host]) => ({ field: `hosts.${component}`, key: host, shown: describeValue(host) })),
    fix: "give each environment host names of its own: two environments behind one name would take each other's traffic",
  },
  {
    what: 'the backup folder',
    claims: (environment) => {
      const identity = environment.identity !== undefined && 'database' in environment.identity ? environment.identity : undefined;
      const databases: Array<[string, string, EnvironmentDatabase]> = [
        ...Object.entries(environment.databases ?? {}).map(([name, settings]): [string, string, EnvironmentDatabase] => [
          `databases.${name}`,
          name,
          settings,
        ]),
        ...(identity?.database === undefined ? [] : [['identity.database', 'identity', identity.database] as [string, string, EnvironmentDatabase]]),
      ];
      const backups = databases.flatMap(([field, name, { backup }]) => {
        if (backup === undefined) return [];
        // The archive is <destinationPath>/<serverName>; the default server name (the cluster's) is the same in every environment.
        const folder = `${backup.destinationPath.replace(/\/+$/, '')}/${backup.serverName ?? `(the cluster of ${name})`}`;
        return [{ field: `${field}.backup.destinationPath`, key: folder, shown: describeValue(backup.destinationPath) }];
      });
      const realm = identity?.realmExport?.destinationPath;
      return realm === undefined ? backups : [...backups, { field: 'identity.realmExport.destinationPath', key: realm, shown: describeValue(realm) }];
    },
    fix: "give each environment's backups a destinationPath of their own: two environments archiving into one folder overwrite each other's archive",
  },
  {
    what: 'the secret-store prefix',
    claims: (environment, product) =>
      environment.secrets?.provider === 'external-secrets'
        ? [
            {
              field: 'secrets.remoteKeyPrefix',
              key: remoteKeyPrefixOf(product, environment),
              shown: describeValue(remoteKeyPrefixOf(product, environment)),
            },
          ]
        : [],
    fix: "give each environment a remoteKeyPrefix of its own, e.g. <product>/<environment>: two environments would read each other's Secrets",
  },
];

/**
 * One line per environment file that claims what another file claims, naming both files:
 * `<file>: <field>: is also <what> of <other file> (got <value>); <fix>`.
 */
export function sharedResources(
  environments: ReadonlyArray<{ readonly file: string; readonly environment: EnvironmentConfig }>,
  product: ProductDefinition,
): string[] {
  return OWN_RESOURCES.flatMap((resource) => {
    const claims: Claim[] = environments.flatMap(({ file, environment }) => resource.claims(environment, product).map((c) => ({ ...c, file })));
    return claims.flatMap((claim) => {
      const others = [...new Set(claims.filter((c) => c.key === claim.key && c.file !== claim.file).map((c) => c.file))];
      return others.length === 0
        ? []
        : [`${claim.file}: ${claim.field}: is also ${resource.what} of ${others.join(', ')} (got ${claim.shown}); ${resource.fix}`];
    });
  });
}
