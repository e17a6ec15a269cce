#!/usr/bin/env node
// Mutation testing, one lib/ folder at a time, so that each folder's score is known as soon as it is measured and a
// re-run after new tests is incremental per folder.
//
//   node scripts/mutation.mjs                 every folder of stryker.config.json's "mutate" list
//   node scripts/mutation.mjs data gate       only these folders
//   node scripts/mutation.mjs --summary       print the per-folder table from the reports already written
//
// stryker.config.json stays the one authority for the runner's settings; this script only narrows "mutate" to one
// folder and gives every folder its own report (reports/mutation/<folder>.json) and incremental file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const base = JSON.parse(readFileSync(join(root, 'stryker.config.json'), 'utf8'));
const excluded = base.mutate.filter((pattern) => pattern.startsWith('!'));
const folders = base.mutate
  .filter((pattern) => !pattern.startsWith('!'))
  .map((pattern) => /^lib\/([^/]+)\//.exec(pattern)?.[1])
  .filter(Boolean);
const reportDir = join(root, 'reports', 'mutation');
const reportOf = (folder) => join(reportDir, `${folder}.json`);

const args = process.argv.slice(2);
if (args.includes('--summary')) {
  console.log(summary());
  process.exit(0);
}
const unknown = args.filter((folder) => !folders.includes(folder));
if (unknown.length > 0) {
  console.error(`error: unknown folder(s) ${unknown.join(', ')}; the folders are ${folders.join(', ')}`);
  process.exit(1);
}
mkdirSync(reportDir, { recursive: true });
let failed = false;
for (const folder of args.length > 0 ? args : folders) {
  const config = {
    ...base,
    $schema: undefined,
    mutate: [`lib/${folder}/**/*.ts`, ...excluded],
    incrementalFile: join('reports', `stryker-incremental-${folder}.json`),
    jsonReporter: { fileName: join('reports', 'mutation', `${folder}.json`) },
    htmlReporter: { fileName: join('reports', 'mutation', `${folder}.html`) },
  };
  const configFile = join(reportDir, `${folder}.stryker.json`);
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const started = Date.now();
  console.log(`== lib/${folder}`);
  const run = spawnSync('npx', ['stryker', 'run', configFile], { cwd: root, stdio: 'inherit' });
  console.log(`== lib/${folder}: ${Math.round((Date.now() - started) / 1000)} s, exit ${run.status}`);
  failed ||= run.status !== 0;
}
console.log(summary());
process.exit(failed ? 1 : 0);

function summary() {
  const rows = ['| folder | mutants | killed | timeout | survived | no coverage | score | measured |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |'];
  const total = { mutants: 0, Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
  for (const folder of folders) {
    const file = reportOf(folder);
    if (!existsSync(file)) {
      rows.push(`| lib/${folder} | not run | | | | | | |`);
      continue;
    }
    const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
    for (const { mutants } of Object.values(JSON.parse(readFileSync(file, 'utf8')).files)) {
      for (const { status } of mutants) {
        if (status in counts) counts[status] += 1;
      }
    }
    const mutants = counts.Killed + counts.Timeout + counts.Survived + counts.NoCoverage;
    for (const key of Object.keys(counts)) total[key] += counts[key];
    total.mutants += mutants;
    const day = statSync(file).mtime.toISOString().slice(0, 10);
    rows.push(`| lib/${folder} | ${mutants} | ${counts.Killed} | ${counts.Timeout} | ${counts.Survived} | ${counts.NoCoverage} | ${score(counts)} | ${day} |`);
  }
  rows.push(`| **all** | ${total.mutants} | ${total.Killed} | ${total.Timeout} | ${total.Survived} | ${total.NoCoverage} | ${score(total)} | |`);
  return rows.join('\n');
}

// Stryker's mutation score: detected (killed or timed out) over valid mutants (detected, survived, no coverage).
function score({ Killed, Timeout, Survived, NoCoverage }) {
  const valid = Killed + Timeout + Survived + NoCoverage;
  return valid === 0 ? '—' : `${((100 * (Killed + Timeout)) / valid).toFixed(1)} %`;
}
