import { stripVTControlCharacters } from 'node:util';

export interface TableOptions {
  /** Column headers; omitted when undefined. */
  head?: string[];
  /** Cap for any one column's width; longer cells are cut with an ellipsis. */
  maxColumnWidth?: number;
  /** Separator between columns. */
  gap?: string;
}

function visibleWidth(s: string): number {
  return stripVTControlCharacters(s).length;
}

function fitCell(cell: string, width: number, max: number): string {
  let out = cell;
  if (visibleWidth(out) > max) {
    const plain = stripVTControlCharacters(out);
    out = `${plain.slice(0, Math.max(0, max - 1))}…`;
  }
  return out + ' '.repeat(Math.max(0, width - visibleWidth(out)));
}

/** A plain, column-aligned text table (ANSI colours in cells are allowed and ignored for width). */
export function renderTable(rows: string[][], opts: TableOptions = {}): string {
  const gap = opts.gap ?? '  ';
  const max = opts.maxColumnWidth ?? 60;
  const all = opts.head ? [opts.head, ...rows] : rows;
  const cols = Math.max(0, ...all.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, i) =>
    Math.min(max, Math.max(0, ...all.map((r) => visibleWidth(r[i] ?? '')))),
  );
  return all
    .map((r) =>
      widths
        .map((w, i) => fitCell(r[i] ?? '', i === cols - 1 ? 0 : w, max))
        .join(gap)
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
