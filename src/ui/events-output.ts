import type { AuditEvent, EventFacts } from '../core/events/event.js';
import {
  type CountGroup,
  CSV_COLUMNS,
  csvRow,
  EventCounter,
  eventCsvRow,
  eventTableCells,
  type OutputFormat,
  TABLE_HEAD,
} from '../core/events/format.js';
import { terminalSafe } from '../core/sanitize.js';
import type { EventsCountDocument, EventsInspectDocument } from '../schemas/events.js';
import { paint } from './color.js';
import { renderTable } from './table.js';

const FLUSH_AT = 64 * 1024;

/**
 * Batches text for a stream and honours back-pressure: `flush` returns a promise only when the stream's
 * buffer is full, and every waiting writer shares the same 'drain'.
 */
export class OutputWriter {
  private pending = '';
  private draining: Promise<void> | undefined;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    /** Called around each write to the terminal, e.g. to hide a spinner on the same screen. */
    private readonly around?: (write: () => void) => void,
  ) {}

  write(text: string): void {
    this.pending += text;
  }

  flush(force = false): Promise<void> | undefined {
    if (this.pending.length > 0 && (force || this.pending.length >= FLUSH_AT || this.around)) {
      const text = this.pending;
      this.pending = '';
      let ok = true;
      const write = () => {
        ok = this.stream.write(text);
      };
      if (this.around) this.around(write);
      else write();
      if (!ok && !this.draining) {
        this.draining = new Promise((resolve) => {
          const done = () => {
            this.stream.off('drain', done);
            this.stream.off('error', done);
            this.stream.off('close', done);
            this.draining = undefined;
            resolve();
          };
          this.stream.on('drain', done);
          this.stream.on('error', done);
          this.stream.on('close', done);
        });
      }
    }
    return this.draining;
  }

  async end(): Promise<void> {
    await this.flush(true);
  }
}

export interface EventSink {
  wantsEvents: boolean;
  add(facts: EventFacts, event: AuditEvent | undefined): void;
  flush(): Promise<void> | undefined;
  finish(): Promise<void>;
}

const COLUMN_WIDTHS = [20, 11, 30, 24, 4];

function fixed(cell: string, width: number): string {
  return cell.length > width ? `${cell.slice(0, width - 1)}…` : cell.padEnd(width);
}

export interface SinkOptions {
  /** CSV: write event text exactly, without neutralising formulas (--csv-raw). */
  csvRaw?: boolean;
}

/** A streaming sink for matched events in one of the output formats. */
export function eventSink(format: OutputFormat, out: OutputWriter, opts: SinkOptions = {}): EventSink {
  const raw = opts.csvRaw === true;
  const c = paint(process.stdout);
  let first = true;
  const row = (cells: string[]) =>
    `${cells
      .map((cell, i) => (i < COLUMN_WIDTHS.length ? fixed(cell, COLUMN_WIDTHS[i] as number) : cell))
      .join(' ')
      .trimEnd()}\n`;
  return {
    wantsEvents: true,
    add(_facts, e) {
      if (!e) return;
      switch (format) {
        case 'ndjson':
          out.write(`${JSON.stringify(e)}\n`);
          break;
        case 'json':
          out.write(`${first ? '{"schemaVersion":1,"events":[\n' : ',\n'}${JSON.stringify(e)}`);
          break;
        case 'csv':
          if (first) out.write(csvRow([...CSV_COLUMNS]));
          out.write(eventCsvRow(e, raw));
          break;
        case 'table': {
          if (first) out.write(`${c.bold(row(TABLE_HEAD).trimEnd())}\n`);
          const line = row(eventTableCells(e).map((cell) => terminalSafe(cell)));
          out.write(e.failed ? `${c.red(line.trimEnd())}\n` : line);
          break;
        }
      }
      first = false;
    },
    flush: () => out.flush(),
    async finish() {
      if (format === 'json') out.write(first ? '{"schemaVersion":1,"events":[]}\n' : '\n]}\n');
      if (format === 'csv' && first) out.write(csvRow([...CSV_COLUMNS]));
      await out.end();
    },
  };
}

/** A sink that only counts, per entity and query. */
export function countSink(
  format: OutputFormat,
  out: OutputWriter,
  opts: SinkOptions = {},
): EventSink & { counter: EventCounter } {
  const counter = new EventCounter();
  return {
    counter,
    wantsEvents: false,
    add(facts) {
      counter.add(facts.entity, facts.query);
    },
    flush: () => undefined,
    async finish() {
      out.write(renderCounts(format, counter.total, counter.sorted(), opts));
      await out.end();
    },
  };
}

export function countDocument(total: number, groups: CountGroup[]): EventsCountDocument {
  return { schemaVersion: 1, total, groups };
}

export function renderCounts(
  format: OutputFormat,
  total: number,
  groups: CountGroup[],
  opts: SinkOptions = {},
): string {
  const raw = opts.csvRaw === true;
  switch (format) {
    case 'json':
      return `${JSON.stringify(countDocument(total, groups), null, 2)}\n`;
    case 'ndjson':
      return groups.map((g) => `${JSON.stringify(g)}\n`).join('');
    case 'csv':
      return [
        csvRow(['entity', 'query', 'count']),
        ...groups.map((g) => csvRow([g.entity, g.query, g.count], raw)),
      ].join('');
    case 'table':
      return renderTable(
        [
          ...groups.map((g) => [terminalSafe(g.entity ?? '-'), terminalSafe(g.query), String(g.count)]),
          ['', 'total', String(total)],
        ],
        { head: ['ENTITY', 'QUERY', 'COUNT'] },
      );
  }
}

/** The --inspect report as text for people. */
export function renderInspect(doc: EventsInspectDocument): string {
  const lines: string[] = [];
  if (doc.objects.length === 0) return 'No readable objects found (check --prefix, --since/--until).\n';
  lines.push('Objects read:');
  lines.push(
    renderTable(
      doc.objects.map((o) => [
        terminalSafe(o.key),
        o.encoding,
        o.shape,
        `${o.recordsRead} records`,
        `${o.recordsWithQuery} with a query name`,
        o.unparseable ? `${o.unparseable} unparseable` : '',
      ]),
      { maxColumnWidth: 70 },
    ).trimEnd(),
  );
  lines.push('', 'Fields:');
  lines.push(
    renderTable(
      doc.fields.map((f) => [
        terminalSafe(f.name),
        f.role ? `→ ${f.role}` : 'not used',
        `in ${f.seen} records`,
      ]),
    ).trimEnd(),
  );
  if (doc.missing.length > 0) {
    lines.push('', `Not found in any record: ${terminalSafe(doc.missing.join(', '))}.`);
    if (doc.missing.includes('query')) {
      lines.push(
        'Without a query name no record can be used: the reader looks for opType, operationName, queryName, query, eventName, operation or action.',
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
