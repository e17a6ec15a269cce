// kubectl against a rehearsal's control plane (scripts/rehearse.sh), and what a rehearsal reads back from it.
import { execFile } from 'child_process';

/** The control plane: kubectl's binary and the kubeconfig. */
export interface Kube {
  readonly kubectl: string;
  readonly kubeconfig: string;
}

/** The fields of a Kubernetes object a rehearsal reads (rendered or live); the rest stays unread. */
export interface KubeObject {
  readonly [field: string]: unknown;
  readonly apiVersion?: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly generation?: number;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec?: {
    readonly [field: string]: unknown;
    readonly replicas?: number;
    /** A Service's selector (a Deployment's is an object of its own; read through `eaf.io/color` only). */
    readonly selector?: Readonly<Record<string, unknown>>;
    readonly template?: {
      readonly [field: string]: unknown;
      readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
    };
  };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly updatedReplicas?: number;
    readonly readyReplicas?: number;
    readonly availableReplicas?: number;
    readonly conditions?: ReadonlyArray<{ readonly type: string; readonly status: string }>;
  };
  /** An EndpointSlice's endpoints. */
  readonly endpoints?: ReadonlyArray<{ readonly conditions?: { readonly ready?: boolean }; readonly targetRef?: { readonly name?: string } }>;
}

/** Runs kubectl (5 minutes at most: the machine may be loaded); rejects with its stderr on a non-zero exit. */
export function kubectl(kube: Kube, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      kube.kubectl,
      ['--kubeconfig', kube.kubeconfig, ...args],
      { maxBuffer: 256 * 1024 * 1024, timeout: 300_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || error.message}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** The items of `kubectl get <what> -o json`. */
export async function getItems(kube: Kube, args: readonly string[]): Promise<KubeObject[]> {
  const { stdout } = await kubectl(kube, ['get', ...args, '-o', 'json']);
  const parsed = JSON.parse(stdout) as { kind?: string; items?: KubeObject[] };
  return parsed.kind === 'List' || Array.isArray(parsed.items) ? (parsed.items ?? []) : [parsed as KubeObject];
}

/** What a Service selects right now: its ready endpoints and the colours of the pods behind them. */
export interface ServiceSample {
  readonly ready: number;
  readonly colors: readonly string[];
}

/** A pod's colour from its name (`<component>-<colour>-<hash>-<id>`, the Deployment `<component>-<colour>`). */
const colorOf = (podName: string): string => /-(blue|green)-[a-z0-9]+-[a-z0-9]+$/.exec(podName)?.[1] ?? `unknown:${podName}`;

/** Ready endpoints per Service of `services`, from their EndpointSlices (one kubectl call). */
export async function sampleServices(kube: Kube, namespace: string, services: readonly string[]): Promise<Map<string, ServiceSample>> {
  const slices = await getItems(kube, ['endpointslices', '-n', namespace]);
  const out = new Map<string, ServiceSample>();
  for (const service of services) {
    const endpoints = slices.filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === service).flatMap((s) => s.endpoints ?? []);
    // EndpointSlice API: a nil `ready` is to be read as ready.
    const ready = endpoints.filter((e) => e.conditions?.ready !== false);
    out.set(service, { ready: ready.length, colors: [...new Set(ready.map((e) => colorOf(String(e.targetRef?.name))))].sort() });
  }
  return out;
}

/** Every Deployment of the namespace rolled out: updated, ready and available at its size, no pod of an old one left. */
export async function deploymentsSettled(kube: Kube, namespace: string): Promise<string[]> {
  const deployments = await getItems(kube, ['deployments', '-n', namespace]);
  return deployments.flatMap((d) => {
    const want = d.spec?.replicas ?? 1;
    const s = d.status ?? {};
    const settled =
      (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
      (s.replicas ?? 0) === want &&
      (s.updatedReplicas ?? 0) === want &&
      (s.readyReplicas ?? 0) === want &&
      (s.availableReplicas ?? 0) === want;
    return settled ? [] : [`${d.metadata.name} (${s.readyReplicas ?? 0}/${want} ready, ${s.replicas ?? 0} pods)`];
  });
}

/** Polls `check` (a list of what is not there yet) until it is empty; fails after `seconds` naming what is missing. */
export async function waitFor(what: string, seconds: number, check: () => Promise<string[]>): Promise<number> {
  const start = Date.now();
  for (;;) {
    const missing = await check();
    if (missing.length === 0) return (Date.now() - start) / 1000;
    if (Date.now() - start > seconds * 1000) throw new Error(`${what}: not there after ${seconds} s: ${missing.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
