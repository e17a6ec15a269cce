import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ManifestSet } from '../../lib/gate';
import { synthesizeEnvironments } from '../../lib/program';
import { RenderedEnvironment } from '../../lib/product/delivery-charts';
import { validator } from '../gate/fixtures';
import { testEnvironment } from '../util';

/**
 * synthesizeEnvironments holds one environment's objects at a time: the gate checks each environment before the next
 * is composed, and the shared charts get only what `shared.reads` keeps of each (issue 32: memory stopped growing with
 * every environment's objects).
 */
describe('synthesizeEnvironments, one environment at a time', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'synth-one-')), 'dist');
  });
  afterEach(() => {
    vi.restoreAllMocks();
    fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  });

  test('checks each environment before composing the next, and hands the shared charts only what reads keeps', () => {
    // GIVEN two environments of one ConfigMap each, a shared folder that reads the kinds only, and a gate that notes its checks
    const events: string[] = [];
    const gate = validator();
    const validate = gate.validate.bind(gate);
    vi.spyOn(gate, 'validate').mockImplementation((sets: Iterable<ManifestSet>) => validate(sets, (set) => events.push(`check ${set.environment}`)));
    let received: readonly RenderedEnvironment[] = [];
    // WHEN synthesised
    synthesizeEnvironments(
      outdir,
      [testEnvironment({ name: 'dev', critical: false }), testEnvironment({ name: 'test', critical: false })],
      (app, environment) => {
        events.push(`compose ${environment.name}`);
        const chart = new Chart(app, environment.name, { namespace: `shop-${environment.name}` });
        new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { level: 'info' } });
      },
      {
        validator: gate,
        shared: {
          folder: 'shared',
          compose: (app, environments) => {
            events.push('compose shared');
            received = environments;
            new Chart(app, 'shared');
          },
          reads: (objects) => objects.map((o) => ({ kind: o.kind })),
        },
      },
    );
    // THEN each environment was checked before the next was composed, the shared folder last
    expect(events).toEqual(['compose dev', 'check dev', 'compose test', 'check test', 'compose shared', 'check shared']);
    // AND the shared charts got what reads kept of each environment's objects, not the objects
    expect(received.map((r) => [r.environment.name, r.objects])).toEqual([
      ['dev', [{ kind: 'ConfigMap' }]],
      ['test', [{ kind: 'ConfigMap' }]],
    ]);
    // AND every environment was written whole
    expect(fs.readFileSync(path.join(outdir, 'dev', 'dev.k8s.yaml'), 'utf8')).toContain('level: info');
  });
});
