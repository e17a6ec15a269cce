import { Construct } from 'constructs';
import * as argoApp from '../../imports/argocd-application-argoproj.io';
import * as argoProject from '../../imports/argocd-appproject-argoproj.io';
import { PropertyProblems } from '../core/errors';
import { deepFreeze } from '../core/freeze';
import { waive } from '../core/waivers';
import { isFiveFieldCron } from '../core/cron';
import { IgnoredDifference } from './controller-owned-fields';
import { SYNC_WAVE_ANNOTATION } from './sync-waves';

/** An API group and kind, as Argo CD's resource lists name them (`''` is the core group). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** A window in which Argo CD may (`allow`) or may not (`deny`) sync an environment. */
export interface SyncWindow {
  readonly kind: 'allow' | 'deny';
  /** 5-field cron of when the window opens, e.g. `0 18 * * 5`. */
  readonly schedule: string;
  /** How long it stays open, e.g. `62h`. */
  readonly duration: string;
  /** Whether manual syncs (and so rollbacks) pass a deny window. @default false */
  readonly manualSync?: boolean;
  /** IANA time zone of the schedule. @default - UTC */
  readonly timeZone?: string;
}

/** One environment as Argo CD delivers it. */
export interface DeliveredEnvironment {
  /** Environment name: the Application is `<product>-<name>`, its source `<path>/<name>`. */
  readonly name: string;
  /** The namespace its objects live in. */
  readonly namespace: string;
  /** Further namespaces some of its objects live in (a restore drill's scratch namespace). @default - none */
  readonly otherNamespaces?: readonly string[];
  /** Whether it holds real data: it then never syncs by itself unless `autoSyncReason` says why. */
  readonly critical: boolean;
  /** Argo CD syncs every new commit (`automated`) or waits for someone to sync (`manual`). @default 'manual' */
  readonly sync?: 'automated' | 'manual';
  /** Why a critical environment may sync without approval (written as the gate's waiver). @default - none */
  readonly autoSyncReason?: string;
  /** With automated sync: delete what the output no longer holds. @default true */
  readonly prune?: boolean;
  /** With automated sync: undo changes made in the cluster by hand. @default true */
  readonly selfHeal?: boolean;
  /** The revision to follow. @default - the product's */
  readonly targetRevision?: string;
  /** The target cluster's API server as Argo CD knows it. @default 'https://kubernetes.default.svc' */
  readonly server?: string;
  /** When it may sync. @default - always */
  readonly syncWindows?: readonly SyncWindow[];
  /** The cluster-scoped kinds its output holds (the project allows exactly these). */
  readonly clusterKinds: readonly GroupKind[];
  /** The namespaced kinds its output holds (the project allows exactly these). */
  readonly namespacedKinds: readonly GroupKind[];
  /**
   * Fields a controller owns once live (see `controllerOwnedFields`): Argo CD ignores them in its diff and, with
   * `RespectIgnoreDifferences=true`, keeps their live values at a sync. @default - none
   */
  readonly ignoreDifferences?: readonly IgnoredDifference[];
}

/** Props of {@link ArgoCdApplications}. */
export interface ArgoCdDeliveryProps {
  /** The product, e.g. `dvmm`: names the project and the Applications. */
  readonly product: string;
  /** The git repository of the output. */
  readonly repoURL: string;
  /** The output folder in the repository. @default 'dist' */
  readonly path?: string;
  /** The revision Argo CD follows. @default 'main' */
  readonly targetRevision?: string;
  /** Argo CD's namespace. @default 'argocd' */
  readonly argocdNamespace?: string;
  /** The environments, in order. */
  readonly environments: readonly DeliveredEnvironment[];
}

/** The platform's Argo CD defaults. */
export const ARGO_CD_DEFAULTS = deepFreeze({
  path: 'dist',
  targetRevision: 'main',
  argocdNamespace: 'argocd',
  server: 'https://kubernetes.default.svc',
  /** An environment waits for someone to sync it. */
  sync: 'manual',
  /** With automated sync: delete what the output no longer holds, and undo changes made by hand. */
  prune: true,
  selfHeal: true,
  /** Manual syncs (and so rollbacks) do not pass a deny window. */
  manualSync: false,
  /** Where this folder is in the output: `<path>/argocd`. */
  folder: 'argocd',
  /** How often a failed automated sync is retried, and how it backs off. */
  retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
  /** Synced revisions kept for `argocd app rollback`. */
  revisionHistoryLimit: 10,
});

/** The file names (chart ids) of the two halves of the Argo CD folder. */
export function argoCdChartIds(product: string): { root: string; apps: string } {
  return { root: `${product}-root`, apps: `${product}-apps` };
}

/**
 * A product's Argo CD objects, in two halves so that Argo CD manages all but the first:
 *
 * - the root ({@link ArgoCdRoot}, applied once by hand): the AppProject `<product>-root`, which may only manage
 *   Applications and AppProjects in Argo CD's namespace from the product's repository, and the app-of-apps
 *   Application `<product>-root` that syncs the other half from `<path>/argocd/<product>-apps.k8s.yaml`;
 * - the applications ({@link ArgoCdApplications}): the AppProject `<product>` (the repository; destinations limited
 *   to the environments' namespaces; cluster-scoped and namespaced kinds limited to what the output holds; the
 *   environments' sync windows) and one Application `<product>-<env>` per environment, pointing at `<path>/<env>`.
 */
export class ArgoCdApplications extends Construct {
  /** The product's AppProject. */
  public readonly project: argoProject.AppProject;
  /** The Application of each environment, by environment name. */
  public readonly applications: Readonly<Record<string, argoApp.Application>>;

  constructor(scope: Construct, id: string, props: ArgoCdDeliveryProps) {
    super(scope, id);
    validateDelivery(this, props);
    const path = props.path ?? ARGO_CD_DEFAULTS.path;
    const namespace = props.argocdNamespace ?? ARGO_CD_DEFAULTS.argocdNamespace;
    const envs = props.environments;
    this.project = new argoProject.AppProject(this, 'Project', {
      metadata: { name: props.product, namespace, annotations: { [SYNC_WAVE_ANNOTATION]: '-1' } },
      spec: {
        // Not the environments' names: the CRD limits the description to 255 characters.
        description: `${props.product}: ${envs.length} environment${envs.length === 1 ? '' : 's'}, synthesised by @eaf/cdk8s`,
        sourceRepos: [props.repoURL],
        destinations: envs.flatMap((e) =>
          [e.namespace, ...(e.otherNamespaces ?? [])].map((namespace) => ({ server: e.server ?? ARGO_CD_DEFAULTS.server, namespace })),
        ),
        clusterResourceWhitelist: union(envs.flatMap((e) => e.clusterKinds)),
        namespaceResourceWhitelist: union(envs.flatMap((e) => e.namespacedKinds)),
        ...(envs.some((e) => (e.syncWindows ?? []).length > 0) ? { syncWindows: syncWindowsOf(props.product, envs) } : {}),
      },
    });
    this.applications = Object.fromEntries(envs.map((env) => [env.name, this.renderApplication(props, env, path, namespace)]));
  }

  /** The Application of one environment: its folder of the output, its destination, its sync policy. */
  private renderApplication(props: ArgoCdDeliveryProps, env: DeliveredEnvironment, path: string, namespace: string): argoApp.Application {
    const automated = (env.sync ?? ARGO_CD_DEFAULTS.sync) === 'automated';
    const ignored = env.ignoreDifferences ?? [];
    const application = new argoApp.Application(this, env.name, {
      metadata: {
        name: `${props.product}-${env.name}`,
        namespace,
        labels: { 'eaf.io/environment': env.name },
      },
      spec: {
        project: props.product,
        source: {
          repoUrl: props.repoURL,
          path: `${path}/${env.name}`,
          targetRevision: env.targetRevision ?? props.targetRevision ?? ARGO_CD_DEFAULTS.targetRevision,
        },
        destination: { server: env.server ?? ARGO_CD_DEFAULTS.server, namespace: env.namespace },
        revisionHistoryLimit: ARGO_CD_DEFAULTS.revisionHistoryLimit,
        ...(ignored.length > 0 ? { ignoreDifferences: ignored.map((d) => ({ ...d, jsonPointers: [...d.jsonPointers] })) } : {}),
        syncPolicy: {
          ...(automated
            ? {
                automated: { prune: env.prune ?? ARGO_CD_DEFAULTS.prune, selfHeal: env.selfHeal ?? ARGO_CD_DEFAULTS.selfHeal },
                retry: {
                  limit: ARGO_CD_DEFAULTS.retry.limit,
                  backoff: { ...ARGO_CD_DEFAULTS.retry.backoff, duration: ARGO_CD_DEFAULTS.retry.backoff.duration },
                },
              }
            : {}),
          // Deletions last, once everything new is healthy; only what changed is applied; a controller's fields keep
          // their live values (else a sync resets them: see controllerOwnedFields).
          syncOptions: ['PruneLast=true', 'ApplyOutOfSyncOnly=true', ...(ignored.length > 0 ? ['RespectIgnoreDifferences=true'] : [])],
        },
      },
    });
    if (automated && env.critical && env.autoSyncReason !== undefined) waive(application, 'critical-sync-approval', env.autoSyncReason);
    return application;
  }
}

/** The sync windows of the environments, each for its own Application `<product>-<env>`. */
function syncWindowsOf(product: string, envs: readonly DeliveredEnvironment[]) {
  return envs.flatMap((e) =>
    (e.syncWindows ?? []).map((w) => ({
      kind: w.kind,
      schedule: w.schedule,
      duration: w.duration,
      applications: [`${product}-${e.name}`],
      manualSync: w.manualSync ?? ARGO_CD_DEFAULTS.manualSync,
      ...(w.timeZone === undefined ? {} : { timeZone: w.timeZone }),
    })),
  );
}

/** Props of {@link ArgoCdRoot}. */
export type ArgoCdRootProps = Pick<ArgoCdDeliveryProps, 'product' | 'repoURL' | 'path' | 'targetRevision' | 'argocdNamespace'>;

/** The app-of-apps root and its own narrow AppProject: see {@link ArgoCdApplications}. */
export class ArgoCdRoot extends Construct {
  /** The root's AppProject: Applications and AppProjects in Argo CD's namespace only. */
  public readonly project: argoProject.AppProject;
  /** The app-of-apps Application. */
  public readonly application: argoApp.Application;

  constructor(scope: Construct, id: string, props: ArgoCdRootProps) {
    super(scope, id);
    const namespace = props.argocdNamespace ?? ARGO_CD_DEFAULTS.argocdNamespace;
    const ids = argoCdChartIds(props.product);
    this.project = new argoProject.AppProject(this, 'Project', {
      metadata: { name: ids.root, namespace },
      spec: {
        description: `${props.product}: the Argo CD objects of its environments`,
        sourceRepos: [props.repoURL],
        destinations: [{ server: ARGO_CD_DEFAULTS.server, namespace }],
        clusterResourceWhitelist: [],
        namespaceResourceWhitelist: [
          { group: 'argoproj.io', kind: 'Application' },
          { group: 'argoproj.io', kind: 'AppProject' },
        ],
      },
    });
    this.application = new argoApp.Application(this, 'Resource', {
      metadata: { name: ids.root, namespace },
      spec: {
        project: ids.root,
        source: {
          repoUrl: props.repoURL,
          path: `${props.path ?? ARGO_CD_DEFAULTS.path}/${ARGO_CD_DEFAULTS.folder}`,
          targetRevision: props.targetRevision ?? ARGO_CD_DEFAULTS.targetRevision,
          directory: { include: `${ids.apps}.k8s.yaml` },
        },
        destination: { server: ARGO_CD_DEFAULTS.server, namespace },
        revisionHistoryLimit: ARGO_CD_DEFAULTS.revisionHistoryLimit,
        // Only Application objects change here; what they deliver still follows each environment's own policy.
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['PruneLast=true'] },
      },
    });
  }
}

function validateDelivery(scope: Construct, props: ArgoCdDeliveryProps): void {
  const problems = new PropertyProblems(scope);
  const names = new Set<string>();
  props.environments.forEach((env, i) => {
    if (names.has(env.name)) problems.add(`environments[${i}].name`, 'is given twice', env.name, 'deliver each environment once');
    names.add(env.name);
    problems.check(() => validateDeliveredEnvironment(scope, env, `environments[${i}].`));
  });
  problems.throwIfAny();
}

/**
 * Checks how one environment is delivered: not named like the Argo CD folder, no automated sync of a critical
 * environment without a reason, prune and self-heal only with automated sync, sync windows with 5-field crons.
 * A product chart runs it on its own environment, so that the problem names the environment file's field.
 *
 * @param prefix put before each property (`environments[2].`)
 * @throws PropertyError or PropertyErrors with every problem
 */
export function validateDeliveredEnvironment(
  scope: Construct,
  env: Omit<DeliveredEnvironment, 'clusterKinds' | 'namespacedKinds' | 'namespace'>,
  prefix = '',
): void {
  const problems = new PropertyProblems(scope);
  if (env.name === ARGO_CD_DEFAULTS.folder)
    problems.add(`${prefix}name`, 'is the name of the folder of the Argo CD objects', env.name, 'rename the environment');
  if (env.sync === 'automated' && env.critical && env.autoSyncReason === undefined) {
    problems.add(
      `${prefix}sync`,
      'is automated in a critical environment without a reason',
      env.sync,
      'use sync: manual (someone approves each sync), or say why in autoSyncReason',
    );
  }
  if (env.sync !== 'automated') {
    if (env.prune !== undefined) problems.add(`${prefix}prune`, 'applies to automated sync only', env.prune, 'remove it, or set sync: automated');
    if (env.selfHeal !== undefined)
      problems.add(`${prefix}selfHeal`, 'applies to automated sync only', env.selfHeal, 'remove it, or set sync: automated');
  }
  (env.syncWindows ?? []).forEach((w, j) => {
    if (!isFiveFieldCron(w.schedule)) {
      problems.add(
        `${prefix}syncWindows[${j}].schedule`,
        'is not a 5-field cron',
        w.schedule,
        "use minute hour day month weekday, e.g. '0 18 * * 5'",
      );
    }
  });
  problems.throwIfAny();
}

/** Each group and kind once, sorted (so the project does not change when the order of objects does). */
function union(kinds: readonly GroupKind[]): GroupKind[] {
  const seen = new Map(kinds.map((k) => [`${k.group}/${k.kind}`, { group: k.group, kind: k.kind }]));
  return [...seen.keys()].sort().map((k) => seen.get(k)!);
}
