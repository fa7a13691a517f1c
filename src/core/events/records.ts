import { LineSplitter } from './lines.js';
import { FIELD_ALIASES, isRecordObject } from './normalize.js';

/** Keys under which one JSON object may hold the array of events. */
export const WRAPPER_KEYS = ['events', 'records', 'Records', 'data'] as const;

const QUERY_KEYS = new Set(FIELD_ALIASES.query.map((k) => k.toLowerCase()));

/** The key holding the events when `value` is a wrapper object ({"events": [...]}), else undefined. */
export function wrapperKey(value: Record<string, unknown>): string | undefined {
  for (const k of WRAPPER_KEYS) {
    if (Array.isArray(value[k])) {
      // An event that happens to carry a `data` array is still an event.
      for (const own in value) if (QUERY_KEYS.has(own.toLowerCase())) return undefined;
      return k;
    }
  }
  return undefined;
}

/** How an object's content was laid out, as --inspect reports it. */
export type Shape =
  | 'empty'
  | 'json-lines'
  | 'json-array'
  | `json-object.${string}`
  | `json-lines.${string}`
  | 'json-object'
  | 'not-json';

/** The records one parsed JSON value holds: an array's elements, a wrapper's array, or the value itself. */
export function recordsOf(value: unknown): { records: unknown[]; via: string | undefined } {
  if (Array.isArray(value)) return { records: value, via: 'array' };
  if (isRecordObject(value)) {
    const k = wrapperKey(value);
    if (k !== undefined) return { records: value[k] as unknown[], via: k };
  }
  return { records: [value], via: undefined };
}

export interface ScanCallbacks {
  /** A record to look at; `line` is its line (JSON Lines) or 1-based position in the document's array. */
  record(record: unknown, line: number): void;
  /** A line the pre-filter ruled out: counted as scanned, never parsed. */
  skipped(line: number): void;
  /** A line that is not JSON, or a value that is not an object. */
  bad(line: number, reason: string): void;
}

/**
 * Turns an object's text into records, whatever its shape: JSON Lines (each line an event, an array of
 * events, or a wrapper object), one JSON array, or one JSON object with the array under
 * events/records/Records/data. A first line that is not complete JSON switches to reading the whole
 * object as one document; if that fails too, the lines are read one by one and the bad ones reported.
 */
export class RecordScanner {
  private readonly splitter = new LineSplitter();
  private lineNo = 0;
  private mode: 'start' | 'lines' | 'document' = 'start';
  private doc: string[] = [];
  shape: Shape = 'empty';

  constructor(
    private readonly cb: ScanCallbacks,
    private readonly mayMatch: ((line: string) => boolean) | undefined,
  ) {}

  push(text: string): void {
    for (const line of this.splitter.push(text)) this.line(line);
  }

  end(): void {
    const last = this.splitter.flush();
    if (last !== undefined) this.line(last);
    if (this.mode === 'document') this.finishDocument();
  }

  private line(line: string): void {
    const n = ++this.lineNo;
    if (this.mode === 'document') {
      this.doc.push(line);
      return;
    }
    if (this.mode === 'start') {
      const t = line.trim();
      if (t === '') return;
      const c = t[0];
      if ((c === '[' || c === '{') && !parses(t)) {
        this.mode = 'document';
        this.doc = [];
        for (let i = 1; i < n; i++) this.doc.push('');
        this.doc.push(line);
        return;
      }
      this.mode = 'lines';
      this.shape = 'json-lines';
    }
    this.jsonLine(line, n);
  }

  private jsonLine(line: string, n: number): void {
    if (this.mayMatch !== undefined && !this.mayMatch(line)) {
      // Only whitespace is not a record; anything else counts as scanned.
      if (line.trim() !== '') this.cb.skipped(n);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (line.trim() !== '') this.cb.bad(n, 'not valid JSON');
      return;
    }
    const { records, via } = recordsOf(value);
    if (via !== undefined && via !== 'array' && this.shape === 'json-lines') this.shape = `json-lines.${via}`;
    for (const r of records) {
      if (isRecordObject(r)) this.cb.record(r, n);
      else this.cb.bad(n, 'not a JSON object');
    }
  }

  private finishDocument(): void {
    const lines = this.doc;
    this.doc = [];
    let value: unknown;
    try {
      value = JSON.parse(lines.join('\n'));
    } catch {
      this.mode = 'lines';
      this.shape = 'not-json';
      lines.forEach((l, i) => {
        this.jsonLine(l, i + 1);
      });
      return;
    }
    const { records, via } = recordsOf(value);
    this.shape = via === 'array' ? 'json-array' : via !== undefined ? `json-object.${via}` : 'json-object';
    records.forEach((r, i) => {
      if (isRecordObject(r)) this.cb.record(r, i + 1);
      else this.cb.bad(i + 1, 'not a JSON object');
    });
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
