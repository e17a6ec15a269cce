import * as fs from 'node:fs';
import * as path from 'node:path';
import { KUBERNETES_RELEASES, minorNumber, SCHEMA_MINORS } from '../../lib/core/cluster-version';

/**
 * One authority for the Kubernetes releases: the matrix of real API servers that scripts/tools.sh builds (and
 * scripts/cluster.sh runs) pins the same tag per minor as lib/core/cluster-version.ts, whose releases the gate's
 * schemas come from, and each wrapper Go module requires what tools.sh pins.
 */
const REPO = path.resolve(__dirname, '../..');
const TOOLS_SH = fs.readFileSync(path.join(REPO, 'scripts', 'tools.sh'), 'utf8');

/** `declare -A NAME=([k]=v ...)` of tools.sh as a record. */
function bashMap(name: string): Record<string, string> {
  const body = new RegExp(`^declare -A ${name}=\\(([^)]*)\\)`, 'm').exec(TOOLS_SH)?.[1];
  if (body === undefined) throw new Error(`scripts/tools.sh declares no ${name}`);
  return Object.fromEntries([...body.matchAll(/\[([^\]]+)\]=(\S+)/g)].map((m) => [m[1], m[2]]));
}

function goModRequires(module: string): string {
  return fs.readFileSync(path.join(REPO, 'scripts', 'tools', module, 'go.mod'), 'utf8');
}

const minors = /^KUBE_MINORS=\(([^)]*)\)/m.exec(TOOLS_SH)?.[1].split(/\s+/).filter(Boolean) ?? [];
const releases = bashMap('KUBE_RELEASE');
const etcdOf = bashMap('KUBE_ETCD');
const etcdReleases = bashMap('ETCD_RELEASE');

describe('the matrix of real API servers (scripts/tools.sh)', () => {
  test('runs the newest minor the gate knows and an older one, oldest first', () => {
    // GIVEN the minors tools.sh builds  THEN the newest is the gate's newest, and there is an older one
    expect(minors.length).toBeGreaterThanOrEqual(2);
    expect(minors.at(-1)).toBe(SCHEMA_MINORS.at(-1));
    expect([...minors].sort((a, b) => minorNumber(a) - minorNumber(b))).toEqual(minors);
    expect(minorNumber(minors[0])).toBeGreaterThanOrEqual(minorNumber(SCHEMA_MINORS[0]));
    expect(minors.some((minor) => minorNumber(minor) >= 35)).toBe(true);
  });

  test('pins the release lib/core/cluster-version.ts pins for each minor', () => {
    expect(Object.keys(releases).sort()).toEqual([...minors].sort());
    for (const minor of minors) expect(`${minor} ${releases[minor]}`).toBe(`${minor} ${KUBERNETES_RELEASES[minor]}`);
  });

  test('builds each server from a wrapper module that requires its release, with an etcd of its own', () => {
    for (const minor of minors) {
      expect(goModRequires(`kube-${minor}`)).toMatch(new RegExp(`^require k8s\\.io/kubernetes ${releases[minor].replace(/\./g, '\\.')}$`, 'm'));
      const etcd = etcdOf[minor];
      expect(etcdReleases[etcd]).toMatch(new RegExp(`^v${etcd.replace('.', '\\.')}\\.\\d+$`));
      expect(goModRequires(`etcd-${etcd}`)).toMatch(
        new RegExp(`^require go\\.etcd\\.io/etcd/server/v3 ${etcdReleases[etcd].replace(/\./g, '\\.')}$`, 'm'),
      );
    }
  });
});
