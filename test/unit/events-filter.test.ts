import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { EventFacts } from '../../src/core/event.js';
import { compileFilter, type EventFilter, NO_FILTER } from '../../src/events/filter.js';
import { readFacts } from '../../src/events/normalize.js';
import { RecordScanner } from '../../src/events/scan.js';
import { generateObject } from '../../src/synthetic/export.js';

const f = (over: Partial<EventFilter>) => compileFilter({ ...NO_FILTER, ...over });
const facts = (over: Partial<EventFacts>): EventFacts => ({
  query: 'releaseProject',
  entity: 'Project',
  entityInferred: false,
  timeMs: 1000,
  users: ['alice@acme.io'],
  user: 'alice@acme.io',
  outcome: 200,
  failed: false,
  params: {},
  ...over,
});

describe('compileFilter().matches', () => {
  it('ORs within a flag and ANDs across flags, case-insensitively', () => {
    const m = f({ entities: ['project', 'Git'], queries: ['RELEASEPROJECT', 'commit'], user: 'ALICE' });
    expect(m.matches(facts({}))).toBe(true);
    expect(m.matches(facts({ query: 'commit', entity: 'Git' }))).toBe(true);
    expect(m.matches(facts({ query: 'addProject' }))).toBe(false);
    expect(m.matches(facts({ entity: 'Job' }))).toBe(false);
    expect(m.matches(facts({ entity: undefined }))).toBe(false);
    expect(m.matches(facts({ users: ['bob@acme.io'] }))).toBe(false);
    expect(m.matches(facts({ users: ['bob@acme.io', 'alice-uid'] }))).toBe(true);
  });

  it('treats --since as inclusive and --until as exclusive; timeless events never match a window', () => {
    const m = f({ sinceMs: 100, untilMs: 200 });
    expect(m.matches(facts({ timeMs: 100 }))).toBe(true);
    expect(m.matches(facts({ timeMs: 199 }))).toBe(true);
    expect(m.matches(facts({ timeMs: 200 }))).toBe(false);
    expect(m.matches(facts({ timeMs: 99 }))).toBe(false);
    expect(m.matches(facts({ timeMs: undefined }))).toBe(false);
    expect(f({}).matches(facts({ timeMs: undefined }))).toBe(true);
  });

  it('--failed keeps only failed events', () => {
    expect(f({ failedOnly: true }).matches(facts({ failed: true }))).toBe(true);
    expect(f({ failedOnly: true }).matches(facts({}))).toBe(false);
  });
});

describe('compileFilter().mayMatch (the raw-line pre-filter)', () => {
  it('rejects lines without the needed strings, keeps lines with JSON escapes', () => {
    const m = f({ queries: ['releaseProject'] });
    expect(m.prefilters).toBe(true);
    expect(m.mayMatch('{"opType":"RELEASEPROJECT"}')).toBe(true);
    expect(m.mayMatch('{"opType":"commit"}')).toBe(false);
    expect(m.mayMatch('{"opType":"rel\\u0065aseProject"}')).toBe(true);
    expect(f({}).prefilters).toBe(false);
  });

  it('keeps a line whose entity is only implied by its query name', () => {
    const m = f({ entities: ['Project'] });
    expect(m.mayMatch('{"eventName":"releaseProject"}')).toBe(true);
    expect(m.mayMatch('{"eventName":"commit"}')).toBe(false);
  });

  it('never rejects a record that matches (checked on generated records of every style)', () => {
    const filters: EventFilter[] = [
      { ...NO_FILTER, entities: ['Project', 'Team'] },
      { ...NO_FILTER, queries: ['checkout', 'user', 'setPassword'] },
      { ...NO_FILTER, user: 'carol' },
      { ...NO_FILTER, entities: ['Git'], user: 'acme.io' },
    ];
    for (let i = 0; i < 24; i++) {
      const o = generateObject(
        { start: '2026-11-01T00:00:00Z', hours: 24, eventsPerObject: 30, variety: 'mixed' },
        i,
      );
      const text = o.encoding === 'plain' ? o.body.toString() : gunzipSync(o.body).toString();
      const lines = o.shape === 'jsonl' ? text.split('\n').filter(Boolean) : [];
      for (const line of lines) {
        const rec = readFacts(JSON.parse(line));
        if (!rec) throw new Error('generator wrote a record without a query');
        for (const filter of filters) {
          const c = compileFilter(filter);
          if (c.matches(rec)) expect(c.mayMatch(line)).toBe(true);
        }
      }
      // Every shape yields exactly the generator's records.
      const seen: unknown[] = [];
      const s = new RecordScanner(
        { record: (r) => seen.push(r), skipped: () => undefined, bad: () => seen.push('bad') },
        undefined,
      );
      s.push(text);
      s.end();
      expect(seen.map((r) => readFacts(r)?.query)).toEqual(o.truth.map((t) => t.query));
    }
  });
});
