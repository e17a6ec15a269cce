import * as fs from 'fs';
import * as path from 'path';

/** Every file under `dir` with its text, keyed by its path relative to `dir`: what the output-unchanged checks compare. */
export function readTree(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const full = path.join(e.parentPath, e.name);
        return [path.relative(dir, full), fs.readFileSync(full, 'utf8')];
      }),
  );
}
