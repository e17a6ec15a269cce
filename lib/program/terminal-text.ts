/**
 * Text as a terminal may show it: every control character except newline and tab is written as its escape (`\x1b`,
 * `\x00`, `\u009b`), so a key, file name or value someone typed can neither hide part of a message nor drive the
 * terminal (colours, cursor moves, a cleared screen). Written by hand: Node's `util.inspect` escapes these only
 * inside a quoted string, and these lines are not strings of code. Applied at the program's sinks, the one place
 * every line passes.
 */
export function terminalText(text: string): string {
  let shown = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    shown += isControl(code) ? (code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`) : c;
  }
  return shown;
}

/** C0 controls except tab (09) and newline (0a), DEL, and the C1 controls (U+0080 to U+009F, e.g. the one-byte CSI U+009B). */
function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f);
}
