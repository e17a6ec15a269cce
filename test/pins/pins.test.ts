import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatReport, judge, Pin, parseCrdSources, parseDefaultImages, parsePackageJson, parseToolsSh } from '../../scripts/pins/pins';

/** `npm run pins`: what it reads as pinned, and how it judges a pin against a source's list (no network here). */

const REPO = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(REPO, file), 'utf8');
const goPin = (version: string, line?: string): Pin => ({
  name: 'm',
  version,
  where: 'f',
  source: { kind: 'go', module: 'example.com/m' },
  ...(line ? { line } : {}),
});

describe('reading the pins', () => {
  test('scripts/tools.sh: versions with their module, matrix maps per minor line', () => {
    // GIVEN the pinning lines tools.sh writes
    const text = [
      'declare -A KUBE_RELEASE=([1.31]=v1.31.14 [1.37]=v1.37.2)                          # k8s.io/kubernetes',
      'declare -A KUBE_ETCD=([1.31]=3.5 [1.37]=3.7)',
      'NETPOL_VERSION=v1.4.2            # github.com/np-guard/netpol-analyzer (cmd netpolicy)',
      'KUBE_SCORE_VERSION=v1.20.0       # github.com/zegl/kube-score: the linter',
      'HELM_K8S_MINOR=31                # the k8s.io/client-go v0.31 its go.mod requires',
    ].join('\n');
    // WHEN parsed  THEN each version is a pin of its module, and the matrix keys are lines
    expect(parseToolsSh(text).map((p) => [p.name, p.version, p.line])).toEqual([
      ['k8s.io/kubernetes', 'v1.31.14', '1.31'],
      ['k8s.io/kubernetes', 'v1.37.2', '1.37'],
      ['github.com/np-guard/netpol-analyzer', 'v1.4.2', undefined],
      ['github.com/zegl/kube-score', 'v1.20.0', undefined],
    ]);
  });

  test('crds/SOURCES.md: one pin per repository and tag, with the module its releases are listed under', () => {
    // GIVEN rows of the table (two files of one release, a v3 module, a sub-module tag, a branch, a tag without v)
    const row = (file: string, repo: string, at: string) => `| ${file} | g / K / v1* | ${repo} | p/${file} | ${at} | Apache-2.0 |`;
    const text = [
      row('a.yaml', 'argoproj/argo-cd', 'tag v3.5.1 (109ca7ca71139e514114499d294a492e7910a965)'),
      row('b.yaml', 'argoproj/argo-cd', 'tag v3.5.1 (109ca7ca71139e514114499d294a492e7910a965)'),
      row('c.yaml', 'kubernetes-csi/external-snapshotter', 'tag client/v8.6.0 (032bd76c) (see note 6)'),
      row('d.yaml', 'openshift/api', 'branch master at 2a3d73913b5a7caec4c57d5c3d04f51106ec4da3 (see note 3)'),
      row('e.yaml', 'keycloak/keycloak-k8s-resources', 'tag 26.0.0 (81567cb6)'),
      row('f.yaml', 'cert-manager/cert-manager', 'tag v1.21.1 (24e33194)'),
    ].join('\n');
    // WHEN parsed
    const pins = parseCrdSources(text);
    // THEN
    expect(pins.map((p) => [p.name, p.version, p.source.kind === 'go' ? p.source.module : p.source.kind])).toEqual([
      ['argoproj/argo-cd', 'v3.5.1', 'github.com/argoproj/argo-cd/v3'],
      ['kubernetes-csi/external-snapshotter', 'v8.6.0', 'github.com/kubernetes-csi/external-snapshotter/client/v8'],
      ['openshift/api', 'master@2a3d7391', 'none'],
      ['keycloak/keycloak-k8s-resources', '26.0.0', 'none'],
      ['cert-manager/cert-manager', 'v1.21.1', 'github.com/cert-manager/cert-manager'],
    ]);
  });

  test('the repository: every CRD source row, every tools.sh module and the npm base are pins', () => {
    const crdRepos = new Set([...read('crds/SOURCES.md').matchAll(/^\| \S+\.yaml \| [^|]+ \| (\S+) \|/gm)].map((m) => m[1]));
    expect(new Set(parseCrdSources(read('crds/SOURCES.md')).map((p) => p.name))).toEqual(crdRepos);
    expect(parseToolsSh(read('scripts/tools.sh')).map((p) => p.name)).toEqual(
      expect.arrayContaining(['k8s.io/kubernetes', 'go.etcd.io/etcd/server/v3', 'github.com/zegl/kube-score', 'github.com/prometheus/prometheus']),
    );
    expect(parsePackageJson(read('package.json')).map((p) => p.name)).toEqual(['cdk8s', 'cdk8s-plus-28', 'cdk8s-cli', 'constructs']);
  });

  test('default images: the tagged image references of a library file', () => {
    const text = ["  image: 'quay.io/keycloak/keycloak:26.0.7',", "export const PLATFORM_CURL_IMAGE = 'registry.example.com/p/curl:8.11.1';"].join(
      '\n',
    );
    expect(parseDefaultImages(text, 'lib/x.ts').map((p) => [p.name, p.version, p.source.kind])).toEqual([
      ['quay.io/keycloak/keycloak', '26.0.7', 'none'],
      ['registry.example.com/p/curl', '8.11.1', 'none'],
    ]);
  });
});

describe('judging a pin against what its source lists', () => {
  test('behind when a newer release is listed; pre-releases and +incompatible tags never count', () => {
    expect(judge(goPin('v1.9.1'), ['v1.9.0', 'v1.9.1', 'v1.10.0-rc1', 'v1.9.3'])).toMatchObject({ status: 'behind', newest: 'v1.9.3' });
    expect(judge(goPin('v0.316.0'), ['v0.316.0', 'v2.5.0+incompatible'])).toMatchObject({ status: 'current', newest: 'v0.316.0' });
  });

  test('a matrix pin follows its minor line; Prometheus its v0 line', () => {
    const prometheus = parseToolsSh('PROMETHEUS_VERSION=v0.316.0      # github.com/prometheus/prometheus (cmd promtool)')[0];
    expect(judge(prometheus, ['v0.316.0', 'v1.99.0'])).toMatchObject({ status: 'current', newest: 'v0.316.0' });
    expect(judge(goPin('v1.31.14', '1.31'), ['v1.31.14', 'v1.37.2'])).toMatchObject({ status: 'current' });
    expect(judge(goPin('v1.31.13', '1.31'), ['v1.31.14', 'v1.37.2'])).toMatchObject({ status: 'behind', newest: 'v1.31.14' });
  });

  test('npm versions compare without a v', () => {
    const pin: Pin = { name: 'cdk8s', version: '2.70.106', where: 'package.json', source: { kind: 'npm', name: 'cdk8s' } };
    expect(judge(pin, ['2.70.99', '2.70.106', '2.70.110'])).toMatchObject({ status: 'behind', newest: '2.70.110' });
  });

  test('a source that cannot be reached, lists nothing, or lags the pin is said so, not judged behind', () => {
    expect(judge(goPin('v1.0.0'), new Error('module proxy: HTTP 403'))).toMatchObject({ status: 'unreachable', newest: 'module proxy: HTTP 403' });
    expect(judge(goPin('v1.0.0'), [])).toMatchObject({ status: 'none listed' });
    expect(judge(goPin('v2.9.0'), ['v0.16.2', 'v1.3.2'])).toMatchObject({ status: 'ahead of source', newest: 'v1.3.2' });
    const image: Pin = { name: 'i', version: '1', where: 'f', source: { kind: 'none', reason: 'an image' } };
    expect(judge(image, undefined)).toMatchObject({ status: 'no source', newest: 'an image' });
  });

  test('the report marks what is behind and counts each status', () => {
    const report = formatReport([judge(goPin('v1.0.0'), ['v1.1.0']), judge(goPin('v1.1.0'), ['v1.1.0'])]);
    expect(report).toMatch(/^BEHIND +m +v1\.0\.0 +v1\.1\.0 +f$/m);
    expect(report).toMatch(/^2 pins: 1 behind, 1 current$/m);
  });
});
