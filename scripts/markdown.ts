/**
 * What the docs checks read from Markdown: the files, their fenced code blocks, their links and their headings' anchors.
 * Written by hand (about 60 lines) rather than with a Markdown parser: the repository has none of its own (markdown-it is
 * only typedoc's dependency, without types), and the checks need only CommonMark's fence rule, inline links and
 * GitHub's heading anchors, which these functions follow for the Markdown this repository writes.
 */
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..');

/** The Markdown a reader gets: README.md, CONTRIBUTING.md, CHANGELOG.md and docs/**, as paths relative to the root. */
export function markdownFiles(root = ROOT): string[] {
  const docs = fs
    .readdirSync(path.join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f));
  return ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...docs.sort()];
}

/** One fenced code block: its info string (`ts`, `sh title=x`), its text, the line of its opening fence (1-based). */
export interface Fence {
  readonly info: string;
  readonly text: string;
  readonly line: number;
  /** The HTML comment on the line before the fence, e.g. `<!-- snippet: skip -->`, without the comment marks. */
  readonly marker?: string;
}

/** Every fenced code block of a Markdown text (``` or ~~~, indented at most 3 spaces, closed by a fence as long or longer). */
export function fences(markdown: string): Fence[] {
  const lines = markdown.split('\n');
  const found: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]);
    if (open === null) continue;
    const [, fence, info] = open;
    const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !closing.test(lines[end])) end++;
    const marker = /^<!--\s*(.*?)\s*-->\s*$/.exec(lines[i - 1] ?? '')?.[1];
    found.push({ info: info.trim(), text: lines.slice(i + 1, end).join('\n'), line: i + 1, ...(marker === undefined ? {} : { marker }) });
    i = end;
  }
  return found;
}

/** The text with its fenced code blocks replaced by empty lines (so line numbers hold). */
function withoutFences(markdown: string): string[] {
  const lines = markdown.split('\n');
  for (const fence of fences(markdown)) {
    for (let i = fence.line - 1; i <= fence.line + fence.text.split('\n').length && i < lines.length; i++) lines[i] = '';
  }
  return lines;
}

/** The text outside fenced code blocks and inline code spans, line for line. */
export function prose(markdown: string): string {
  return withoutFences(markdown)
    .map((l) => l.replace(/(`+)[^`]*?\1/g, ''))
    .join('\n');
}

/** The anchors GitHub and GitLab give a file's headings: lower case, punctuation dropped, spaces to hyphens, -1, -2 for repeats. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of withoutFences(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const text = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}
