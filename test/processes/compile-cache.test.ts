import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * bin/compile-cache.js, the code cache eaf-cdk8s installs on Node 20: it takes only installed packages' JavaScript,
 * and a file whose contents changed runs as it is now, never from its cached code.
 */
const { cacheable } = require('../../bin/compile-cache') as { cacheable: (filename: string, content: string) => boolean };
const HOOK = path.resolve(__dirname, '..', '..', 'bin', 'compile-cache.js');

describe('the compile cache of eaf-cdk8s on Node 20', () => {
  test('takes the JavaScript of installed packages only: not a product file, not TypeScript, not a file with a hashbang', () => {
    const sep = path.sep;
    expect(cacheable(`${sep}p${sep}node_modules${sep}cdk8s${sep}lib${sep}index.js`, 'exports.a = 1;')).toBe(true);
    expect(cacheable(`${sep}p${sep}node_modules${sep}x${sep}index.cjs`, 'exports.a = 1;')).toBe(true);
    expect(cacheable(`${sep}p${sep}main.js`, 'exports.a = 1;')).toBe(false);
    expect(cacheable(`${sep}p${sep}node_modules${sep}x${sep}main.ts`, 'export const a = 1;')).toBe(false);
    expect(cacheable(`${sep}p${sep}node_modules${sep}x${sep}cli.js`, '#!/usr/bin/env node\nexports.a = 1;')).toBe(false);
  });

  test('GIVEN a cached package file WHEN its contents change THEN the next run runs the new contents, and a run after that too', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eaf-compile-cache-'));
    try {
      const file = path.join(dir, 'node_modules', 'dep', 'index.js');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const run = (): string =>
        execFileSync(process.execPath, ['-e', `require(${JSON.stringify(HOOK)}).installCompileCache(); console.log(require('dep').answer())`], {
          cwd: dir,
          env: { ...process.env, NODE_COMPILE_CACHE: path.join(dir, 'cache') },
          encoding: 'utf8',
        }).trim();
      fs.writeFileSync(file, 'exports.answer = () => "first";\n');
      expect(run()).toBe('first');
      const entries = fs.readdirSync(path.join(dir, 'cache'), { recursive: true }).filter((f) => String(f).endsWith('.bin'));
      expect(entries).toHaveLength(1);
      expect(run()).toBe('first');
      // The same size and the same modification time: only the contents tell.
      const { mtime } = fs.statSync(file);
      fs.writeFileSync(file, 'exports.answer = () => "other";\n');
      fs.utimesSync(file, mtime, mtime);
      expect(run()).toBe('other');
      expect(run()).toBe('other');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
