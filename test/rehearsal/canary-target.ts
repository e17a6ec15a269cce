// The canary rehearsal's metrics target: a tiny HTTP server whose /metrics the test scripts, scraped by a real
// Prometheus in place of the API's pods (kwok runs no container). It serves OpenTelemetry's HTTP server metrics (the
// names the node-web API's `requests: 'opentelemetry'` indicator queries), one series set per pod-template hash, so
// the AnalysisTemplate's query selects exactly the release the test made good or bad.
// Hand-written: prom-client keeps one process-wide registry with live counters, while the test needs counters it
// advances per scrape and per hash; the exposition format is a few lines.
import * as http from 'http';
import type { AddressInfo } from 'net';

/** How a release's pods answer: `good` no server error, `bad` half of its requests a 503. */
export type Quality = 'good' | 'bad';

/** Requests a pod-template hash has answered so far, by status code. */
interface Counters {
  quality: Quality;
  ok: number;
  errors: number;
}

/** Requests per hash and scrape: with a 1 s scrape interval, 100 requests a second. */
const PER_SCRAPE = 100;

/** The exposition text of the counters (one histogram per status code: every request well under the 0.5 s objective). */
export function exposition(counters: ReadonlyMap<string, Counters>): string {
  const name = 'http_server_request_duration_seconds';
  const lines = [`# HELP ${name} Duration of HTTP server requests.`, `# TYPE ${name} histogram`];
  for (const [hash, c] of counters) {
    for (const [code, n] of [
      ['200', c.ok],
      ['503', c.errors],
    ] as const) {
      const labels = `rollouts_pod_template_hash="${hash}",http_response_status_code="${code}"`;
      for (const le of ['0.05', '+Inf']) lines.push(`${name}_bucket{${labels},le="${le}"} ${n}`);
      lines.push(`${name}_sum{${labels}} ${(n * 0.01).toFixed(2)}`, `${name}_count{${labels}} ${n}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The scripted target: `serve(hash, quality)` makes that release's pods answer well or badly from now on. */
export class MetricsTarget {
  private readonly counters = new Map<string, Counters>();
  private readonly server = http.createServer((req, res) => this.answer(req, res));

  /** Listens on a free port of 127.0.0.1; resolves to it. */
  public async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  public serve(hash: string, quality: Quality): void {
    const c = this.counters.get(hash);
    if (c) c.quality = quality;
    else this.counters.set(hash, { quality, ok: 0, errors: 0 });
  }

  public stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    for (const c of this.counters.values()) {
      const errors = c.quality === 'bad' ? PER_SCRAPE / 2 : 0;
      c.errors += errors;
      c.ok += PER_SCRAPE - errors;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(exposition(this.counters));
  }
}
