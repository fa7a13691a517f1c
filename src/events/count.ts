/** `events query --count`: matches counted per entity and query (pure). */

export interface CountGroup {
  entity: string | null;
  query: string;
  count: number;
}

/** Counts per entity and query, sorted by entity, then by count (largest first), then query name. */
export class EventCounter {
  private readonly groups = new Map<string, CountGroup>();
  total = 0;

  add(entity: string | undefined, query: string, n = 1): void {
    this.total += n;
    const k = `${entity ?? ''}\u0000${query}`;
    const g = this.groups.get(k);
    if (g) g.count += n;
    else this.groups.set(k, { entity: entity ?? null, query, count: n });
  }

  /** The groups as they are (unsorted), e.g. to merge into another counter. */
  raw(): CountGroup[] {
    return [...this.groups.values()];
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
