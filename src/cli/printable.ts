/**
 * What the CLI prints comes from outside (the server's bodies, status texts,
 * error messages): a control character in it would drive the terminal (ESC ]0;
 * retitles the window, ESC [2J clears it, a C1 CSI does the same on some
 * terminals) or, in `$(rx-bearer token)`, add lines to a header. Every
 * write goes through one of these.
 */

/**
 * C0 controls (tab, LF and CR are decided by the caller), DEL, C1 controls,
 * and the invisible formatting characters that reorder or hide text
 * (bidi overrides and isolates, zero-width characters, line and paragraph separators, BOM).
 */
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const hex = (char: string, width: number) => char.charCodeAt(0).toString(16).padStart(width, '0');
const escapeChar = (char: string) => (char.charCodeAt(0) < 0x100 ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`);

/**
 * `text` with every control character shown as an escape (`\x1b`, `\u202e`).
 * One line (messages): tab, CR and LF are escaped too. `lines` (a response
 * body): tab, LF and CR LF are kept, a lone CR (which overwrites a line) is not.
 */
export function printable(text: string, { lines = false } = {}): string {
  const escaped = text.replace(UNSAFE, escapeChar);
  return lines ? escaped.replace(/\r(?!\n)/g, '\\r') : escaped.replace(/[\t\n\r]/g, escapeChar);
}

/** JSON for a terminal: JSON.stringify escapes C0 controls already; C1 and formatting characters become `\u` escapes, so it stays valid JSON. */
export function printableJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE, (char) => `\\u${hex(char, 4)}`);
}
