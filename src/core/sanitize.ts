/**
 * Event text comes from a SaaS and is user-controlled: a project name or object key can carry
 * ESC [2J (clear the screen), OSC 52 (write the clipboard), OSC 8 (a disguised link), OSC 0 (the
 * window title), C1 controls (0x9b is a one-byte CSI on some terminals) or bidi overrides that make
 * text read differently than it is. Everything meant for people passes through `terminalSafe` first;
 * machine formats (ndjson, json) keep the exact value.
 *
 * Escaping the introducer (ESC, 0x9b, 0x9d …) is enough to neutralise a whole sequence: what follows
 * it is plain printable text and stays visible, so the reader can see what the event tried to do.
 *
 * Choices:
 *  - Backslashes are not doubled: `CORP\alice` stays readable. A literal `\x1b` in the data therefore
 *    looks like an escaped ESC; the exact value is in `--output ndjson`.
 *  - Besides the bidi embeddings/overrides/isolates (U+202A–U+202E, U+2066–U+2069), the invisible
 *    direction marks U+200E, U+200F and U+061C are escaped too: they reorder neighbouring neutral
 *    characters (digits, punctuation) without being seen, and real audit values do not need them.
 *  - U+2028/U+2029 (some terminals break lines on them), U+FEFF and lone surrogates are escaped;
 *    zero-width joiners (emoji sequences) and ordinary non-ASCII text are kept.
 */

// C0 controls, DEL, C1 controls, direction marks/overrides/isolates, line/paragraph separators, BOM,
// and UTF-16 surrogates that are not part of a pair.
// Built from a string: a regex literal with control characters in it trips the linter.
const UNSAFE = new RegExp(
  '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029\\ufeff]' +
    '|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]',
  'g',
);

const NAMED: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\n': '\\n' };

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface TerminalSafeOptions {
  /** Keep `\n` (and `\r\n`) as line breaks: for multi-line messages. Table cells escape them. */
  newlines?: boolean;
}

/** `text` with every character that could steer a terminal (or hide what it shows) escaped and visible. */
export function terminalSafe(text: string, opts: TerminalSafeOptions = {}): string {
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(text)) return text;
  const keep = opts.newlines === true;
  return text.replace(UNSAFE, (ch, offset: number) => {
    if (keep && (ch === '\n' || (ch === '\r' && text[offset + 1] === '\n'))) return ch;
    return escapeOne(ch);
  });
}

// OWASP "CSV injection": spreadsheets run a cell starting with one of these as a formula.
const FORMULA_START = /^[=+\-@\t\r]/;

/** A CSV field's text with a leading `'` when a spreadsheet would read it as a formula. */
export function csvFormulaSafe(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
