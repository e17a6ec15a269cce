import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatAlertsResult, verifyAlerts } from '../../lib/program/verify-alerts';
import { formatLintResult, verifyLint } from '../../lib/program/verify-lint';
import { formatNetpolResult, verifyNetworkPolicies } from '../../lib/program/verify-netpol';
import { readManifestFolder } from '../../lib/program/manifest-folder';

// Every verify tier refuses a folder that holds no Kubernetes object: a PASS on `foo: bar` was a false pass. The
// tools stand in as `true` (each would accept anything), so only the folder decides.

describe('verify on a folder without Kubernetes objects', () => {
  let tmp: string;
  let outdir: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-empty-'));
    outdir = path.join(tmp, 'out');
    fs.mkdirSync(path.join(outdir, 'junk'), { recursive: true });
    // GIVEN YAML that is no Kubernetes object: a mapping without kind, a list, a scalar, an empty document
    fs.writeFileSync(path.join(outdir, 'junk', 'a.yaml'), 'foo: bar\n---\n- kind: Deployment\n---\njust text\n---\n');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const options = () => ({ outdir, work: path.join(tmp, 'work'), environments: ['junk'] });
  const problem = () => `${path.join(outdir, 'junk')} holds no Kubernetes objects; run synth first`;

  test('reads none of those documents as an object, and a kind-bearing mapping as one', () => {
    expect(readManifestFolder(path.join(outdir, 'junk'))).toEqual([]);
    fs.writeFileSync(path.join(outdir, 'junk', 'b.yml'), 'kind: ConfigMap\n');
    expect(readManifestFolder(path.join(outdir, 'junk'))).toEqual([{ kind: 'ConfigMap' }]);
    expect(readManifestFolder(path.join(outdir, 'none'))).toBeUndefined();
  });

  test('the network-policy tier fails it, naming the folder', () => {
    const [result] = verifyNetworkPolicies({ ...options(), netpolicy: 'true' });
    expect(result.ok).toBe(false);
    expect(formatNetpolResult(result)).toEqual(['FAIL junk: not analysed', `  ! ${problem()}`]);
  });

  test('the kube-score tier fails it', () => {
    const [result] = verifyLint({ ...options(), kubeScore: 'true' });
    expect(result.ok).toBe(false);
    expect(formatLintResult(result)).toContain(`  ! ${problem()}`);
  });

  test('the alert tier fails it', () => {
    const [result] = verifyAlerts({ ...options(), promtool: 'true' });
    expect(result.ok).toBe(false);
    expect(formatAlertsResult(result)).toContain(`  ${problem()}`);
  });
});
