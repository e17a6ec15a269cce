// The canary rehearsal's own processes beside the control plane of scripts/rehearse.sh: a real Prometheus (built from
// the module promtool is built from) scraping the scripted metrics target, and the Argo Rollouts controller, both
// pinned and built by scripts/tools.sh (`bash scripts/tools.sh canary`).
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

/** A free TCP port of 127.0.0.1 (the machine is shared: no fixed port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A started process with its log file; `stop` ends it (SIGTERM, then SIGKILL after 10 s). */
export interface Started {
  readonly name: string;
  readonly log: string;
  stop(): Promise<void>;
}

function start(name: string, binary: string, args: readonly string[], work: string): { child: ChildProcess; started: Started } {
  if (!fs.existsSync(binary)) throw new Error(`${binary} is missing: run bash scripts/tools.sh canary`);
  const log = path.join(work, `${name}.log`);
  const out = fs.openSync(log, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, started: { name, log, stop } };
}

/** Polls `ready` every 250 ms until it is true; fails after `seconds` with the process's last log lines. */
async function until(what: Started, child: ChildProcess, seconds: number, ready: () => Promise<boolean>): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what.name} exited ${child.exitCode}: ${tail(what.log)}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() - t0 > seconds * 1000) throw new Error(`${what.name} not ready after ${seconds} s: ${tail(what.log)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const tail = (log: string): string => fs.readFileSync(log, 'utf8').split('\n').slice(-20).join('\n');

/** Prometheus on `port`, scraping the target every second as job `api` of `namespace` (the labels a PodMonitor gives). */
export async function startPrometheus(bin: string, work: string, port: number, target: number, namespace: string): Promise<Started> {
  const config = path.join(work, 'prometheus.yml');
  fs.writeFileSync(
    config,
    JSON.stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      scrape_configs: [{ job_name: 'api', static_configs: [{ targets: [`127.0.0.1:${target}`], labels: { namespace } }] }],
    }),
  );
  const { child, started } = start(
    'prometheus',
    path.join(bin, 'prometheus'),
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(work, 'prometheus-data')}`, `--web.listen-address=127.0.0.1:${port}`],
    work,
  );
  await until(started, child, 120, async () => (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok);
  return started;
}

/** The Argo Rollouts controller against the rehearsal's API server; ready when its healthz answers. */
export async function startRolloutsController(bin: string, work: string, kubeconfig: string): Promise<Started> {
  const [metrics, healthz] = [await freePort(), await freePort()];
  const { child, started } = start(
    'argo-rollouts',
    path.join(bin, 'argo-rollouts'),
    ['--kubeconfig', kubeconfig, '--leader-elect=false', `--metricsPort=${metrics}`, `--healthzPort=${healthz}`, '--loglevel', 'info'],
    work,
  );
  await until(started, child, 180, async () => (await fetch(`http://127.0.0.1:${healthz}/healthz`)).ok);
  return started;
}

/** One instant query of the Prometheus HTTP API: the first sample's value, or undefined. */
export async function instantQuery(port: number, query: string): Promise<number | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
  const first = body.data?.result?.[0];
  return first === undefined ? undefined : Number(first.value[1]);
}
