import { KubeObject } from '../../lib/program/rehearsal/kube';
import { releaseSteps } from '../../lib/program/rehearsal/main';
import { activeServices, argoCdOnly, switchGates } from '../../lib/program/rehearsal/manifests';

const object = (kind: string, name: string, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: kind === 'Rollout' ? 'argoproj.io/v1alpha1' : kind === 'Application' ? 'argoproj.io/v1alpha1' : 'v1',
  kind,
  metadata: { name, namespace: 'shop' },
  ...extra,
});
const colored = (name: string) => object('Service', name, { spec: { selector: { app: 'api', 'eaf.io/color': 'blue' } } });
const gate = object('Job', 'shop-smoke-test-api', { metadata: { name: 'shop-smoke-test-api', annotations: { 'argocd.argoproj.io/hook': 'Sync' } } });
const postSync = object('Job', 'shop-smoke-test', { metadata: { name: 'shop-smoke-test', annotations: { 'argocd.argoproj.io/hook': 'PostSync' } } });
const BLUE_GREEN = [object('Deployment', 'api-blue'), object('Deployment', 'api-green'), colored('api'), colored('api-preview'), colored('api-next')];

describe('what a rehearsal reads from an environment', () => {
  test('the active Services select a colour and are neither the preview nor the switch gate', () => {
    expect(activeServices([...BLUE_GREEN, object('Service', 'db')])).toEqual(['api']);
  });

  test('the switch gates are the Sync hook Jobs, not the PostSync smoke test', () => {
    expect(switchGates([...BLUE_GREEN, gate, postSync])).toEqual(['shop-smoke-test-api']);
  });

  test("Argo CD's folder holds only argoproj.io objects, and a Rollout makes an environment", () => {
    expect(argoCdOnly([object('Application', 'shop-dev')])).toBe(true);
    expect(argoCdOnly([object('Rollout', 'api')])).toBe(false);
    expect(argoCdOnly([])).toBe(false);
  });
});

describe('the release a rehearsal plays', () => {
  const args = (objects: KubeObject[]) => releaseSteps('staging', objects).steps.map((s) => [s.args.join(' '), s.sync !== undefined, s.minimum(3)]);

  test('with switch gates: the one-commit switch and the rollback, synced, gates passing, no dip', () => {
    expect(args([...BLUE_GREEN, gate])).toEqual([
      ['switch staging', true, 3],
      ['rollback staging', true, 3],
    ]);
    expect(releaseSteps('staging', [...BLUE_GREEN, gate]).steps.every((s) => s.gate?.gate === 'pass' && s.gate.traffic === 'moved')).toBe(true);
  });

  test('without: the two-step switch there and back, without a dip', () => {
    expect(args(BLUE_GREEN)).toEqual([
      ['switch staging --step scale', false, 3],
      ['switch staging --step route', false, 3],
      ['switch staging --step scale', false, 3],
      ['switch staging --step route', false, 3],
    ]);
  });

  test('nothing for Argo Rollouts or an environment without blue-green, and says why', () => {
    expect(releaseSteps('staging', [...BLUE_GREEN, object('Rollout', 'web')])).toMatchObject({
      steps: [],
      why: expect.stringContaining('Argo Rollouts'),
    });
    expect(releaseSteps('dev', [object('Deployment', 'api'), object('Service', 'api')])).toMatchObject({
      steps: [],
      why: expect.stringContaining('no blue-green'),
    });
  });
});
