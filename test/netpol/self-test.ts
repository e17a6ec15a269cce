/**
 * Proves that the network-policy tier catches a connection added in code but not in the expected
 * matrix (`bash scripts/netpol.sh --self-test`).
 *
 * Builds DVMM production the way main.ts does, twice, into a temporary folder: `baseline` as is, and
 * `variant` with one more connection recorded in code (frontend -> dvmm-db:5432). The baseline must be
 * byte-identical to dist/production (so the program really builds what main.ts builds) and pass the
 * check; the variant must fail it, and the diff must consist of frontend -> dvmm-db connections only.
 *
 *   node --import tsx test/netpol/self-test.ts --netpolicy <bin> --work <dir>
 */
import * as fs from 'fs';
import * as path from 'path';
import { dvmm } from '../../main';
import { Connections, EafProductChart } from '../../lib';
import { loadEnvironmentDirectory, synthesizeEnvironments } from '../../lib/program';
import { checkEnvironment, parseConnection, REPO, report } from './check';

const ENV = 'production';

function synth(outdir: string, extraEdge: boolean): string {
  const environments = loadEnvironmentDirectory(path.join(REPO, 'environments'), dvmm)
    .map((f) => f.environment)
    .filter((e) => e.name === ENV);
  if (environments.length !== 1) throw new Error(`environments/${ENV}.yaml not found`);
  // As main.ts composes each environment (synthesizeProduct's default).
  synthesizeEnvironments(outdir, environments, (app, environment) => {
    const chart = new EafProductChart(app, dvmm.name, { product: dvmm, environment });
    if (extraEdge) Connections.of(chart).add({ from: chart.components.frontend, to: chart.databases.db, port: 5432, purpose: 'database' });
  });
  return path.join(outdir, ENV);
}

function sameFolder(a: string, b: string): string | undefined {
  const files = (d: string) =>
    fs
      .readdirSync(d)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
  if (files(a).join() !== files(b).join()) return `files differ: ${files(a).join(', ')} vs ${files(b).join(', ')}`;
  for (const f of files(a)) {
    if (!fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f)))) return `${f} differs`;
  }
  return undefined;
}

function main(argv: string[]): number {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    if (i < 0 || !argv[i + 1]) throw new Error(`usage: self-test.ts --netpolicy <bin> --work <dir> (missing ${name})`);
    return argv[i + 1];
  };
  const netpolicy = arg('--netpolicy');
  const work = arg('--work');
  const start = process.hrtime.bigint();
  const fail = (why: string, lines: string[] = []) => {
    for (const l of lines) console.log(l);
    console.log(`FAIL self-test: ${why}`);
    return 1;
  };

  const baseline = synth(path.join(work, 'synth-baseline'), false);
  const drift = sameFolder(baseline, path.join(REPO, 'dist', ENV));
  if (drift) {
    return fail(
      `the self-test program's ${ENV} (no extra edge) is not dist/${ENV} (${drift}): run npm run synth if dist is stale, else make test/netpol/self-test.ts compose the chart exactly as main.ts does`,
    );
  }
  const base = checkEnvironment({ env: ENV, manifests: baseline, netpolicy, work: path.join(work, 'baseline') });
  if (!base.ok) return fail(`the baseline (production without the extra edge) does not pass, so the self-test proves nothing`, report(base));

  const variant = synth(path.join(work, 'synth-variant'), true);
  const r = checkEnvironment({ env: ENV, manifests: variant, netpolicy, work: path.join(work, 'variant') });
  console.log(
    `variant: production + Connections.of(chart).add({ from: chart.components.frontend, to: chart.databases.db, port: 5432, purpose: 'database' })`,
  );
  const lines = report(r).map((l) => `  | ${l}`);
  if (r.ok) return fail('the comparison PASSED although a frontend -> dvmm-db edge was added in code', lines);
  const isNewEdge = (l: string) => {
    const c = parseConnection(l);
    return !!c && /\/frontend(-\w+)?\[/.test(c.src) && /\/dvmm-db-\d+\[Pod\]$/.test(c.dst) && c.conn === 'TCP 5432';
  };
  if (!r.unexpected.some(isNewEdge))
    return fail('the comparison failed, but its diff does not name a frontend -> dvmm-db TCP 5432 connection', lines);
  const other = [...r.unexpected.filter((l) => !isNewEdge(l)).map((l) => `+ ${l}`), ...r.missing.map((l) => `- ${l}`)];
  if (other.length > 0) return fail(`the diff holds more than the new edge: ${other.join(' | ')}`, lines);
  if (!r.problems.some((p) => p.includes('frontend -> any database'))) return fail('the denial "frontend -> any database" did not fire', lines);
  for (const l of lines) console.log(l);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `PASS self-test: the tier fails on the extra edge (${r.unexpected.length} new frontend -> dvmm-db connections in the diff, denial fired) and passes without it, ${seconds.toFixed(2)}s`,
  );
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`error: ${(e as Error).stack ?? e}`);
  process.exitCode = 2;
}
