// Fails when a YAML file reads differently as YAML 1.1 (PyYAML, so Ansible; SnakeYAML) and as YAML 1.2 (kubectl,
// Argo CD, Go's sigs.k8s.io/yaml): `node --import tsx scripts/check-yaml-readers.ts <folder or file>...`.
// `npm run check:dist` runs it on dist/ after the synth; test/gate/yaml-readers.test.ts on DVMM's dist/ and the examples'.
import * as fs from 'fs';
import * as path from 'path';
import { yamlReadingDifferences } from '../lib/gate/yaml-readers';

/** Every `.yaml`/`.yml` file under the paths, sorted. */
export function yamlFiles(paths: readonly string[]): string[] {
  return paths
    .flatMap((p) => (fs.statSync(p).isDirectory() ? fs.readdirSync(p, { recursive: true, encoding: 'utf8' }).map((f) => path.join(p, f)) : [p]))
    .filter((f) => /\.ya?ml$/.test(f) && fs.statSync(f).isFile())
    .sort();
}

/** `<file>: <difference>` for every difference in every YAML file under the paths. */
export function yamlReaderProblems(paths: readonly string[]): string[] {
  return yamlFiles(paths).flatMap((file) => yamlReadingDifferences(fs.readFileSync(file, 'utf8')).map((d) => `${file}: ${d}`));
}

if (require.main === module) {
  const paths = process.argv.slice(2);
  if (paths.length === 0) {
    console.error('usage: check-yaml-readers.ts <folder or file>...');
    process.exit(2);
  }
  const files = yamlFiles(paths);
  const problems = yamlReaderProblems(paths);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error(
      `FAIL: ${problems.length} difference(s) between the YAML 1.1 and 1.2 readings; ` +
        'quote those scalars (the writer, lib/program/yaml-output.ts, should have)',
    );
    process.exit(1);
  }
  console.log(`ok: ${files.length} YAML files read the same as YAML 1.1 and 1.2`);
}
