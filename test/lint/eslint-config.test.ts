import { ESLint } from 'eslint';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

/** The rules eslint.config.mjs reports for `code` as if it were the file `file` (relative to the repository). */
async function lint(code: string, file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.map((m) => `${m.line}: ${m.ruleId}: ${m.message}`);
}

/** A `test(...)` whose callback has `lines` lines (the opening and closing lines included), plus blank and comment lines. */
function testOf(lines: number): string {
  const body = Array.from({ length: lines - 2 }, (_, i) => `    expect(${i}).toBe(${i});\n\n    // a comment\n`).join('');
  return `  test('long', () => {\n${body}  });\n`;
}

describe('eslint.config.mjs', () => {
  test('a test of 60 lines passes, one of 61 fails; the describe around them and blank and comment lines do not count', async () => {
    expect(await lint(`describe('suite', () => {\n${testOf(60)}${testOf(60)}});\n`, 'test/example.test.ts')).toEqual([]);
    expect(await lint(`describe('suite', () => {\n${testOf(61)}});\n`, 'test/example.test.ts')).toEqual([
      '2: local/test-length: Test has too many lines (61). Maximum allowed is 60.',
    ]);
  });

  test('fails in lib/ on a line over 150 characters, a function over 60 lines and an explicit any', async () => {
    const body = Array.from({ length: 58 }, (_, i) => `  x += ${i};\n`).join('');
    const code = `export function f(x: any): number {\n${body}  return x + ${'1 + '.repeat(40)}1;\n}\n`;
    expect(await lint(code, 'lib/core/example.ts')).toEqual([
      "1: max-lines-per-function: Function 'f' has too many lines (61). Maximum allowed is 60.",
      '1: @typescript-eslint/no-explicit-any: Unexpected any. Specify a different type.',
      '60: max-len: This line has a length of 175. Maximum allowed is 150.',
    ]);
  });
});
