/**
 * The pinned upstreams of this repository and how each compares with the releases its source serves: the pure part of
 * `npm run pins` (scripts/pins/report.ts asks the module proxy and npm). Four places pin versions: the Go tools of
 * scripts/tools.sh, the CRD sources of crds/SOURCES.md, the container images of the library's defaults and the npm
 * packages the library is built on.
 */
import * as semver from 'semver';

/** Where the releases of a pin are listed: a Go module (module proxy), an npm package, or nowhere this can ask. */
export type PinSource = { kind: 'go'; module: string } | { kind: 'npm'; name: string } | { kind: 'none'; reason: string };

export interface Pin {
  /** The upstream, as the report names it (a repository, a module, an image, a package). */
  readonly name: string;
  /** The pinned version as written where it is pinned (`v1.30.0`, `26.0.0`, `2.5.6`). */
  readonly version: string;
  /** The file that pins it. */
  readonly where: string;
  readonly source: PinSource;
  /** Compare only with releases of this `major.minor` (or `major`) line: a matrix server follows its minor's patches. */
  readonly line?: string;
  /** Why the source may list nothing newer even when upstream has released (shown with the result). */
  readonly note?: string;
}

export type Status = 'current' | 'behind' | 'ahead of source' | 'none listed' | 'unreachable' | 'no source';

export interface Judged {
  readonly pin: Pin;
  readonly status: Status;
  /** The newest release the source lists (on the pin's line), or the reason there is none. */
  readonly newest: string;
}

/** Repositories of crds/SOURCES.md whose releases are not listed as `github.com/<repo>` (with `/vN` from v2 on). */
const REPOSITORY_SOURCES: Record<string, { source: PinSource; note?: string }> = {
  'keycloak/keycloak-k8s-resources': {
    source: { kind: 'none', reason: 'tags without a v (26.0.0) are no Go module versions; see the repository tags' },
  },
  'openshift/api': { source: { kind: 'none', reason: 'no release tags (a branch commit)' } },
  'ovn-org/ovn-kubernetes': { source: { kind: 'none', reason: 'the Go module is go-controller/, released apart from the tags' } },
  'prometheus-operator/prometheus-operator': {
    // The root module's list is partial on the proxy; pkg/apis/monitoring is tagged with every release.
    source: { kind: 'go', module: 'github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring' },
  },
  'external-secrets/external-secrets': {
    source: { kind: 'go', module: 'github.com/external-secrets/external-secrets' },
    note: 'its go.mod has no /v2, so the module proxy serves no v2+ tag',
  },
  'kubernetes-csi/external-snapshotter': { source: { kind: 'go', module: 'github.com/kubernetes-csi/external-snapshotter/client/v8' } },
};

/** The Go module of a GitHub repository at a version: `/vN` is part of the module path from v2 on. */
function repositoryModule(repository: string, version: string): string {
  const major = semver.valid(version, { loose: true }) === null ? 0 : semver.major(version, { loose: true });
  return `github.com/${repository}${major >= 2 ? `/v${major}` : ''}`;
}

/** One pin per upstream repository and tag of crds/SOURCES.md's table (several CRD files share one). */
export function parseCrdSources(markdown: string, where = 'crds/SOURCES.md'): Pin[] {
  const pins = new Map<string, Pin>();
  for (const row of markdown.matchAll(/^\| [^|]+\.yaml \| [^|]+ \| ([\w.-]+\/[\w.-]+) \| [^|]+ \| ([^|]+) \| [^|]+ \|$/gm)) {
    const repository = row[1];
    const tag = /^tag (?:\S+\/)?(\S+)/.exec(row[2].trim())?.[1];
    const known = REPOSITORY_SOURCES[repository];
    const branch = /^branch (\S+) at ([0-9a-f]{8})/.exec(row[2].trim());
    const version = tag ?? (branch ? `${branch[1]}@${branch[2]}` : row[2].trim());
    const source: PinSource =
      known?.source ?? (tag === undefined ? { kind: 'none', reason: 'not a tag' } : { kind: 'go', module: repositoryModule(repository, tag) });
    pins.set(`${repository} ${version}`, { name: repository, version, where, source, ...(known?.note ? { note: known.note } : {}) });
  }
  return [...pins.values()];
}

/** Modules whose releases are one major line of what the proxy lists: Prometheus is v0.MMM.P (v1.99.0 is a stray tag). */
const TOOL_LINES: Record<string, string> = { 'github.com/prometheus/prometheus': '0' };

/**
 * The Go-built tools of scripts/tools.sh: `NAME_VERSION=v1.2.3  # <module> ...` lines, and `declare -A NAME=([1.31]=v1.31.14)
 * # <module>` maps, whose keys are the minor line each version follows.
 */
export function parseToolsSh(text: string, where = 'scripts/tools.sh'): Pin[] {
  const pins: Pin[] = [];
  const moduleOf = (comment: string) => /^#\s*([\w.-]+\.[\w.-]+(?:\/[\w.-]+)+)/.exec(comment.trim())?.[1];
  for (const m of text.matchAll(/^declare -A \w+=\(([^)]*)\)\s*(#.*)$/gm)) {
    const module = moduleOf(m[2]);
    if (module === undefined) continue;
    for (const [, line, version] of m[1].matchAll(/\[([\d.]+)\]=(v\S+)/g)) {
      pins.push({ name: module, version, where, line, source: { kind: 'go', module } });
    }
  }
  for (const m of text.matchAll(/^[A-Z_]+_VERSION=(v\S+)\s*(#.*)$/gm)) {
    const module = moduleOf(m[2]);
    const line = module === undefined ? undefined : TOOL_LINES[module];
    if (module !== undefined) pins.push({ name: module, version: m[1], where, source: { kind: 'go', module }, ...(line ? { line } : {}) });
  }
  return pins;
}

/** The npm packages that decide what the library renders, at the exact versions package.json pins. */
export const NPM_PINNED = ['cdk8s', 'cdk8s-plus-28', 'cdk8s-cli', 'constructs'];

export function parsePackageJson(text: string, where = 'package.json'): Pin[] {
  const json = JSON.parse(text) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const all = { ...json.dependencies, ...json.devDependencies };
  return NPM_PINNED.filter((name) => all[name] !== undefined).map((name) => ({
    name,
    version: all[name],
    where,
    source: { kind: 'npm', name },
  }));
}

/** Container images with a tag that a library file pins as a default (`image: '<ref>'`, `<NAME>_IMAGE = '<ref>'`). */
export function parseDefaultImages(text: string, where: string): Pin[] {
  const pins: Pin[] = [];
  for (const m of text.matchAll(/^\s*(?:image: |export const [A-Z_]+_IMAGE = )'([^'\s]+\/[^'\s:]+):([^'\s]+)'/gm)) {
    const reason = 'a container image (no registry is asked)';
    pins.push({ name: m[1], version: m[2], where, source: { kind: 'none', reason } });
  }
  return pins;
}

/**
 * The releases of a list that count: valid versions without a pre-release, on the pin's line when it has one. Go's
 * `+incompatible` versions are tags from before the module's go.mod (Prometheus' v2.5.0+incompatible is older than
 * its module's v0.316.0), so they never count.
 */
function releasesOn(versions: readonly string[], line: string | undefined): string[] {
  return versions.filter((v) => {
    const parsed = semver.parse(v, { loose: true });
    if (parsed === null || parsed.prerelease.length > 0 || parsed.build.length > 0) return false;
    return line === undefined || `${parsed.major}.${parsed.minor}` === line || `${parsed.major}` === line;
  });
}

/** A pin against what its source lists (`versions`), or against the error that kept the list away. */
export function judge(pin: Pin, versions: readonly string[] | Error | undefined): Judged {
  if (pin.source.kind === 'none') return { pin, status: 'no source', newest: pin.source.reason };
  if (versions instanceof Error) return { pin, status: 'unreachable', newest: versions.message };
  const releases = releasesOn(versions ?? [], pin.line);
  if (releases.length === 0) return { pin, status: 'none listed', newest: pin.line ? `nothing on ${pin.line}` : 'nothing' };
  const newest = semver.rsort(releases, { loose: true })[0];
  if (semver.valid(pin.version, { loose: true }) === null) return { pin, status: 'behind', newest };
  const order = semver.compare(newest, pin.version, { loose: true });
  return { pin, status: order > 0 ? 'behind' : order < 0 ? 'ahead of source' : 'current', newest };
}

/** The report: one line per pin, aligned, then a count per status. */
export function formatReport(judged: readonly Judged[]): string {
  const rows = judged.map((j) => [
    j.status === 'behind' ? 'BEHIND' : j.status,
    `${j.pin.name}${j.pin.line ? ` (${j.pin.line}.x)` : ''}`,
    j.pin.version,
    j.newest + (j.pin.note && j.status !== 'current' && j.status !== 'behind' ? ` (${j.pin.note})` : ''),
    j.pin.where,
  ]);
  const header = ['status', 'upstream', 'pinned', 'newest listed', 'pinned in'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => r[i].length < 60).map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const counts = new Map<string, number>();
  for (const j of judged) counts.set(j.status, (counts.get(j.status) ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  return [line(header), ...rows.map(line), '', `${judged.length} pins: ${summary}`].join('\n');
}
