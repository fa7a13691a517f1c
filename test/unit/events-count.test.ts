import { describe, expect, it } from 'vitest';
import { type CountGroup, EventCounter } from '../../src/events/count.js';

/*
 * The basic add/sorted case is in events-records.test.ts; these cover what a parallel count relies on:
 * groups keyed by entity and query together, counts added in bulk, and worker counters merged through
 * raw() into one that sorts exactly like a single counter that saw every event.
 */

const counterOf = (events: [string | undefined, string, number?][]) => {
  const c = new EventCounter();
  for (const [e, q, n] of events) c.add(e, q, n);
  return c;
};

/** Groups in a fixed order (entity, no entity last, then query) to compare raw(), which is unsorted. */
const byKey = (groups: CountGroup[]) => {
  const key = (g: CountGroup) => `${g.entity ?? '~'}|${g.query}`;
  return [...groups].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
};

describe('EventCounter', () => {
  it('keeps the same query without an entity apart from the same query under a named entity', () => {
    const c = counterOf([
      [undefined, 'commit'],
      ['Git', 'commit'],
      [undefined, 'commit'],
      ['Job', 'commit'],
    ]);
    expect(c.total).toBe(4);
    expect(byKey(c.raw())).toEqual([
      { entity: 'Git', query: 'commit', count: 1 },
      { entity: 'Job', query: 'commit', count: 1 },
      { entity: null, query: 'commit', count: 2 },
    ]);
  });

  it('keeps the same name as entity and as query apart (no key is built from the two)', () => {
    const c = counterOf([
      ['a', 'b'],
      ['a\u0000b', 'c'],
      ['a', 'b\u0000c'],
      ['', 'q'],
      [undefined, 'q'],
    ]);
    expect(c.raw()).toHaveLength(5);
    expect(c.sorted().map((g) => [g.entity, g.query])).toEqual([
      ['', 'q'],
      ['a', 'b'],
      ['a', 'b\u0000c'],
      ['a\u0000b', 'c'],
      [null, 'q'],
    ]);
  });

  it('adds n at once, into the total and the group', () => {
    const c = counterOf([
      ['Git', 'commit', 5],
      ['Git', 'commit'],
      ['Git', 'commit', 0],
      [undefined, 'mystery', 3],
    ]);
    expect(c.total).toBe(9);
    expect(c.sorted()).toEqual([
      { entity: 'Git', query: 'commit', count: 6 },
      { entity: null, query: 'mystery', count: 3 },
    ]);
  });

  it('sorts by entity, then count (largest first), then query, with no entity last', () => {
    const c = counterOf([
      [undefined, 'zeta', 1],
      [undefined, 'alpha', 1],
      [undefined, 'big', 9],
      ['Project', 'b', 2],
      ['Project', 'a', 2],
      ['Project', 'c', 7],
      ['Git', 'x', 1],
      ['Git', 'y', 4],
      ['Job', 'z', 100],
    ]);
    expect(c.sorted().map((g) => `${g.entity ?? '-'} ${g.query} ${g.count}`)).toEqual([
      'Git y 4',
      'Git x 1',
      'Job z 100',
      'Project c 7',
      'Project a 2',
      'Project b 2',
      '- big 9',
      '- alpha 1',
      '- zeta 1',
    ]);
  });

  it('raw() lists every group once, unsorted, with null for no entity', () => {
    const c = counterOf([
      ['Project', 'addProject'],
      [undefined, 'mystery', 2],
      ['Git', 'commit'],
      ['Project', 'addProject'],
    ]);
    expect(byKey(c.raw())).toEqual([
      { entity: 'Git', query: 'commit', count: 1 },
      { entity: 'Project', query: 'addProject', count: 2 },
      { entity: null, query: 'mystery', count: 2 },
    ]);
    expect(new EventCounter().raw()).toEqual([]);
    expect(new EventCounter().sorted()).toEqual([]);
  });

  it('merges worker counters through raw() into what one counter of every event gives', () => {
    // parallel-read: each worker sends raw() and the main thread adds each group with its count.
    const events: [string | undefined, string][] = [];
    const entities = ['Git', 'Project', undefined, 'Job'];
    const queries = ['commit', 'checkout', 'addProject', 'releaseProject', 'mystery'];
    for (let i = 0; i < 500; i++) events.push([entities[(i * 7) % 4], queries[(i * i) % 5] as string]);
    const whole = counterOf(events);
    const workers = [0, 1, 2].map((w) => counterOf(events.filter((_, i) => i % 3 === w)));
    const merged = new EventCounter();
    for (const w of workers) for (const g of w.raw()) merged.add(g.entity ?? undefined, g.query, g.count);
    expect(merged.total).toBe(500);
    expect(merged.sorted()).toEqual(whole.sorted());
    expect(merged.sorted().length).toBeGreaterThan(10);
  });
});
