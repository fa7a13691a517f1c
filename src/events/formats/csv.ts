import type { AuditEvent } from '../event.js';
import type { FormatFactory } from './format.js';

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

export function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : typeof value === 'string' ? value : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** RFC 4180: cells quoted where needed, CRLF line ends. */
export function csvRow(cells: unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function eventCsvRow(e: AuditEvent): string {
  return csvRow([
    e.time,
    e.entity,
    e.query,
    e.user,
    e.outcome,
    e.failed,
    JSON.stringify(e.params),
    e.source.key,
    e.source.line,
  ]);
}

/** A header row and a row per event (params as JSON); the header alone when nothing matched. */
export const create: FormatFactory = () => {
  const header = () => csvRow([...CSV_COLUMNS]);
  return {
    header,
    event: eventCsvRow,
    footer: (written) => (written === 0 ? header() : ''),
    counts: (_total, groups) =>
      [csvRow(['entity', 'query', 'count']), ...groups.map((g) => csvRow([g.entity, g.query, g.count]))].join(
        '',
      ),
  };
};
