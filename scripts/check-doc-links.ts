/**
 * Fails when a relative link of the docs (README.md, CONTRIBUTING.md, CHANGELOG.md, docs/**) names a file that does not
 * exist or an anchor its target file has no heading for. Links to web addresses are not fetched.
 * `node --import tsx scripts/check-doc-links.ts` (part of `npm run check:docs`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { anchors, markdownFiles, prose, ROOT } from './markdown';

/** Every broken relative link of one Markdown file, as `file:line: message`. */
export function brokenLinks(file: string, root = ROOT): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const problems: string[] = [];
  prose(text)
    .split('\n')
    .forEach((line, index) => {
      for (const match of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = match[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        const [relative, anchor] = target.split('#') as [string, string | undefined];
        const resolved = relative === '' ? file : path.normalize(path.join(path.dirname(file), decodeURIComponent(relative)));
        const where = `${file}:${index + 1}: ${target}`;
        if (resolved.startsWith('..') || !fs.existsSync(path.join(root, resolved))) {
          problems.push(`${where}: ${resolved} does not exist in the repository`);
          continue;
        }
        if (anchor === undefined || !resolved.endsWith('.md')) continue;
        if (!anchors(fs.readFileSync(path.join(root, resolved), 'utf8')).has(anchor)) {
          problems.push(`${where}: ${resolved} has no heading with the anchor #${anchor}`);
        }
      }
    });
  return problems;
}

if (require.main === module) {
  const files = markdownFiles();
  const problems = files.flatMap((file) => brokenLinks(file));
  problems.forEach((p) => console.error(p));
  if (problems.length > 0) {
    console.error(`check-doc-links: ${problems.length} broken links; fix the path or the anchor (headings give anchors as GitHub does)`);
    process.exitCode = 1;
  } else {
    console.log(`check-doc-links: every relative link of ${files.length} Markdown files resolves`);
  }
}
