import type { AuditEvent } from '../../core/event.js';
import type { CountGroup } from '../count.js';
import { readFacts, toEvent } from '../normalize.js';
import { RECORD_COLUMNS, SOURCE_COLUMN } from './sql.js';

/**
 * Query result rows back into the shapes the local engine produces. Pure. A row is the text of its
 * cells in select order (Athena's GetQueryResults gives VarCharValue, or nothing for NULL).
 */
export type Cell = string | null;

/** `s3://bucket/some/key.jsonl.gz` → `some/key.jsonl.gz`; anything else is kept as it is. */
export function keyOfS3Path(path: string): string {
  const m = /^s3a?:\/\/[^/]+\/(.*)$/.exec(path);
  return m ? (m[1] as string) : path;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The native record a row was read from, as far as the table's columns hold it: NULL columns are left
 * out (an absent field and a JSON null read the same), an all-digit responseCode becomes a number again
 * (the table declares it a string so that "error"-like codes stay readable), fields the table does not
 * declare are gone. Key order is the native export's.
 */
export function rowToRecord(row: readonly Cell[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  RECORD_COLUMNS.forEach((c, i) => {
    const v = row[i];
    if (v === null || v === undefined) return;
    switch (c.kind) {
      case 'number': {
        const n = Number(v);
        record[c.name] = v.trim() !== '' && Number.isFinite(n) ? n : v;
        break;
      }
      case 'code':
        record[c.name] = /^\d{1,15}$/.test(v) ? Number(v) : v;
        break;
      case 'json':
        record[c.name] = parseJson(v);
        break;
      default:
        record[c.name] = v;
    }
  });
  return record;
}

export interface RowEventOptions {
  redact: boolean;
  /** Turns the source path column into the key events report (default: keyOfS3Path). */
  keyOf?: (path: string) => string;
}

/**
 * The normalized event of one events-query row, through the same readFacts/toEvent the local engine
 * uses (redaction included); undefined when the record has no usable query name. Athena cannot tell
 * a record's line number: `source.line` is 0.
 */
export function rowToEvent(row: readonly Cell[], opts: RowEventOptions): AuditEvent | undefined {
  const record = rowToRecord(row);
  const facts = readFacts(record);
  if (!facts) return undefined;
  const path = row[RECORD_COLUMNS.length] ?? '';
  const key = (opts.keyOf ?? keyOfS3Path)(path);
  return toEvent(facts, record, { key, line: 0 }, { redact: opts.redact });
}

/** The column names an events-query result has, in order (to check a result's header row). */
export const EVENT_ROW_COLUMNS: readonly string[] = [...RECORD_COLUMNS.map((c) => c.name), SOURCE_COLUMN];

/** One row of a --count query (entity, query, count) as a CountGroup. */
export function rowToCountGroup(row: readonly Cell[]): CountGroup {
  const [entity, query, count] = row;
  const n = Number(count);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`unexpected count "${count}" in a result row`);
  return { entity: entity === null || entity === undefined ? null : entity, query: query ?? '', count: n };
}

/** The order EventCounter.sorted() gives: entity, then count (largest first), then query name. */
export function sortCountGroups(groups: CountGroup[]): CountGroup[] {
  return [...groups].sort(
    (a, b) =>
      (a.entity ?? '\uffff').localeCompare(b.entity ?? '\uffff') ||
      b.count - a.count ||
      a.query.localeCompare(b.query),
  );
}
