import stringWidth from 'string-width';

/*
 * The one table renderer: the events table, the catalog, the --inspect and --count reports (and the
 * checks). Widths are display widths (string-width: CJK and most emoji take two columns, colour codes
 * none), and given a terminal's `columns`, a table narrows its widest columns until each line fits.
 */

const ELLIPSIS = '…';
const RESET = '\u001B[0m';
// CSI sequences (colours, cursor) and OSC sequences (hyperlinks).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
const ANSI = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)/y;
const segmenter = new Intl.Segmenter();

// Printable ASCII takes a column a character: no need to ask string-width (a streamed table of many
// thousand rows measures every cell).
const PLAIN_ASCII = /^[\x20-\x7E…]*$/;

/** Columns `text` takes on a terminal. */
export function displayWidth(text: string): number {
  return PLAIN_ASCII.test(text) ? text.length : stringWidth(text);
}

/** The width to fit a table into: the terminal's, when `stream` is one; otherwise none (never cut to fit). */
export function terminalColumns(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  return stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0
    ? stream.columns
    : undefined;
}

type Token = { ansi: string } | { text: string; width: number };

/** Colour codes (no width) and grapheme clusters (with theirs), in order. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let from = 0;
  const plain = (to: number) => {
    if (to <= from) return;
    for (const { segment } of segmenter.segment(text.slice(from, to))) {
      out.push({ text: segment, width: stringWidth(segment) });
    }
  };
  for (let i = text.indexOf('\u001B'); i !== -1; i = text.indexOf('\u001B', i + 1)) {
    ANSI.lastIndex = i;
    const m = ANSI.exec(text);
    if (!m) continue;
    plain(i);
    out.push({ ansi: m[0] });
    from = i + m[0].length;
    i = from - 1;
  }
  plain(text.length);
  return out;
}

const joinTokens = (tokens: Token[]) => tokens.map((t) => ('ansi' in t ? t.ansi : t.text)).join('');

/**
 * `text` cut to at most `width` columns, ending in `…` where something was cut. Colour codes are all
 * kept (those after the cut too), so a colour opened before the cut is still closed.
 */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (PLAIN_ASCII.test(text)) return width >= 1 ? `${text.slice(0, width - 1)}${ELLIPSIS}` : '';
  const room = width - 1;
  let used = 0;
  let cut = false;
  let out = '';
  for (const t of tokenize(text)) {
    if ('ansi' in t) out += t.ansi;
    else if (!cut && used + t.width <= room) {
      out += t.text;
      used += t.width;
    } else if (!cut) {
      cut = true;
      if (width >= 1) out += ELLIPSIS;
    }
  }
  return out;
}

/** `text` followed by spaces up to `width` columns (never cut). */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/**
 * `text` broken into lines of at most `width` columns: at the last space that fits where there is one,
 * inside a word where there is none. Colours carry over: a line that has seen colour codes ends with a
 * reset, and the next line starts with the codes seen so far.
 */
export function wrap(text: string, width: number): string[] {
  if (width < 1 || displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  const carried: string[] = [];
  let line: Token[] = [];
  let used = 0;
  const isSpace = (t: Token | undefined) => t !== undefined && !('ansi' in t) && t.text === ' ';
  let prefix = '';
  const emit = (tokens: Token[]) => {
    let end = tokens.length;
    while (end > 0 && isSpace(tokens[end - 1])) end--;
    for (const t of tokens) if ('ansi' in t) carried.push(t.ansi);
    lines.push(prefix + joinTokens(tokens.slice(0, end)) + (carried.length > 0 ? RESET : ''));
    prefix = carried.join('');
  };
  for (const t of tokenize(text)) {
    if ('ansi' in t || used + t.width <= width || used === 0) {
      line.push(t);
      if (!('ansi' in t)) used += t.width;
      continue;
    }
    let at = -1;
    for (let i = line.length - 1; i > 0; i--) {
      if (isSpace(line[i])) {
        at = i;
        break;
      }
    }
    // The head's colour codes are carried over; the tail keeps its own.
    const tail = at === -1 ? [] : line.slice(at + 1);
    emit(at === -1 ? line : line.slice(0, at));
    line = tail;
    used = tail.reduce((n, x) => n + ('ansi' in x ? 0 : x.width), 0);
    if (isSpace(t) && used === 0) continue;
    line.push(t);
    used += t.width;
  }
  lines.push(prefix + joinTokens(line));
  return lines;
}

/**
 * Column widths narrowed, widest first, until a row of them (with `gapWidth` between columns) fits in
 * `columns`, or every column is down to its minimum. Without `columns` the widths are kept as they are.
 * A width may be Infinity (a column nothing cuts unless the terminal must).
 */
export function fitWidths(
  widths: readonly number[],
  columns: number | undefined,
  gapWidth: number,
  minWidths: readonly number[] = [],
): number[] {
  const w = [...widths];
  if (columns === undefined) return w;
  const mins = w.map((x, i) => Math.min(x, minWidths[i] ?? DEFAULT_MIN));
  const available = columns - gapWidth * Math.max(0, w.length - 1);
  for (;;) {
    let i = -1;
    for (let k = 0; k < w.length; k++) {
      if ((w[k] as number) > (mins[k] as number) && (i === -1 || (w[k] as number) > (w[i] as number))) i = k;
    }
    if (i === -1) break;
    const others = w.reduce((n, x, k) => (k === i ? n : n + x), 0);
    if (others + (w[i] as number) <= available) break;
    const next = Math.max(0, ...w.filter((_x, k) => k !== i));
    const current = w[i] as number;
    const step = next < current ? next : current - 1;
    w[i] = Math.max(mins[i] as number, available - others, step);
  }
  return w;
}

const DEFAULT_MIN = 8;

export interface RowOptions {
  /** Between columns (default two spaces). */
  gap?: string;
  /** A cell wider than its column is cut with … (default) or wrapped onto further lines. */
  overflow?: 'truncate' | 'wrap';
}

/**
 * One row, each cell cut (or wrapped) to its column's width and padded to it, the last column unpadded;
 * the line(s) end with a newline and carry no trailing spaces.
 */
export function formatRow(
  cells: readonly string[],
  widths: readonly number[],
  opts: RowOptions = {},
): string {
  const gap = opts.gap ?? '  ';
  const last = widths.length - 1;
  if (opts.overflow === 'wrap') {
    const parts = widths.map((w, i) => wrap(cells[i] ?? '', w));
    const height = Math.max(1, ...parts.map((p) => p.length));
    let out = '';
    for (let j = 0; j < height; j++) {
      const line = widths.map((w, i) =>
        i === last ? (parts[i]?.[j] ?? '') : padEnd(parts[i]?.[j] ?? '', w),
      );
      out += `${line.join(gap).trimEnd()}\n`;
    }
    return out;
  }
  const line = widths.map((w, i) => {
    const cell = w === Number.POSITIVE_INFINITY ? (cells[i] ?? '') : truncate(cells[i] ?? '', w);
    return i === last ? cell : padEnd(cell, w);
  });
  return `${line.join(gap).trimEnd()}\n`;
}

export interface TableOptions extends RowOptions {
  /** Column headers; omitted when undefined. */
  head?: string[];
  /** Cap for any one column's width (default 60). */
  maxColumnWidth?: number;
  /** The width to fit into, usually `terminalColumns(stream)`; undefined: lines are as long as they are. */
  columns?: number | undefined;
  /** How narrow each column may become to fit `columns` (default 8, or its own width if less). */
  minWidths?: number[];
}

/** A column-aligned text table (colour codes in cells are allowed and take no width). */
export function renderTable(rows: readonly string[][], opts: TableOptions = {}): string {
  const max = opts.maxColumnWidth ?? 60;
  const all = opts.head ? [opts.head, ...rows] : rows;
  const cols = Math.max(0, ...all.map((r) => r.length));
  const natural = Array.from({ length: cols }, (_, i) =>
    Math.min(max, Math.max(0, ...all.map((r) => displayWidth(r[i] ?? '')))),
  );
  const widths = fitWidths(natural, opts.columns, displayWidth(opts.gap ?? '  '), opts.minWidths);
  return all.map((r) => formatRow(r, widths, opts)).join('');
}
