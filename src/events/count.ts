import { detach } from '../core/detach.js';

/** `events query --count`: matches counted per entity and query (pure). */

export interface CountGroup {
  entity: string | null;
  query: string;
  count: number;
}

/** Counts per entity and query, sorted by entity, then by count (largest first), then query name. */
export class EventCounter {
  // Entity, then query: two lookups of strings the reader already holds, no key built per event.
  private readonly groups = new Map<string | undefined, Map<string, CountGroup>>();
  total = 0;

  add(entity: string | undefined, query: string, n = 1): void {
    this.total += n;
    let byQuery = this.groups.get(entity);
    if (byQuery === undefined) {
      byQuery = new Map();
      // The names may be cut from an object's text: kept for the whole run, they must not keep that text.
      this.groups.set(entity === undefined ? entity : detach(entity), byQuery);
    }
    const g = byQuery.get(query);
    if (g) g.count += n;
    else {
      const q = detach(query);
      byQuery.set(q, { entity: entity === undefined ? null : detach(entity), query: q, count: n });
    }
  }

  /** The groups as they are (unsorted), e.g. to merge into another counter. */
  raw(): CountGroup[] {
    return [...this.groups.values()].flatMap((m) => [...m.values()]);
  }

  sorted(): CountGroup[] {
    return this.raw().sort(
      (a, b) =>
        (a.entity ?? '\uffff').localeCompare(b.entity ?? '\uffff') ||
        b.count - a.count ||
        a.query.localeCompare(b.query),
    );
  }
}
