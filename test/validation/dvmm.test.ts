import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { loadEnvironmentDirectory } from '../../lib';
import { formatFinding, ManifestSet } from '../../lib/validation';
import { dvmmChart, loadDvmmRealm } from '../../main';
import { validator } from './fixtures';

/** DVMM's real output: every `environments/*.yaml`, synthesised in-process as `npm run synth` does. */
function dvmmSets(): ManifestSet[] {
  const realm = loadDvmmRealm();
  return loadEnvironmentDirectory(path.join(__dirname, '..', '..', 'environments')).map((environment) => ({
    environment: environment.name,
    critical: environment.critical ?? false,
    allowedRegistries: environment.registries,
    objects: Testing.synth(dvmmChart(new App({ outdir: '/nonexistent' }), environment, realm)),
  }));
}

describe('the gate over DVMM as synthesised today', () => {
  const sets = dvmmSets();
  const report = validator().validate(sets);

  test('validates every object of every environment', () => {
    expect(sets.map((s) => s.environment)).toEqual(['dev', 'production', 'staging']);
    expect(sets.every((s) => s.objects.length > 20)).toBe(true);
  });

  test('finds nothing invalid or insecure: every rule passes, with the documented waivers only', () => {
    expect(sets.every((s) => (s.allowedRegistries ?? []).length > 0)).toBe(true);
    expect(report.findings.map(formatFinding)).toEqual([]);
    // the PostgreSQL tag of production's clusters is waived in code, with its reason (EafProductChart)
    expect(report.waivers.map((w) => `${w.environment}: ${w.object}: ${w.rule}`)).toEqual([
      'production: Cluster/dvmm-production/dvmm-db: image-tag-pinned',
      'production: Cluster/dvmm-production/keycloak-db: image-tag-pinned',
    ]);
  });
});
