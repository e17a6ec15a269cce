/**
 * Regenerates the README's generated sections: the allowed network flows per environment (from the
 * same connection record the NetworkPolicies are derived from) and the validation gate's rules.
 * `npm run docs`; CI fails when the README is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { EafProductChart, loadEnvironmentDirectory, validationRulesTable } from '../lib';
import { dvmm } from '../main';

const root = path.join(__dirname, '..');
const readme = path.join(root, 'README.md');

/** Replaces the text between `<!-- <name>:start ... -->` and `<!-- <name>:end -->`. */
function fill(text: string, name: string, content: string): string {
  const start = text.indexOf(`<!-- ${name}:start`);
  const startEnd = text.indexOf('-->', start) + 3;
  const end = text.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < startEnd) throw new Error(`README.md lacks the markers <!-- ${name}:start --> ... <!-- ${name}:end -->`);
  return `${text.slice(0, startEnd)}\n${content}\n${text.slice(end)}`;
}

const sections = loadEnvironmentDirectory(path.join(root, 'environments'), dvmm).map(({ environment }) => {
  const chart = new EafProductChart(new App(), dvmm.name, { product: dvmm, environment });
  const rows = chart.networkPolicies.flows.map((f) => `| ${f.from} | ${f.to} | ${f.ports} | ${f.reason} |`);
  return [`#### ${environment.name}`, '', '| from | to | ports | why |', '| --- | --- | --- | --- |', ...rows].join('\n');
});

let text = fs.readFileSync(readme, 'utf8');
text = fill(text, 'network-flows', sections.join('\n\n'));
text = fill(text, 'validation-rules', validationRulesTable());
fs.writeFileSync(readme, text);
console.log(`README.md: network flows of ${sections.length} environments, validation rules`);
