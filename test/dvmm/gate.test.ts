import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { EafProductChart } from '../../lib';
import { loadEnvironmentDirectory } from '../../lib/program';
import { formatFinding, ManifestSet } from '../../lib/gate';
import { dvmm } from '../../main';
import { validator } from '../gate/fixtures';

/** DVMM's real output: every `environments/*.yaml`, synthesised in-process as `npm run synth` does. */
function dvmmSets(): ManifestSet[] {
  const environments = loadEnvironmentDirectory(path.join(__dirname, '..', '..', 'environments'), dvmm).map((f) => f.environment);
  return environments.map((environment) => ({
    environment: environment.name,
    critical: environment.critical ?? false,
    allowedRegistries: environment.registries,
    objects: Testing.synth(new EafProductChart(new App({ outdir: '/nonexistent' }), 'dvmm', { product: dvmm, environment, environments })),
  }));
}

describe('the gate over DVMM as synthesised today', () => {
  const sets = dvmmSets();
  const report = validator().validate(sets);

  test('validates every object of every environment', () => {
    expect(sets.map((s) => s.environment)).toEqual(['dev', 'production', 'staging']);
    expect(sets.every((s) => s.objects.length > 20)).toBe(true);
  });

  test('finds nothing invalid or insecure: every rule passes with no waiver at all', () => {
    expect(sets.every((s) => (s.allowedRegistries ?? []).length > 0)).toBe(true);
    expect(report.findings.map(formatFinding)).toEqual([]);
    // PostgreSQL's <major>.<minor> tags (16.10) are released versions for the gate: no waiver needed
    expect(report.waivers).toEqual([]);
  });
});
