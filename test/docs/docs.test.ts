import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { scaffoldProduct } from '../../lib/program/scaffold';
import { brokenLinks } from '../../scripts/check-doc-links';
import { SKIP_MARKER, snippets } from '../../scripts/check-doc-snippets';
import { anchors, fences, markdownFiles, ROOT } from '../../scripts/markdown';
import { TUTORIAL, tutorialBlocks } from '../../scripts/tutorial-commands';

/** The docs' own checks (npm run check:docs) and what the README and the tutorial promise. */

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('the Markdown reader of the docs checks', () => {
  test('finds fenced blocks with their info string, first line and the marker on the line before', () => {
    // GIVEN a text with a marked ts block, a longer fence holding a shorter one, and a tilde fence
    const text = ['# T', '<!-- snippet: skip -->', '```ts', 'a();', '```', '````md', '```', 'x', '```', '````', '~~~sh', 'ls', '~~~'].join('\n');

    // WHEN its fences are read THEN there are three, the inner fence being text of the second
    expect(fences(text)).toEqual([
      { info: 'ts', text: 'a();', line: 3, marker: SKIP_MARKER },
      { info: 'md', text: '```\nx\n```', line: 6 },
      { info: 'sh', text: 'ls', line: 11 },
    ]);
  });

  test("gives headings GitHub's anchors: lower case, punctuation and code marks dropped, repeats numbered", () => {
    const text = ['## The CLI: `eaf-cdk8s`', '## Switch without a dip', '## Switch without a dip', '```', '# not a heading', '```'].join('\n');
    expect([...anchors(text)]).toEqual(['the-cli-eaf-cdk8s', 'switch-without-a-dip', 'switch-without-a-dip-1']);
  });
});

describe('the link check', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'doc-links-'));
    fs.mkdirSync(path.join(root, 'docs', 'how-to'), { recursive: true });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('fails a link to a missing file and to a missing heading, and passes good ones, web links and code', () => {
    // GIVEN a page with one good link, two broken ones, a web link and a link inside code
    fs.writeFileSync(path.join(root, 'docs', 'a.md'), '# A\n## Good part\n');
    const page = ['[ok](../a.md#good-part) [web](https://x.example) `[code](nowhere.md)`', '[gone](../b.md) [bad](../a.md#bad-part)'];
    fs.writeFileSync(path.join(root, 'docs', 'how-to', 'p.md'), page.join('\n'));

    // WHEN its links are checked THEN exactly the two broken ones are reported, with line and reason
    expect(brokenLinks('docs/how-to/p.md', root)).toEqual([
      'docs/how-to/p.md:2: ../b.md: docs/b.md does not exist in the repository',
      'docs/how-to/p.md:2: ../a.md#bad-part: docs/a.md has no heading with the anchor #bad-part',
    ]);
  });

  test("every relative link of the repository's docs resolves", () => {
    expect(markdownFiles().flatMap((file) => brokenLinks(file))).toEqual([]);
  });
});

describe('the snippet check', () => {
  test('compiles a block with imports as written, gives a fragment the prelude, and leaves a marked block out', () => {
    // GIVEN docs with a module snippet, a fragment and a skipped excerpt
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'doc-snippets-'));
    fs.mkdirSync(path.join(root, 'docs'));
    for (const file of ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md']) fs.writeFileSync(path.join(root, file), '# x\n');
    const page = [
      '```ts',
      "import { x } from '@eaf/cdk8s';",
      '```',
      '```typescript',
      'api.x();',
      '```',
      `<!-- ${SKIP_MARKER} -->`,
      '```ts',
      '...',
      '```',
    ];
    fs.writeFileSync(path.join(root, 'docs', 'p.md'), page.join('\n'));

    // WHEN the snippets are collected
    const found = snippets(['import { api } from "@eaf/cdk8s";'], root);
    fs.rmSync(root, { recursive: true, force: true });

    // THEN two are checked: the module as written, the fragment after the prelude and its context
    expect(found.map((s) => [s.file, s.line, s.prelude])).toEqual([
      ['docs/p.md', 1, 0],
      ['docs/p.md', 4, 4],
    ]);
    expect(found[0].source).toBe("import { x } from '@eaf/cdk8s';\nexport {};");
    expect(found[1].source.split('\n').slice(0, 2)).toEqual(['import { api } from "@eaf/cdk8s";', 'declare const chart: Chart;']);
  });
});

describe('the README', () => {
  test('is at most 200 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(200);
  });

  test("shows the product eaf-cdk8s init writes, as its main.ts is (the 20-line example is the scaffold's)", () => {
    // GIVEN a product scaffolded as in the README
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
    scaffoldProduct(path.join(folder, 'orders'), { name: 'orders', packageSpec: '0.2.0', tsx: false });
    const main = fs.readFileSync(path.join(folder, 'orders', 'main.ts'), 'utf8');
    fs.rmSync(folder, { recursive: true, force: true });

    // WHEN the README's TypeScript example is read THEN it is that main.ts, at most 20 lines
    const example = fences(read('README.md')).find((f) => f.info === 'ts')!;
    expect(`${example.text}\n`).toBe(main);
    expect(example.text.split('\n').length).toBeLessThanOrEqual(20);
  });
});

describe('the tutorial', () => {
  test('goes from init to a released, switched and rolled-back second tag, in that order', () => {
    // GIVEN the commands of the tutorial's sh blocks, as the consumer test runs them
    const commands = tutorialBlocks()
      .join('\n')
      .split('\n')
      .filter((line) => /eaf-cdk8s|npm /.test(line));

    // THEN they are the path from nothing to a rolled-back release, in order
    expect(commands).toEqual([
      'npx --yes --package @eaf/cdk8s eaf-cdk8s init orders',
      'npm install --no-audit --no-fund',
      'npm run synth',
      'npm test',
      'npx eaf-cdk8s verify dist',
      'npx eaf-cdk8s release staging api 0.2.0',
      'npx eaf-cdk8s diff',
      'npx eaf-cdk8s switch staging',
      'npx eaf-cdk8s switch staging',
      'npx eaf-cdk8s rollback staging',
    ]);
  });

  test('is what the consumer test runs: it reads the commands from the page, not from a copy', () => {
    const consumer = read('scripts/consumer-test.sh');
    expect(consumer).toContain('node --import tsx scripts/tutorial-commands.ts) >"$work/tutorial.sh"');
    expect(consumer).toMatch(/bash "\$work\/tutorial\.sh"/);
    expect(fs.existsSync(path.join(ROOT, TUTORIAL))).toBe(true);
  });
});

describe('the package', () => {
  test('ships the docs the README links to', () => {
    const files: string[] = JSON.parse(read('package.json')).files;
    expect(files).toContain('docs');
  });
});
