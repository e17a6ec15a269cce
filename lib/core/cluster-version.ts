/**
 * The cluster an environment targets, as data: a Kubernetes minor (`kubernetes: '1.33'`) or an OpenShift minor
 * (`openshift: '4.20'`, which ships one Kubernetes minor). The gate checks each environment's objects against the
 * core schemas of its target minor (lib/gate/kubernetes-schema.json, generated from each release's own OpenAPI).
 *
 * The one place the Kubernetes releases are pinned: `scripts/kubernetes-schema.ts` generates the schemas of
 * {@link SCHEMA_MINORS} from these tags of the Go module `k8s.io/kubernetes` (the latest patch the module proxy
 * serves of each minor) and only the list of kinds of the older {@link KUBERNETES_RELEASES}, so that an apiVersion
 * removed before the oldest target is refused with the release that removed it.
 */
export const KUBERNETES_RELEASES: Readonly<Record<string, string>> = {
  '1.21': 'v1.21.14',
  '1.22': 'v1.22.17',
  '1.23': 'v1.23.17',
  '1.24': 'v1.24.17',
  '1.25': 'v1.25.16',
  '1.26': 'v1.26.15',
  '1.27': 'v1.27.16',
  '1.28': 'v1.28.15',
  '1.29': 'v1.29.6',
  '1.30': 'v1.30.14',
  '1.31': 'v1.31.14',
  '1.32': 'v1.32.13',
  '1.33': 'v1.33.13',
  '1.34': 'v1.34.4',
  '1.35': 'v1.35.4',
  '1.36': 'v1.36.3',
  '1.37': 'v1.37.2',
};

/**
 * The minors an environment may target: from 1.29, the Kubernetes of OpenShift 4.16, the oldest OpenShift release
 * still in Extended Update Support in December 2026, to 1.37, the newest upstream release.
 */
export const SCHEMA_MINORS: readonly string[] = Object.keys(KUBERNETES_RELEASES).filter((minor) => minorNumber(minor) >= 29);

/** The Kubernetes minor each OpenShift minor ships (OpenShift 4.N is Kubernetes 1.(N-13) since 4.16). */
export const OPENSHIFT_KUBERNETES: Readonly<Record<string, string>> = {
  '4.16': '1.29',
  '4.17': '1.30',
  '4.18': '1.31',
  '4.19': '1.32',
  '4.20': '1.33',
  '4.21': '1.34',
  '4.22': '1.35',
};

/**
 * The target of an environment that names none: OpenShift 4.20 (Kubernetes 1.33), the oldest OpenShift release in
 * full or maintenance support in December 2026 (and an EUS release), so that the default accepts only what every
 * current OpenShift cluster serves; on plain Kubernetes the same minor, 1.33.
 */
export const DEFAULT_OPENSHIFT = '4.20';

/** The cluster one environment's objects are checked against. */
export interface ClusterTarget {
  /** Kubernetes minor, e.g. `1.33`. */
  readonly kubernetes: string;
  /** OpenShift minor, when the environment named one, e.g. `4.20`. @default - plain Kubernetes */
  readonly openshift?: string;
}

/** `1.33` → 33. */
export function minorNumber(minor: string): number {
  return Number(minor.slice(minor.indexOf('.') + 1));
}

/** How a target reads in a message: `1.29 (openshift 4.16)`. */
export function describeTarget(target: ClusterTarget): string {
  return target.openshift === undefined ? target.kubernetes : `${target.kubernetes} (openshift ${target.openshift})`;
}

/**
 * The target of an environment's `kubernetes` or `openshift` setting (at most one is given; the settings schema
 * allows only the minors above); when neither is, {@link DEFAULT_OPENSHIFT} or its Kubernetes minor, by platform.
 */
export function clusterTarget(settings: { readonly kubernetes?: string; readonly openshift?: string }, platform: string): ClusterTarget {
  const openshift = settings.openshift ?? (settings.kubernetes === undefined && platform === 'openshift' ? DEFAULT_OPENSHIFT : undefined);
  if (openshift !== undefined) return { kubernetes: OPENSHIFT_KUBERNETES[openshift], openshift };
  return { kubernetes: settings.kubernetes ?? OPENSHIFT_KUBERNETES[DEFAULT_OPENSHIFT] };
}

/**
 * The release after `target` among `minors` (the schema minors): the next OpenShift minor when the target names one
 * this library maps, else the next Kubernetes minor; undefined when `target` is the newest.
 */
export function nextTarget(target: ClusterTarget, minors: readonly string[] = SCHEMA_MINORS): ClusterTarget | undefined {
  const kubernetes = minors.find((minor) => minorNumber(minor) > minorNumber(target.kubernetes));
  if (kubernetes === undefined) return undefined;
  const openshift = target.openshift === undefined ? undefined : `4.${minorNumber(target.openshift) + 1}`;
  if (openshift !== undefined && OPENSHIFT_KUBERNETES[openshift] !== undefined) return { kubernetes: OPENSHIFT_KUBERNETES[openshift], openshift };
  return { kubernetes };
}
