/**
 * Proves the generic network-policy tier can fail, for DVMM and for a product that does not look like it (the
 * API-only example): on a copy of the output, one declared flow is closed (a rule deleted from a rendered policy)
 * and, separately, one undeclared flow is opened (a rule added); each time the tier must fail and report exactly
 * that difference. The untouched copy must pass.
 *   node --import tsx test/netpol/verify-self-test.ts --netpolicy <bin> --work <dir>
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { main as apiOnly } from '../../examples/api-only/main';
import { main as dvmm } from '../../synth';
import { verifyNetworkPolicies } from '../../lib/program/verify-netpol';

const argv = process.argv.slice(2);
const netpolicy = argv[argv.indexOf('--netpolicy') + 1];
const work = argv[argv.indexOf('--work') + 1];
let failures = 0;

/** Rewrites the NetworkPolicy `name` of `<outdir>/<env>/` with `edit`. */
function tamper(outdir: string, env: string, name: string, edit: (policy: any) => void): void {
  const dir = path.join(outdir, env);
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const docs = parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((d) => d.toJS());
    const policy = docs.find((d) => d?.kind === 'NetworkPolicy' && d.metadata.name === name);
    if (!policy) continue;
    edit(policy);
    fs.writeFileSync(path.join(dir, file), docs.map((d) => stringify(d)).join('---\n'));
    return;
  }
  throw new Error(`no NetworkPolicy ${name} in ${dir}`);
}

function expect(label: string, outdir: string, env: string, missing: string[], unexpected: string[]): void {
  const [r] = verifyNetworkPolicies({ outdir, netpolicy, work: path.join(work, label), environments: [env] });
  const ok =
    !r.ok === missing.length + unexpected.length > 0 &&
    JSON.stringify(r.missing) === JSON.stringify(missing) &&
    JSON.stringify(r.unexpected) === JSON.stringify(unexpected);
  console.log(
    `${ok ? 'PASS' : 'FAIL'} ${label}: tier ${r.ok ? 'passed' : 'failed'}; missing ${JSON.stringify(r.missing)}; unexpected ${JSON.stringify(r.unexpected)}`,
  );
  if (!ok) {
    console.log(`  expected missing ${JSON.stringify(missing)}, unexpected ${JSON.stringify(unexpected)}`);
    failures += 1;
  }
}

function fresh(label: string, program: (o: { outdir: string; log: (l: string) => void }) => number): string {
  const outdir = path.join(work, `out-${label}`);
  if (program({ outdir, log: () => undefined }) !== 0) throw new Error(`${label} did not synthesise`);
  return outdir;
}

// The API-only product (no frontend, no Keycloak): close its declared egress to the chat API, then open its
// ingress to an unrelated namespace.
for (const [label, edit, missing, unexpected] of [
  ['api-only untouched', undefined, [], []],
  [
    'api-only with the chat egress closed',
    (p: any) => {
      p.spec.egress = p.spec.egress.filter((r: any) => r.to[0].ipBlock?.cidr !== '203.0.113.40/32');
    },
    ['orders-dev/app[Deployment] => 203.0.113.40/32 : TCP 443'],
    [],
  ],
  [
    'api-only with an undeclared ingress from namespace other',
    (p: any) => {
      p.spec.ingress.push({
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      });
    },
    [],
    ['other/pod-1[Pod] => orders-dev/app[Deployment] : TCP 8080'],
  ],
] as Array<[string, ((p: any) => void) | undefined, string[], string[]]>) {
  const outdir = fresh(label.replace(/\W+/g, '-'), (o) => apiOnly(o));
  if (edit) tamper(outdir, 'dev', label.includes('egress') ? 'app-egress' : 'app-ingress', edit);
  expect(label.replace(/\W+/g, '-'), outdir, 'dev', missing, unexpected);
}

// DVMM: close the frontend's ingress in production (outside-2 is the namespace standing in for the ingress
// controller's, labelled policy-group.network.openshift.io/ingress): public traffic, the smoke test and its switch gates
// (the same pod labels) lose it.
const dvmmOut = fresh('dvmm', (o) => dvmm(o));
tamper(dvmmOut, 'production', 'frontend-ingress', (p) => {
  p.spec.ingress = [];
});
expect(
  'dvmm-frontend-ingress-closed',
  dvmmOut,
  'production',
  [
    'dvmm-production/dvmm-smoke-test-api[Job] => dvmm-production/frontend-blue[Deployment] : TCP 8080',
    'dvmm-production/dvmm-smoke-test-api[Job] => dvmm-production/frontend-green[Deployment] : TCP 8080',
    'dvmm-production/dvmm-smoke-test-frontend[Job] => dvmm-production/frontend-blue[Deployment] : TCP 8080',
    'dvmm-production/dvmm-smoke-test-frontend[Job] => dvmm-production/frontend-green[Deployment] : TCP 8080',
    'dvmm-production/dvmm-smoke-test[Job] => dvmm-production/frontend-blue[Deployment] : TCP 8080',
    'dvmm-production/dvmm-smoke-test[Job] => dvmm-production/frontend-green[Deployment] : TCP 8080',
    'outside-2/pod-1[Pod] => dvmm-production/frontend-blue[Deployment] : TCP 8080',
    'outside-2/pod-1[Pod] => dvmm-production/frontend-green[Deployment] : TCP 8080',
  ],
  [],
);
console.log(
  failures === 0
    ? 'PASS verify self-test: the tier fails on a closed declared flow and an opened undeclared one'
    : `FAIL verify self-test: ${failures} cases`,
);
process.exitCode = failures === 0 ? 0 : 1;
