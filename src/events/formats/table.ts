import type { AuditEvent } from '../../core/event.js';
import { terminalSafe } from '../../core/sanitize.js';
import { fitWidths, formatRow, renderTable } from '../../ui/table.js';
import type { FormatFactory } from './format.js';

/** `projectID=12 version=1.4.0 …`: the request parameters in one short line for the table. */
export function paramSummary(params: Record<string, unknown>, max = 80): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${shortValue(v)}`);
  const text = parts.join(' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function shortValue(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

/** `2026-11-24 13:05:12Z`: seconds are enough to read; the ISO value is in every other format. */
export function shortTime(iso: string | null): string {
  return iso === null ? '-' : `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/**
 * Events stream, so the columns have fixed widths rather than measured ones. PARAMS takes what is left of
 * a terminal's width (all it needs when piped); only below its minimum are the widest others narrowed.
 */
const COLUMNS: { head: string; width: number; min: number }[] = [
  { head: 'TIME', width: 20, min: 20 },
  { head: 'ENTITY', width: 11, min: 7 },
  { head: 'QUERY', width: 30, min: 12 },
  { head: 'USER', width: 24, min: 10 },
  { head: 'CODE', width: 4, min: 4 },
  { head: 'PARAMS', width: 10, min: 10 },
];
const GAP = ' ';

function columnWidths(columns: number | undefined): number[] {
  const widths = COLUMNS.map((col) => col.width);
  if (columns === undefined) return [...widths.slice(0, -1), Number.POSITIVE_INFINITY];
  const fitted = fitWidths(
    widths,
    columns,
    GAP.length,
    COLUMNS.map((col) => col.min),
  );
  const others = fitted.slice(0, -1);
  const used = others.reduce((n, w) => n + w + GAP.length, 0);
  return [...others, Math.max(fitted.at(-1) as number, columns - used)];
}

export function eventTableCells(e: AuditEvent): string[] {
  return [
    shortTime(e.time),
    e.entity ?? '-',
    e.query,
    e.user ?? '-',
    e.outcome === null ? '-' : String(e.outcome),
    paramSummary(e.params),
  ];
}

/** Aligned columns for people: failed events in red; counts with a total row. */
export const create: FormatFactory = ({ color: c, columns }) => {
  const widths = columnWidths(columns);
  const row = (cells: string[]) => formatRow(cells, widths, { gap: GAP }).slice(0, -1);
  return {
    header: () => `${c.bold(row(COLUMNS.map((col) => col.head)))}\n`,
    event: (e) => {
      // Event fields are user-controlled: control sequences are shown escaped, never sent to the terminal.
      const line = row(eventTableCells(e).map((cell) => terminalSafe(cell)));
      return `${e.failed ? c.red(line) : line}\n`;
    },
    footer: () => '',
    counts: (total, groups) =>
      renderTable(
        [
          ...groups.map((g) => [terminalSafe(g.entity ?? '-'), terminalSafe(g.query), String(g.count)]),
          ['', 'total', String(total)],
        ],
        { head: ['ENTITY', 'QUERY', 'COUNT'], columns },
      ),
  };
};
