/**
 * The generic network-policy tier on any output folder: every environment's NetworkPolicies, as the analyser
 * sees them, against the flow record synth wrote beside it (lib/program/verify-netpol.ts).
 *   node --import tsx test/netpol/verify.ts --netpolicy <bin> --work <dir> <outdir> [env...]
 */
import { formatNetpolResult, verifyNetworkPolicies } from '../../lib/program/verify-netpol';

const argv = process.argv.slice(2);
const take = (name: string) => {
  const i = argv.indexOf(name);
  if (i < 0 || argv[i + 1] === undefined) throw new Error(`usage: verify.ts --netpolicy <bin> --work <dir> <outdir> [env...] (missing ${name})`);
  return argv.splice(i, 2)[1];
};
const netpolicy = take('--netpolicy');
const work = take('--work');
const [outdir, ...environments] = argv;
const start = Date.now();
const results = verifyNetworkPolicies({ outdir, netpolicy, work, environments: environments.length > 0 ? environments : undefined });
for (const r of results) for (const line of formatNetpolResult(r)) console.log(line);
console.log(
  `${results.every((r) => r.ok) && results.length > 0 ? 'PASS' : 'FAIL'} flow records of ${outdir}: ${results.length} environments in ${((Date.now() - start) / 1000).toFixed(2)}s`,
);
process.exitCode = results.every((r) => r.ok) && results.length > 0 ? 0 : 1;
