import { terminalSafe } from '../core/sanitize.js';
import type { EventsInspectDocument } from '../schemas/events.js';
import { renderTable } from '../ui/table.js';
import { decodeText, type Encoding } from './decode.js';
import { pruneReason, type TimeWindow } from './key-dates.js';
import { classifyFields, type FieldRole, readFacts } from './normalize.js';
import { RecordScanner } from './scan.js';
import { isReadable, type ObjectSource } from './sources/source.js';

/** `events query --inspect` reads this many records of this many objects. */
export const INSPECT_OBJECTS = 3;
export const INSPECT_RECORDS = 5;

type ObjectReport = EventsInspectDocument['objects'][number];

const ROLES: FieldRole[] = ['query', 'time', 'entity', 'user', 'params', 'outcome'];

/** Collects what --inspect reports: per object its encoding and shape, per field its role. */
export class InspectReport {
  readonly objects: ObjectReport[] = [];
  private readonly fields = new Map<string, { role: FieldRole | null; seen: number }>();

  startObject(key: string, encoding: 'gzip' | 'plain'): ObjectReport {
    const o: ObjectReport = {
      key,
      encoding,
      shape: 'empty',
      recordsRead: 0,
      recordsWithQuery: 0,
      unparseable: 0,
    };
    this.objects.push(o);
    return o;
  }

  addRecord(o: ObjectReport, record: unknown): void {
    o.recordsRead++;
    if (readFacts(record) !== undefined) o.recordsWithQuery++;
    const { recognised, ignored } = classifyFields(record);
    for (const [name, role] of Object.entries(recognised)) this.bump(name, role);
    for (const name of ignored) this.bump(name, null);
  }

  private bump(name: string, role: FieldRole | null): void {
    const f = this.fields.get(name);
    if (f) f.seen++;
    else this.fields.set(name, { role, seen: 1 });
  }

  document(): EventsInspectDocument {
    const fields = [...this.fields.entries()].map(([name, f]) => ({ name, role: f.role, seen: f.seen }));
    const present = new Set(fields.map((f) => f.role));
    return {
      schemaVersion: 1,
      objects: this.objects,
      fields,
      missing: ROLES.filter((r) => !present.has(r)),
    };
  }
}

/** Reads the first few records of the first few objects and reports what the reader made of them. */
export async function inspectObjects(
  source: ObjectSource,
  window: TimeWindow,
  signal?: AbortSignal,
): Promise<EventsInspectDocument> {
  const report = new InspectReport();
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let objects = 0;
  try {
    for await (const ref of source.list(ctl.signal)) {
      if (!isReadable(ref) || pruneReason(ref.key, ref.lastModifiedMs, window) !== undefined) continue;
      let encoding: Encoding = 'plain';
      const body = await source.open(ref.key, ctl.signal);
      const o = report.startObject(ref.key, 'plain');
      const scanner = new RecordScanner(
        {
          record(record) {
            if (o.recordsRead < INSPECT_RECORDS) report.addRecord(o, record);
          },
          skipped: () => undefined,
          bad() {
            o.unparseable++;
          },
        },
        undefined,
      );
      for await (const text of decodeText(body, (e) => {
        encoding = e;
      })) {
        scanner.push(text);
        if (o.recordsRead >= INSPECT_RECORDS) break;
      }
      if (o.recordsRead < INSPECT_RECORDS) scanner.end();
      o.encoding = encoding;
      o.shape = scanner.shape;
      if (++objects >= INSPECT_OBJECTS) break;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    ctl.abort();
  }
  return report.document();
}

/** The --inspect report as text for people (formats without their own `inspect`). */
export function renderInspect(doc: EventsInspectDocument, columns?: number): string {
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
      { maxColumnWidth: 70, columns },
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
      { columns },
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
