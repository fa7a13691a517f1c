import { csvFormulaSafe } from '../sanitize.js';
import type { AuditEvent } from './event.js';

export type OutputFormat = 'table' | 'ndjson' | 'json' | 'csv';

export const CSV_COLUMNS = [
  'time',
  'entity',
  'query',
  'user',
  'outcome',
  'failed',
  'params',
  'sourceKey',
  'sourceLine',
] as const;

/**
 * One CSV field. Text a spreadsheet would run as a formula gets a leading `'` (and is quoted) unless
 * `raw`; numbers and booleans are written by this tool, not taken from event text, so they stay as is.
 */
export function csvCell(value: unknown, raw = false): string {
  const s = value === null || value === undefined ? '' : typeof value === 'string' ? value : String(value);
  const safe = raw || typeof value !== 'string' ? s : csvFormulaSafe(s);
  return safe !== s || /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(cells: unknown[], raw = false): string {
  return `${cells.map((c) => csvCell(c, raw)).join(',')}\r\n`;
}

export function eventCsvRow(e: AuditEvent, raw = false): string {
  return csvRow(
    [
      e.time,
      e.entity,
      e.query,
      e.user,
      e.outcome,
      e.failed,
      JSON.stringify(e.params),
      e.source.key,
      e.source.line,
    ],
    raw,
  );
}

function shortValue(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

/** `projectID=12 version=1.4.0 …`: the request parameters in one short line for the table. */
export function paramSummary(params: Record<string, unknown>, max = 80): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${shortValue(v)}`);
  const text = parts.join(' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `2026-11-24 13:05:12Z`: seconds are enough to read; the ISO value is in every other format. */
export function shortTime(iso: string | null): string {
  return iso === null ? '-' : `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

export const TABLE_HEAD = ['TIME', 'ENTITY', 'QUERY', 'USER', 'CODE', 'PARAMS'];

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

export interface CountGroup {
  entity: string | null;
  query: string;
  count: number;
}

/** Counts per entity and query, sorted by entity, then by count (largest first), then query name. */
export class EventCounter {
  private readonly groups = new Map<string, CountGroup>();
  total = 0;

  add(entity: string | undefined, query: string): void {
    this.total++;
    const k = `${entity ?? ''}\u0000${query}`;
    const g = this.groups.get(k);
    if (g) g.count++;
    else this.groups.set(k, { entity: entity ?? null, query, count: 1 });
  }

  sorted(): CountGroup[] {
    return [...this.groups.values()].sort(
      (a, b) =>
        (a.entity ?? '\uffff').localeCompare(b.entity ?? '\uffff') ||
        b.count - a.count ||
        a.query.localeCompare(b.query),
    );
  }
}
