#!/usr/bin/env node
// Mutation testing, one lib/ folder at a time, so that each folder's score is known as soon as it is measured and a
// re-run after new tests is incremental per folder.
//
//   node scripts/mutation.mjs                 every folder of stryker.config.json's "mutate" list
//   node scripts/mutation.mjs data gate       only these folders
//   node scripts/mutation.mjs gate/policies    one file of a folder (its own report and incremental file, so a long
//                                              folder can be measured file by file and resumed)
//   node scripts/mutation.mjs product/compose  a subfolder (and product/compose/data one file of it)
//   node scripts/mutation.mjs product/compose --tests 'test/product/*.test.ts,test/data/restore-drill.test.ts'
//                                              only these tests against each mutant (vitest globs; the mutation
//                                              set's include narrowed, a narrower set can only lower a score)
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
/**
 * A target: a folder (`gate`), a subfolder (`product/compose`) or one file of either (`gate/policies`), with its
 * glob and the file name its reports get (`gate--policies`).
 */
const targetOf = (name) => {
  const path = join(root, 'lib', name);
  const isFolder = existsSync(path) && statSync(path).isDirectory();
  const exists = isFolder || existsSync(`${path}.ts`);
  return { name, folder: name.split('/')[0], exists, glob: isFolder ? `lib/${name}/**/*.ts` : `lib/${name}.ts`, id: name.replace(/\//g, '--') };
};

const args = process.argv.slice(2);
if (args.includes('--summary')) {
  console.log(summary());
  process.exit(0);
}
const testsAt = args.indexOf('--tests');
const tests = testsAt === -1 ? undefined : args[testsAt + 1]?.split(/,(?![^{]*})/).filter(Boolean); // commas inside {a,b} globs belong to the glob
if (testsAt !== -1 && (tests === undefined || tests.length === 0)) {
  console.error("error: --tests needs a comma-separated list of test globs, e.g. --tests 'test/product/*.test.ts'");
  process.exit(1);
}
const names = args.filter((arg, i) => testsAt === -1 || (i !== testsAt && i !== testsAt + 1));
const targets = (names.length > 0 ? names : folders).map(targetOf);
const unknown = targets.filter((t) => !folders.includes(t.folder) || !t.exists);
if (unknown.length > 0) {
  console.error(
    `error: unknown target(s) ${unknown.map((t) => t.name).join(', ')}; the folders are ${folders.join(', ')} ` +
      '(or <folder>/<file> for one file, <folder>/<subfolder> for a subfolder)',
  );
  process.exit(1);
}
mkdirSync(reportDir, { recursive: true });
let failed = false;
for (const target of targets) {
  const config = {
    ...base,
    $schema: undefined,
    mutate: [target.glob, ...excluded],
    ...(tests === undefined ? {} : { vitest: { ...base.vitest, configFile: narrowedTests(target.id, tests) } }),
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

/**
 * A vitest config of the mutation set with its `include` narrowed to `tests`, beside the target's Stryker config
 * (reports/mutation/<id>.vitest.mts); returns its path relative to the repository.
 */
function narrowedTests(id, tests) {
  const file = join('reports', 'mutation', `${id}.vitest.mts`);
  const text = [
    "import { defineConfig } from 'vitest/config';",
    "import base from '../../vitest.mutation.config.mts';",
    '',
    '// Written by scripts/mutation.mjs --tests: the mutation set narrowed to these tests.',
    'export default defineConfig({',
    '  ...base,',
    "  root: new URL('../..', import.meta.url).pathname,",
    `  test: { ...base.test, include: ${JSON.stringify(tests)} },`,
    '});',
    '',
  ].join('\n');
  writeFileSync(join(root, file), text);
  return file;
}

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
    // Only the reports of files directly in the folder count (`<folder>--<file>.json`; a subfolder's have no such file).
    const fileReports = reports.filter((r) => existsSync(join(root, 'lib', folder, `${r.slice(folder.length + 2, -5)}.ts`))).length;
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
