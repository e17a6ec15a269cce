// What a rehearsal reads from an output folder: its objects, the namespace of its workloads, its active Services.
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { KubeObject } from './kube';

/** The rendered objects of an environment folder (its `*.yaml` files). */
export function rendered(dir: string): KubeObject[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as KubeObject | null))
    .filter((o): o is KubeObject => o !== null);
}

/** The namespace of an environment's workloads (where its Deployments, or its Rollouts, are). */
export function workloadNamespace(objects: readonly KubeObject[]): string | undefined {
  return objects.find((o) => o.kind === 'Deployment' || o.kind === 'Rollout')?.metadata.namespace;
}

/** The active Services: those selecting a colour, but not the `-preview` ones nor the switch gate's `-next` ones. */
export function activeServices(objects: readonly KubeObject[]): string[] {
  return objects
    .filter((o) => o.kind === 'Service' && o.spec?.selector?.['eaf.io/color'] !== undefined && !/-(preview|next)$/.test(o.metadata.name))
    .map((o) => o.metadata.name);
}

/** Whether an environment is blue-green with Deployments (its active Services select a colour): the CLI's switch applies. */
export function blueGreenDeployments(objects: readonly KubeObject[]): boolean {
  return activeServices(objects).length > 0 && objects.some((o) => o.kind === 'Deployment');
}

/** Whether an environment runs Argo Rollouts (its release is the Rollouts controller's, not the CLI's switch). */
export function usesRollouts(objects: readonly KubeObject[]): boolean {
  return objects.some((o) => o.kind === 'Rollout');
}

/** The Argo CD hook annotation: the Sync-phase hooks are the switch gates (a smoke test per blue-green component). */
export const HOOK = 'argocd.argoproj.io/hook';

/** The names of the `Sync` hook Jobs: the switch gates an Argo CD sync awaits between a component's Deployments and its Services. */
export function switchGates(objects: readonly KubeObject[]): string[] {
  return objects
    .filter((o) => o.kind === 'Job' && (o.metadata.annotations?.[HOOK] ?? '').split(',').some((h) => h.trim() === 'Sync'))
    .map((o) => o.metadata.name);
}

/** Whether a folder holds only Argo CD's own objects (Applications, AppProjects: the `argocd/` folder), not an environment. */
export function argoCdOnly(objects: readonly KubeObject[]): boolean {
  return objects.length > 0 && objects.every((o) => String(o.apiVersion).startsWith('argoproj.io/') && o.kind !== 'Rollout');
}
