// The repository's rehearsal products: DVMM and the examples as folders of their own whose main.ts imports this
// repository's library by path, and the in-process CLI that releases them. What a rehearsal does with an environment
// (apply it, compare it, play release steps) is the library's (lib/program/rehearsal/session.ts).
import * as fs from 'fs';
import * as path from 'path';
import { Kube } from '../../lib/program/rehearsal/kube';
import { inProcessCli } from '../../lib/program/rehearsal/main';
import { rendered as renderedObjects } from '../../lib/program/rehearsal/manifests';
import { apply as applyFolder, Mode, Rehearsal, RehearsedProduct, seconds } from '../../lib/program/rehearsal/session';

const REPO = path.join(__dirname, '..', '..');
type Json = Record<string, any>;

const log = (line: string): void => void process.stderr.write(`[rehearsal] ${line}\n`);

/**
 * A product as a folder of its own, synthesised (unless `reuse` finds it synthesised already): DVMM (the repository root, `name` dvmm) or an example
 * (`examples/<name>`), its main.ts importing this repository's library by path.
 */
function productCopy(work: string, name = 'dvmm', reuse = false): string {
  const source = name === 'dvmm' ? REPO : path.join(REPO, 'examples', name);
  const product = path.join(work, name);
  // A copy synthesised already (the plan's, scripts/rehearse.sh): kept, with what earlier control planes released.
  if (reuse && fs.existsSync(path.join(product, 'dist'))) return product;
  for (const folder of ['environments', 'realms']) {
    if (fs.existsSync(path.join(source, folder))) fs.cpSync(path.join(source, folder), path.join(product, folder), { recursive: true });
  }
  const main = fs.readFileSync(path.join(source, 'main.ts'), 'utf8');
  // `from './lib'` (DVMM), `from '../../lib'` and `'../../lib/program'` (the examples).
  const library = /from '(?:\.\.?\/)+lib(\/program)?'/g;
  if (!library.test(main)) throw new Error(`${source}/main.ts no longer imports the library by a relative path; adapt the rehearsal's product copy`);
  fs.writeFileSync(
    path.join(product, 'main.ts'),
    main.replace(library, (_, sub: string | undefined) => `from ${JSON.stringify(path.join(REPO, 'lib') + (sub ?? ''))}`),
  );
  cli(product, ['synth']);
  return product;
}

/** A product copy as the library's rehearsal sees it: DVMM unnamed in report lines, an example as `<name>/`. */
function rehearsed(product: string): RehearsedProduct {
  const name = path.basename(product);
  return { dir: product, outdir: path.join(product, 'dist'), label: name === 'dvmm' ? '' : `${name}/` };
}

/** Runs an eaf-cdk8s command in the product folder; its progress lines go to the log. */
const cli = inProcessCli(log, {}, (line, product) => line.replaceAll(product, '<dvmm>'));

/** A rehearsal on a control plane, with the in-process CLI. */
function rehearsal(kube: Kube, work: string): Rehearsal {
  return { kube, work, log, report: [], failures: [], cli };
}

/** The rendered objects of a folder, untyped (the canary rehearsal reads Rollouts and AnalysisRuns field by field). */
const rendered = (dir: string): Json[] => renderedObjects(dir) as unknown as Json[];

/** Applies a folder the way `oc apply` or a server-side apply does. */
const apply = (kube: Kube, dir: string, mode: Mode, work: string): Promise<void> => applyFolder(rehearsal(kube, work), dir, mode);

export { apply, cli, log, productCopy, rehearsal, rehearsed, rendered, seconds };
export type { Json, Mode };
