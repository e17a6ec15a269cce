// The canary rehearsal's product: examples/node-web as a product folder of its own, with its production environment
// (the one that releases canary through Argo Rollouts) set, through its settings only, to what the rehearsal can run.
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { Kube, kubectl } from '../../lib/program/rehearsal/kube';
import { apply, cli, Json, rendered } from './product';

const REPO = path.join(__dirname, '..', '..');
export const ENVIRONMENT = 'production';
export const NAMESPACE = 'shop-production';

/** What the rehearsal changes in `environments/production.yaml` (settings, not rendered YAML). */
export function rehearsalSettings(prometheusUrl: string): Record<string, unknown> {
  return {
    // The product's canary with short pauses and measurements (steps and the failure limit stay the product's): a
    // release is judged in seconds, not the product's 14 minutes. The analysis queries the rehearsal's Prometheus.
    'release.pause': '5s',
    'release.analysis.prometheusUrl': prometheusUrl,
    'release.analysis.interval': '5s',
    'release.analysis.count': 3,
    // Ingress instead of OpenShift Routes: the Routes' traffic goes through the argoproj-labs/openshift plugin,
    // which the module proxy here does not serve (403), so the rehearsal cannot run it. Without a traffic router the
    // Rollout weighs the canary by its pods, and the Services' selectors carry it, which is what is judged.
    // (The platform stays OpenShift: its EgressFirewall carries the example's egress by host name.)
    exposure: { kind: 'ingress', clusterIssuer: 'rehearsal' },
  };
}

/** examples/node-web copied to `<work>/shop` (main.ts importing this repository's library), production only, set. */
export function canaryProduct(work: string, prometheusUrl: string): string {
  const product = path.join(work, 'shop');
  fs.cpSync(path.join(REPO, 'examples', 'node-web'), product, { recursive: true });
  for (const f of fs.readdirSync(path.join(product, 'environments')))
    if (f !== `${ENVIRONMENT}.yaml`) fs.rmSync(path.join(product, 'environments', f)); // one environment: synth in a third of the time
  const main = path.join(product, 'main.ts');
  const text = fs.readFileSync(main, 'utf8');
  if (!text.includes("from '../../lib'")) throw new Error("examples/node-web/main.ts no longer imports from '../../lib'; adapt canary-product.ts");
  fs.writeFileSync(main, text.replace("from '../../lib'", `from ${JSON.stringify(path.join(REPO, 'lib'))}`));
  const file = path.join(product, 'environments', `${ENVIRONMENT}.yaml`);
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  if (doc.getIn(['release', 'strategy']) !== 'canary') throw new Error(`${file}: release.strategy is no longer canary`);
  for (const [key, value] of Object.entries(rehearsalSettings(prometheusUrl))) doc.setIn(key.split('.'), value);
  fs.writeFileSync(file, doc.toString());
  cli(product, ['synth']);
  return product;
}

/** The environment's rendered folder. */
export const outputOf = (product: string): string => path.join(product, 'dist', ENVIRONMENT);

/** The Argo CD Application of the environment, as rendered. */
function application(product: string): Json {
  const app = rendered(path.join(product, 'dist', 'argocd')).find((o) => o.kind === 'Application' && o.metadata.name.endsWith(`-${ENVIRONMENT}`));
  if (!app) throw new Error(`no Argo CD Application for ${ENVIRONMENT} in ${product}/dist/argocd`);
  return app;
}

/** How a release is applied. */
export type ApplyMode = 'client-side' | 'server-side (Argo CD)' | 'server-side (no ignoreDifferences)';

/** The value at an RFC 6901 pointer. */
const at = (object: Json, pointer: string): unknown =>
  pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Json)[key] : undefined), object);

/**
 * The rendered objects as Argo CD applies them with `RespectIgnoreDifferences=true`: each field of the Application's
 * `ignoreDifferences` keeps its live value (only the `/spec/selector/<key>` form the library renders is handled).
 */
export async function asArgoCdApplies(kube: Kube, product: string): Promise<Json[]> {
  const objects = rendered(outputOf(product));
  for (const rule of (application(product).spec.ignoreDifferences ?? []) as Json[]) {
    const object = objects.find((o) => o.kind === rule.kind && o.metadata.name === rule.name);
    if (!object) continue;
    const live = JSON.parse((await kubectl(kube, ['get', rule.kind, rule.name, '-n', NAMESPACE, '-o', 'json', '--ignore-not-found'])).stdout || '{}');
    for (const pointer of rule.jsonPointers as string[]) {
      const selector = /^\/spec\/selector\/([^/]+)$/.exec(pointer);
      if (!selector) continue;
      const value = at(live, pointer);
      if (typeof value === 'string') object.spec.selector[selector[1].replaceAll('~1', '/')] = value;
    }
  }
  return objects;
}

/** Applies the environment's output the way `mode` says. */
export async function applyAs(kube: Kube, product: string, mode: ApplyMode, work: string): Promise<void> {
  if (mode === 'client-side') return apply(kube, outputOf(product), 'client-side', work);
  const objects = mode === 'server-side (Argo CD)' ? await asArgoCdApplies(kube, product) : rendered(outputOf(product));
  const file = path.join(work, 'server-side.json');
  fs.writeFileSync(file, objects.map((o) => JSON.stringify(o)).join('\n'));
  // Argo CD's server-side sync forces conflicts (the fields the Rollouts controller took are taken back).
  await kubectl(kube, ['apply', '--server-side', '--force-conflicts', '--field-manager', 'argocd-controller', '-f', file]);
}
