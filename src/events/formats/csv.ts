import type { AuditEvent } from '../../core/event.js';
import { csvFormulaSafe } from '../../core/sanitize.js';
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

/**
 * One CSV field. Text a spreadsheet would run as a formula gets a leading `'` (and is quoted) unless
 * `raw`; numbers and booleans are written by this tool, not taken from event text, so they stay as is.
 */
export function csvCell(value: unknown, raw = false): string {
  const s = value === null || value === undefined ? '' : typeof value === 'string' ? value : String(value);
  const safe = raw || typeof value !== 'string' ? s : csvFormulaSafe(s);
  return safe !== s || /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** RFC 4180: cells quoted where needed, CRLF line ends. */
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

/** A header row and a row per event (params as JSON); the header alone when nothing matched. */
export const create: FormatFactory = ({ csvRaw = false }) => {
  const header = () => csvRow([...CSV_COLUMNS]);
  return {
    header,
    event: (e) => eventCsvRow(e, csvRaw),
    footer: (written) => (written === 0 ? header() : ''),
    counts: (_total, groups) =>
      [
        csvRow(['entity', 'query', 'count']),
        ...groups.map((g) => csvRow([g.entity, g.query, g.count], csvRaw)),
      ].join(''),
  };
};
