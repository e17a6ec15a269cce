#!/usr/bin/env node
// Mutation testing, one lib/ folder at a time, so that each folder's score is known as soon as it is measured and a
// re-run after new tests is incremental per folder.
//
//   node scripts/mutation.mjs                 every folder of stryker.config.json's "mutate" list
//   node scripts/mutation.mjs data gate       only these folders
//   node scripts/mutation.mjs gate/policies    one file of a folder (its own report and incremental file, so a long
//                                              folder can be measured file by file and resumed)
//   node scripts/mutation.mjs --summary       print the per-folder table from the reports already written
//
// stryker.config.json stays the one authority for the runner's settings; this script only narrows "mutate" to one
// folder and gives every folder its own report (reports/mutation/<folder>.json) and incremental file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const base = JSON.parse(readFileSync(join(root, 'stryker.config.json'), 'utf8'));
const excluded = base.mutate.filter((pattern) => pattern.startsWith('!'));
const folders = base.mutate
  .filter((pattern) => !pattern.startsWith('!'))
  .map((pattern) => /^lib\/([^/]+)\//.exec(pattern)?.[1])
  .filter(Boolean);
const reportDir = join(root, 'reports', 'mutation');
/** A target: a folder (`gate`) or one file of it (`gate/policies`), with the file name its reports get. */
const targetOf = (name) => {
  const [folder, file] = name.split('/');
  return { name, folder, file, id: file === undefined ? folder : `${folder}--${file}` };
};

const args = process.argv.slice(2);
if (args.includes('--summary')) {
  console.log(summary());
  process.exit(0);
}
const targets = (args.length > 0 ? args : folders).map(targetOf);
const unknown = targets.filter(
  (t) => !folders.includes(t.folder) || (t.file !== undefined && !existsSync(join(root, 'lib', t.folder, `${t.file}.ts`))),
);
if (unknown.length > 0) {
  console.error(
    `error: unknown target(s) ${unknown.map((t) => t.name).join(', ')}; the folders are ${folders.join(', ')} (or <folder>/<file> for one file)`,
  );
  process.exit(1);
}
mkdirSync(reportDir, { recursive: true });
let failed = false;
for (const target of targets) {
  const config = {
    ...base,
    $schema: undefined,
    mutate: [target.file === undefined ? `lib/${target.folder}/**/*.ts` : `lib/${target.folder}/${target.file}.ts`, ...excluded],
    incrementalFile: join('reports', `stryker-incremental-${target.id}.json`),
    jsonReporter: { fileName: join('reports', 'mutation', `${target.id}.json`) },
    htmlReporter: { fileName: join('reports', 'mutation', `${target.id}.html`) },
  };
  const configFile = join(reportDir, `${target.id}.stryker.json`);
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const started = Date.now();
  console.log(`== lib/${target.name}`);
  const run = spawnSync('npx', ['stryker', 'run', configFile], { cwd: root, stdio: 'inherit' });
  console.log(`== lib/${target.name}: ${Math.round((Date.now() - started) / 1000)} s, exit ${run.status}`);
  failed ||= run.status !== 0;
}
console.log(summary());
process.exit(failed ? 1 : 0);

function summary() {
  const rows = [
    '| folder | mutants | killed | timeout | survived | no coverage | score | measured |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const total = { mutants: 0, Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
  for (const folder of folders) {
    // The folder's own report, else the reports of its files (measured one by one), whichever is newer per file.
    const reports = readdirSync(reportDir).filter(
      (f) => f === `${folder}.json` || (f.startsWith(`${folder}--`) && f.endsWith('.json') && !f.endsWith('.stryker.json')),
    );
    if (reports.length === 0) {
      rows.push(`| lib/${folder} | not run | | | | | | |`);
      continue;
    }
    const byFile = new Map();
    let newest = 0;
    for (const report of reports) {
      const mtime = statSync(join(reportDir, report)).mtimeMs;
      newest = Math.max(newest, mtime);
      for (const [file, { mutants }] of Object.entries(JSON.parse(readFileSync(join(reportDir, report), 'utf8')).files)) {
        if ((byFile.get(file)?.mtime ?? -1) < mtime) byFile.set(file, { mtime, mutants });
      }
    }
    const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
    for (const { mutants } of byFile.values()) {
      for (const { status } of mutants) {
        if (status in counts) counts[status] += 1;
      }
    }
    const mutants = counts.Killed + counts.Timeout + counts.Survived + counts.NoCoverage;
    for (const key of Object.keys(counts)) total[key] += counts[key];
    total.mutants += mutants;
    const sources = readdirSync(join(root, 'lib', folder)).filter((f) => f.endsWith('.ts') && !isExcluded(`lib/${folder}/${f}`));
    // A folder's own report is complete; measured file by file, it is complete when every file has a report.
    const fileReports = reports.filter((r) => r !== `${folder}.json`).length;
    const partial = !reports.includes(`${folder}.json`) && fileReports < sources.length ? ` (${fileReports} of ${sources.length} files)` : '';
    const day = new Date(newest).toISOString().slice(0, 10);
    rows.push(
      `| lib/${folder}${partial} | ${mutants} | ${counts.Killed} | ${counts.Timeout} | ${counts.Survived} | ${counts.NoCoverage} | ${score(counts)} | ${day} |`,
    );
  }
  rows.push(`| **all** | ${total.mutants} | ${total.Killed} | ${total.Timeout} | ${total.Survived} | ${total.NoCoverage} | ${score(total)} | |`);
  return rows.join('\n');
}

/** Whether stryker.config.json's "!" patterns leave a file out (they name files or `**` globs of index files). */
function isExcluded(file) {
  return excluded.some((pattern) => {
    const glob = pattern
      .slice(1)
      .replace(/[.]/g, '\\.')
      .replace(/\*\*\//g, '(.*/)?')
      .replace(/\*/g, '[^/]*');
    return new RegExp(`^${glob}$`).test(file);
  });
}

// Stryker's mutation score: detected (killed or timed out) over valid mutants (detected, survived, no coverage).
function score({ Killed, Timeout, Survived, NoCoverage }) {
  const valid = Killed + Timeout + Survived + NoCoverage;
  return valid === 0 ? '—' : `${((100 * (Killed + Timeout)) / valid).toFixed(1)} %`;
}
