import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { EnvironmentConfig } from './environment';

/**
 * Writing every environment's manifests to `<outdir>/<environment>/`, all or nothing. This is
 * program code (it writes files); constructs never touch the file system.
 */

/** Every environment that failed to synthesise, with its error. */
export class SynthesisError extends Error {
  constructor(public readonly problems: string[]) {
    super(`synthesis failed:\n  ${problems.join('\n  ')}`);
    this.name = 'SynthesisError';
  }
}

/** Composes one environment's charts into its own cdk8s App. */
export type ComposeEnvironment = (app: App, environment: EnvironmentConfig) => void;

/**
 * Synthesises each environment into a staging folder beside `outdir`, and only when every one
 * succeeded replaces `outdir` with it. On failure `outdir` is left exactly as it was.
 *
 * @returns the written files, relative to `outdir`, sorted
 * @throws SynthesisError naming every environment that failed
 */
export function synthesizeEnvironments(outdir: string, environments: EnvironmentConfig[], compose: ComposeEnvironment): string[] {
  const target = path.resolve(outdir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}-staging-`));
  try {
    const problems: string[] = [];
    for (const environment of environments) {
      try {
        const app = new App({ outdir: path.join(staging, environment.name), yamlOutputType: YamlOutputType.FILE_PER_CHART });
        compose(app, environment);
        app.synth();
      } catch (e) {
        problems.push(`environment ${environment.name}: ${(e as Error).message}`);
      }
    }
    if (problems.length > 0) throw new SynthesisError(problems);
    replaceDirectory(staging, target);
    return listFiles(target);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Moves `source` to `target`, replacing what was there; `target` is never half-written. */
function replaceDirectory(source: string, target: string): void {
  const previous = `${source}-previous`;
  if (fs.existsSync(target)) fs.renameSync(target, previous);
  fs.renameSync(source, target);
  fs.rmSync(previous, { recursive: true, force: true });
}

function listFiles(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => entry.isDirectory() ? listFiles(root, path.join(dir, entry.name)) : [path.relative(root, path.join(dir, entry.name))])
    .sort();
}
