import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizeProduct } from '../../lib/program';
import { terminalText } from '../../lib/program/terminal-text';
import { orders } from '../../examples/api-only/main';

const REPO = path.join(__dirname, '..', '..');

describe('terminalText', () => {
  test('writes every control character but newline and tab as its escape, and leaves other text alone', () => {
    expect(terminalText('a\u0000b\u001b[31mc\u007fd\u009be\tf\ng é ✓')).toBe('a\\x00b\\x1b[31mc\\x7fd\\u009be\tf\ng é ✓');
  });

  test('a key with NUL and ANSI escape bytes in an environment file reaches the terminal as text', () => {
    // GIVEN an environment file whose unknown key holds a NUL and a colour escape
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-text-'));
    const environments = path.join(tmp, 'environments');
    fs.cpSync(path.join(REPO, 'examples', 'api-only', 'environments'), environments, { recursive: true });
    fs.appendFileSync(path.join(environments, 'production.yaml'), '\n"bad\\0key\\e[2J": 1\n');
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => printed.push(line));
    try {
      // WHEN the product is synthesised with the default log
      const code = synthesizeProduct(orders, {
        environmentsDir: environments,
        outdir: path.join(tmp, 'dist'),
        crdDirectory: path.join(REPO, 'crds'),
      });
      // THEN it fails naming the key, escaped, and no raw control byte is printed
      expect(code).toBe(1);
      const text = printed.join('\n');
      expect(text).toContain('bad\\x00key\\x1b[2J: is not a known setting');
      expect([...text].filter((c) => c === '\u0000' || c === '\u001b')).toEqual([]);
    } finally {
      spy.mockRestore();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
