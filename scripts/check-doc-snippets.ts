/**
 * Type-checks every TypeScript snippet of the docs (```ts blocks of README.md, CONTRIBUTING.md and docs/**) against the
 * library, the way a product's `main.ts` imports it: `@eaf/cdk8s`, `@eaf/cdk8s/gate` and `@eaf/cdk8s/program` resolve
 * to this repository's `lib/`, with the compiler options of tsconfig.json. Each snippet is a module of its own.
 *
 * A snippet with no `import` of its own is a fragment: it is checked with every export of the three entries and of
 * cdk8s in scope, and with the names the docs use for what a fragment works on declared (`chart`, `api`, `realm`: see
 * FRAGMENT_CONTEXT). A snippet that cannot compile at all (an excerpt with `...`) is marked on the line before its fence
 * with `<!-- snippet: skip -->` and not checked; keep that rare (docs/README.md says so).
 * `node --import tsx scripts/check-doc-snippets.ts` (part of `npm run check:docs`); exit 1 with file:line: message.
 */
import * as path from 'path';
import * as fs from 'fs';
import * as ts from 'typescript';
import { fences, markdownFiles, ROOT } from './markdown';

export const SKIP_MARKER = 'snippet: skip';

/** What a fragment may use without declaring it: the names the docs give the chart and constructs they work on. */
const FRAGMENT_CONTEXT = ['declare const chart: Chart;', 'declare const api: EafApi;', 'declare const realm: KeycloakProps["realm"];'];

const ENTRIES: Record<string, string> = {
  '@eaf/cdk8s': 'lib/index.ts',
  '@eaf/cdk8s/gate': 'lib/gate/index.ts',
  '@eaf/cdk8s/program': 'lib/program/index.ts',
};

/** One snippet as a virtual file beside the repository's sources. */
export interface Snippet {
  readonly file: string;
  readonly line: number;
  readonly source: string;
  /** Lines added before the snippet's text (a fragment's imports and context). */
  readonly prelude: number;
}

/** `import { <every export> } from '<entry>'` lines for fragments, from the entries' own export lists. */
function preludeImports(program: ts.Program): string[] {
  const checker = program.getTypeChecker();
  const taken = new Set<string>();
  const entries: Array<[string, string]> = [['cdk8s', require.resolve('cdk8s').replace(/\.js$/, '.d.ts')], ...Object.entries(ENTRIES)];
  return entries.map(([spec, file]) => {
    const source = program.getSourceFile(path.resolve(ROOT, file));
    const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (symbol === undefined) throw new Error(`check-doc-snippets: cannot read the exports of ${file}`);
    const names = checker
      .getExportsOfModule(symbol)
      .map((s) => s.name)
      .filter((n) => n !== 'default' && !taken.has(n));
    names.forEach((n) => taken.add(n));
    return `import { ${names.join(', ')} } from '${spec}';`;
  });
}

/** The compiler options of tsconfig.json, with the package's entries mapped to lib/. */
function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const paths = Object.fromEntries(Object.entries(ENTRIES).map(([spec, file]) => [spec, [file]]));
  // noUnusedLocals off: a snippet may declare what it shows (`const db = ...`) without using it.
  return { ...parsed.options, noEmit: true, baseUrl: ROOT, paths, noUnusedLocals: false, types: ['node'] };
}

/** Every ```ts snippet of the docs, numbered, with a fragment's prelude added. */
export function snippets(prelude: readonly string[], root = ROOT): Snippet[] {
  return markdownFiles(root).flatMap((file) =>
    fences(fs.readFileSync(path.join(root, file), 'utf8'))
      .filter((f) => /^(ts|typescript)\b/.test(f.info) && f.marker !== SKIP_MARKER)
      .map((f) => {
        const own = /^\s*import\s/m.test(f.text);
        const head = own ? [] : [...prelude, ...FRAGMENT_CONTEXT];
        // `export {}` makes every snippet a module, so two snippets' top-level names never collide.
        return { file, line: f.line, source: [...head, f.text, 'export {};'].join('\n'), prelude: head.length };
      }),
  );
}

/** Type-checks the snippets; returns each problem as `file:line: message`. */
export function checkSnippets(): { count: number; problems: string[] } {
  const options = compilerOptions();
  const base = ts.createProgram(
    Object.values(ENTRIES).map((f) => path.join(ROOT, f)),
    options,
  );
  const found = snippets(preludeImports(base));
  const virtual = new Map(found.map((s, i) => [path.join(ROOT, `.doc-snippet-${i}.ts`), s]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists(f);
  host.readFile = (f) => virtual.get(f)?.source ?? readFile(f);
  host.getSourceFile = (f, language, ...rest) => {
    const snippet = virtual.get(f);
    return snippet === undefined ? getSourceFile(f, language, ...rest) : ts.createSourceFile(f, snippet.source, language);
  };
  const program = ts.createProgram([...virtual.keys()], options, host, base);
  const problems = [...virtual.entries()].flatMap(([name, snippet]) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(name)).map((d) => {
      const at = d.file !== undefined && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      // The snippet's first line is the line after its fence; prelude lines are reported at the fence.
      const line = snippet.line + Math.max(at - snippet.prelude + 1, 0);
      return `${snippet.file}:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    }),
  );
  return { count: found.length, problems };
}

if (require.main === module) {
  const { count, problems } = checkSnippets();
  problems.forEach((p) => console.error(p));
  if (problems.length > 0) {
    console.error(`check-doc-snippets: ${problems.length} problems in the docs' TypeScript snippets; fix the snippet (or the library)`);
    process.exitCode = 1;
  } else {
    console.log(`check-doc-snippets: ${count} TypeScript snippets of the docs compile against the library`);
  }
}
