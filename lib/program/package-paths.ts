import * as fs from 'fs';
import * as path from 'path';

/** The folder of this package (`@eaf/cdk8s`): found from here whether the code runs from `lib/`, `build/lib/` or `node_modules`. */
export const PACKAGE_ROOT: string = findPackageRoot(__dirname);

/** The upstream CRDs shipped with the package (`crds/`): what the gate checks custom resources against. */
export const PACKAGE_CRD_DIRECTORY: string = path.join(PACKAGE_ROOT, 'crds');

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === '@eaf/cdk8s') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json of @eaf/cdk8s above ${start}`);
  }
}
