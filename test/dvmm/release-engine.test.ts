import * as fs from 'fs';
import * as path from 'path';

import { synthStaging } from './engine-variant';

describe('DVMM staging released canary by Argo Rollouts (a copy of environments/)', () => {
  const runs: string[] = [];
  afterAll(() => runs.forEach((dist) => fs.rmSync(path.dirname(dist), { recursive: true, force: true })));

  test('synthesises through the gate a Rollout with steps per component and an AnalysisTemplate each, and no Deployment or PostSync Job', () => {
    // GIVEN staging with `release: { strategy: canary, engine: argo-rollouts }` WHEN the program runs (gate included)
    const { code, lines, dist, objects } = synthStaging('release: { strategy: canary, engine: argo-rollouts }\n');
    runs.push(dist);
    expect([code, lines.filter((l) => l.includes('staging') && /error|\[/.test(l))]).toEqual([0, []]);
    const of = (kind: string) => objects.filter((o) => o.kind === kind);
    expect(of('Rollout').map((o) => o.metadata.name)).toEqual(['api', 'frontend']);
    expect(of('AnalysisTemplate').map((o) => o.metadata.name)).toEqual(['api-preview', 'frontend-preview']);
    expect(of('Deployment').concat(of('Job'))).toEqual([]);
    const api = of('Rollout')[0];
    expect(api.spec.strategy.canary.steps.map((s: any) => Object.keys(s)[0])).toEqual([
      'setWeight',
      'pause',
      'analysis',
      'setWeight',
      'pause',
      'analysis',
      'setWeight',
    ]);
    expect(api.spec.strategy.canary.trafficRouting).toEqual({ plugins: { 'argoproj-labs/openshift': { routes: ['api'] } } });
    expect(api.spec.template.spec.containers[0].image).toBe('registry.eaf.example.com/dvmm/api:1.5.0');
    // the other environments are untouched: still the services engine
    const production = fs.readFileSync(path.join(dist, 'production', 'dvmm.k8s.yaml'), 'utf8');
    expect(production).toContain('name: api-blue');
    expect(production).not.toContain('kind: Rollout');
  });

  test('fails for canary with the services engine, naming release.engine, and writes nothing', () => {
    const { code, lines, dist } = synthStaging('release: { strategy: canary, engine: services }\n');
    runs.push(dist);
    expect(code).toBe(1);
    expect(fs.existsSync(dist)).toBe(false);
    expect(lines.join('\n')).toContain('release.engine: must be argo-rollouts for a canary release (got "services")');
  });
});
