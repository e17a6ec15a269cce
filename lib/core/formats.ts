/**
 * Value formats and the rules about them, each defined once. The environment schema uses `pattern` and
 * `fix`; constructs and the validation gate call `test`. Patterns avoid lookbehind so JSON Schema (ajv)
 * and JavaScript read them alike.
 */

/** A value format: its regular expression (as JSON Schema `pattern`), a test, and the fix for a bad value. */
export interface Format {
  /** The pattern, anchored, in the dialect JSON Schema and JavaScript share. */
  readonly pattern: string;
  /** What to write instead, phrased as an instruction. */
  readonly fix: string;
  /** Whether `value` has the format. */
  test(value: unknown): boolean;
}

function format(pattern: string, fix: string): Format {
  const regex = new RegExp(pattern);
  return Object.freeze({ pattern, fix, test: (value: unknown) => typeof value === 'string' && regex.test(value) });
}

const LABEL = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';

/** An RFC 1123 DNS label (namespace names, most label-like names): at most 63 characters. */
export const DNS_LABEL = format(
  `^${LABEL}$`,
  'use a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
);

/** An RFC 1035 DNS label (Service names): starts with a letter. */
export const DNS_1035_LABEL = format(
  '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$',
  'use a DNS-1035 label: at most 63 lower-case letters, digits and hyphens, starting with a letter',
);

/** An RFC 1123 DNS subdomain (object names, hostnames): labels joined by dots, at most 253 characters. */
export const DNS_NAME = format(`^(?=.{1,253}$)${LABEL}(\\.${LABEL})*$`, 'use a lower-case DNS name such as app.example.com');

/** A label value: at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit, or empty. */
export const LABEL_VALUE = format(
  '^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$',
  'use at most 63 letters, digits, -, _ and ., starting and ending with a letter or digit',
);

/** A label or annotation key: an optional DNS-subdomain prefix (at most 253 characters) and `/`, then a name like a label value. */
export const QUALIFIED_NAME = format(
  `^((?=[^/]{1,253}/)${LABEL}(\\.${LABEL})*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$`,
  'use [prefix/]name: a DNS-subdomain prefix, and a name of at most 63 letters, digits, -, _ and .',
);

/** Environment names become folder, namespace and label parts: a DNS label starting with a letter, at most 20 characters. */
export const ENVIRONMENT_NAME = format(
  '^[a-z]([-a-z0-9]{0,18}[a-z0-9])?$',
  'use a lower-case DNS label of at most 20 characters starting with a letter, e.g. staging',
);

/** Names inside a product (components, databases, egress entries): they become object names. */
export const COMPONENT_NAME = format(
  '^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$',
  'use a lower-case name of letters, digits and hyphens starting with a letter, at most 40 characters, e.g. api',
);

/** An image tag as registries accept it, e.g. `1.4.2`. */
export const IMAGE_TAG = format('^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$', 'use an image tag such as 1.4.2');

/** An image digest, e.g. `sha256:<64 hex>`. */
export const IMAGE_DIGEST = format('^sha256:[a-f0-9]{64}$', 'use a digest sha256:<64 lower-case hex digits>');

/** A tag or a digest: what a component's `tag` may hold. */
export const IMAGE_TAG_OR_DIGEST = format(
  `^(${IMAGE_TAG.pattern.slice(1, -1)}|${IMAGE_DIGEST.pattern.slice(1, -1)})$`,
  'use an image tag such as 1.4.2, or a digest sha256:<64 hex digits>',
);

/** An image repository without tag, e.g. `registry.example.com/dvmm/api`. */
export const IMAGE_REPOSITORY = format('^[a-z0-9]+([._/:-][a-z0-9]+)*$', 'use an image repository without tag, e.g. registry.example.com/dvmm/api');

/** A full image reference with a tag or a digest. */
export const IMAGE_REFERENCE = format(
  `^[a-z0-9]+([._/:-][a-z0-9]+)*(:${IMAGE_TAG.pattern.slice(1, -1)}|@${IMAGE_DIGEST.pattern.slice(1, -1)})$`,
  'use an image with tag or digest, e.g. ghcr.io/cloudnative-pg/postgresql:17.6 or ...@sha256:<digest>',
);

/**
 * How an image's releases are numbered: most software uses `<major>.<minor>.<patch>` (`1.4.2`, `v2.0.0`,
 * `26.0.7-1`); PostgreSQL numbers its releases `<major>.<minor>` since version 10, so `17.6` is a complete
 * release there (its images may carry a build suffix, `17.6-202509151215`).
 */
export type VersionScheme = 'semver' | 'major.minor';

const RELEASE_TAGS: Record<VersionScheme, RegExp> = {
  'semver': /^v?\d+\.\d+\.\d+(-[0-9A-Za-z][0-9A-Za-z.-]*)?$/,
  'major.minor': /^\d+\.\d+(-[0-9A-Za-z][0-9A-Za-z.-]*)?$/,
};

/**
 * Why an image tag cannot run where it is used, or `undefined` when it can: `latest` never; in a critical
 * environment only a released version (by `scheme`) or a digest.
 */
export function imageTagProblem(
  tag: string,
  options: { readonly critical: boolean; readonly scheme?: VersionScheme },
): { problem: string; fix: string } | undefined {
  if (IMAGE_DIGEST.test(tag)) return undefined;
  if (tag === 'latest') return { problem: 'is a moving tag', fix: 'pin an immutable version such as 1.4.2, or a sha256 digest' };
  const scheme = options.scheme ?? 'semver';
  if (options.critical && !RELEASE_TAGS[scheme].test(tag)) {
    const example = scheme === 'semver' ? '1.4.2' : '17.6';
    return {
      problem: 'must be a released version or a digest in a critical environment',
      fix: `use a version such as ${example}, or a sha256 digest`,
    };
  }
  return undefined;
}

const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_CIDR = `${IPV4_OCTET}(\\.${IPV4_OCTET}){3}/(3[0-2]|[12]?[0-9])`;
const IPV6_CIDR = '[0-9a-fA-F:.]*:[0-9a-fA-F:.]*/(12[0-8]|1[01][0-9]|[1-9]?[0-9])';
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Whether `address` is an IPv6 address: eight groups, or fewer with one `::`, optionally ending in IPv4. */
function isIpv6(address: string): boolean {
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
  const all = groups.flat();
  const last = all[all.length - 1];
  const ipv4Tail = last !== undefined && last.includes('.');
  if (ipv4Tail && !new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`).test(last)) return false;
  const hex = ipv4Tail ? all.slice(0, -1) : all;
  if (!hex.every((g) => IPV6_GROUP.test(g))) return false;
  const size = hex.length + (ipv4Tail ? 2 : 0);
  return halves.length === 2 ? size <= 7 : size === 8;
}

/** An IPv4 or IPv6 CIDR as the API server accepts it (octets up to 255, prefixes up to /32 or /128), e.g. `10.0.0.0/24`. */
export const CIDR: Format = (() => {
  const base = format(`^(${IPV4_CIDR}|${IPV6_CIDR})$`, 'use a CIDR such as 10.0.0.0/24 or 192.0.2.10/32 (IPv4 prefixes up to /32, IPv6 up to /128)');
  return Object.freeze({
    ...base,
    test: (value: unknown) => base.test(value) && (!(value as string).includes(':') || isIpv6((value as string).split('/')[0])),
  });
})();

/** CIDRs that match every address: legal, but almost never what a NetworkPolicy means. */
export const EVERYWHERE_CIDRS: readonly string[] = ['0.0.0.0/0', '::/0'];

/**
 * Why a product may not render into `namespace`, or `undefined` when it may: the cluster's own namespaces
 * (`default`, `kube-*`, `openshift*`) and any the platform reserves. A product namespace is relabelled to the
 * restricted Pod Security level and gets a default-deny policy, which would break what runs there.
 */
export function systemNamespaceProblem(namespace: string, reserved: readonly string[] = []): { problem: string; fix: string } | undefined {
  const system = namespace === 'default' || namespace.startsWith('kube-') || namespace.startsWith('openshift');
  if (!system && !reserved.includes(namespace)) return undefined;
  return {
    problem: system ? 'is a system namespace' : 'is reserved by the platform',
    fix: "use a namespace of the product's own, e.g. <product>-<environment> (leave namespace out for that default)",
  };
}

/** An S3 destination, e.g. `s3://bucket/path`. */
export const S3_PATH = format('^s3://[a-z0-9][a-z0-9.-]+[a-z0-9](/.*)?$', 'use s3://<bucket>/<path>');

/** An https:// endpoint. */
export const HTTPS_URL = format('^https://[^\\s/]+(/[^\\s]*)?$', 'use an https:// URL');

/** An absolute URL path such as `/actuator/health/readiness`. */
export const URL_PATH = format('^/[^\\s]*$', 'use an absolute path such as /health');

/** A registry prefix ending in `/`, e.g. `registry.example.com/`. */
export const REGISTRY_PREFIX = format(
  '^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?/([a-z0-9._/-]*/)?$',
  'use a registry prefix ending in /, e.g. registry.example.com/',
);

/** A git repository URL Argo CD can clone: https:// or ssh (`git@host:org/repo.git`, `ssh://...`). */
export const GIT_URL = format(
  '^(https://[^\\s/]+/[^\\s]+|ssh://[^\\s]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\\s]+)$',
  'use the https:// or ssh URL of the git repository, e.g. https://git.example.com/eaf/orders.git',
);

/** A relative folder of a repository, e.g. `dist` or `deploy/dist`: no leading `/`, no `..`. */
export const REPOSITORY_PATH = format(
  '^(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$',
  'use a folder relative to the repository root, e.g. dist',
);

/** A Go duration as Kubernetes controllers parse it (`time.ParseDuration`), e.g. `1h`, `30m`, `1h0m0s`; `0` alone. */
export const GO_DURATION = format(
  '^(0|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$',
  "use a Go duration such as '1h', '30m' or '1h0m0s' ('0' reads once)",
);

/** A key in a secret store (Vault path, AWS Secrets Manager name, ...): segments separated by single `/`, none empty. */
export const REMOTE_KEY = format(
  '^[A-Za-z0-9_.@+=-]+(/[A-Za-z0-9_.@+=-]+)*$',
  'use a key of the secret store such as dvmm/production or shared/smtp: letters, digits and _ . @ + = -, ' +
    'segments separated by single / (none at either end)',
);

/** Whether `port` is a TCP port number. */
export function isPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;
}
