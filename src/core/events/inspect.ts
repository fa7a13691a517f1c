import type { EventsInspectDocument } from '../../schemas/events.js';
import { classifyFields, type FieldRole, readFacts } from './normalize.js';

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
