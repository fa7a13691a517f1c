import { describe, expect, it } from 'vitest';
import { EventCounter } from '../../src/events/count.js';
import { compileFilter, NO_FILTER } from '../../src/events/filter.js';
import { csvRow } from '../../src/events/formats/csv.js';
import { paramSummary, shortTime } from '../../src/events/formats/table.js';
import { LineSplitter, type Prefilter, RecordScanner } from '../../src/events/scan.js';

function scan(chunks: string[], prefilter?: Prefilter) {
  const records: [unknown, number][] = [];
  const bad: [number, string][] = [];
  let skipped = 0;
  const s = new RecordScanner(
    {
      record: (r, n) => records.push([r, n]),
      skipped: (c) => {
        skipped += c;
      },
      bad: (n, why) => bad.push([n, why]),
    },
    prefilter,
  );
  for (const c of chunks) s.push(c);
  s.end();
  return { records, bad, skipped, shape: s.shape };
}

describe('LineSplitter', () => {
  it('joins lines split across chunks and handles CRLF and a missing final newline', () => {
    const s = new LineSplitter();
    expect(s.push('a\r\nb')).toEqual(['a']);
    expect(s.push('c\n\nd')).toEqual(['bc', '']);
    expect(s.push('\r')).toEqual([]);
    expect(s.flush()).toBe('d');
    expect(s.flush()).toBeUndefined();
  });
});

describe('RecordScanner shapes', () => {
  it('JSON Lines, split anywhere, with bad lines reported by line number', () => {
    const text = '{"query":"a"}\n\nnot json\n[1]\n{"query":"b"}\n{"query":"c"';
    const r = scan([text.slice(0, 5), text.slice(5, 21), text.slice(21)]);
    expect(r.shape).toBe('json-lines');
    expect(r.records).toEqual([
      [{ query: 'a' }, 1],
      [{ query: 'b' }, 5],
    ]);
    expect(r.bad).toEqual([
      [3, 'not valid JSON'],
      [4, 'not a JSON object'],
      [6, 'not valid JSON'],
    ]);
  });

  it('a JSON array: compact on one line (records keep line 1) or pretty-printed (records numbered)', () => {
    expect(scan(['[{"query":"a"},', '{"query":"b"}]']).records.map((x) => x[1])).toEqual([1, 1]);
    const pretty = scan([JSON.stringify([{ query: 'a' }, { query: 'b' }], null, 2)]);
    expect(pretty.shape).toBe('json-array');
    expect(pretty.records.map((x) => x[1])).toEqual([1, 2]);
  });

  it.each(['events', 'records', 'Records', 'data'])('an object holding the events under %s', (k) => {
    const pretty = scan([JSON.stringify({ meta: 1, [k]: [{ query: 'a' }, { query: 'b' }] }, null, 2)]);
    expect(pretty.shape).toBe(`json-object.${k}`);
    expect(pretty.records).toHaveLength(2);
    const lines = scan([
      `${JSON.stringify({ [k]: [{ query: 'a' }] })}\n${JSON.stringify({ [k]: [{ query: 'b' }] })}\n`,
    ]);
    expect(lines.records.map((x) => x[1])).toEqual([1, 2]);
  });

  it('an event carrying a `data` array is an event, not a wrapper', () => {
    const r = scan(['{"query":"a","data":[1,2]}\n']);
    expect(r.records).toEqual([[{ query: 'a', data: [1, 2] }, 1]]);
  });

  it('a broken document falls back to lines, and plain text is reported line by line', () => {
    const r = scan(['{\n"query": "a"\n']);
    expect(r.shape).toBe('not-json');
    expect(r.bad.map((b) => b[0])).toEqual([1, 2]);
    expect(scan(['hello\nworld\n']).bad).toHaveLength(2);
  });

  it('counts pre-filtered lines as skipped without parsing them', () => {
    const r = scan(['{"query":"a"}\n{"query":"b"}\nbroken b\n'], {
      mayMatch: (l) => l.includes('b'),
      needle: undefined,
    });
    expect(r.skipped).toBe(1);
    expect(r.records).toHaveLength(1);
    expect(r.bad).toHaveLength(1);
  });
});

describe('format helpers', () => {
  it('quotes CSV cells that need it', () => {
    expect(csvRow(['a', 'b,c', 'say "hi"', null, 3, 'x\ny'])).toBe('a,"b,c","say ""hi""",,3,"x\ny"\r\n');
  });
  it('summarises params and times', () => {
    expect(paramSummary({ a: '1', b: [1, 2] })).toBe('a=1 b=[1,2]');
    expect(paramSummary({ long: 'x'.repeat(200) }).length).toBeLessThanOrEqual(80);
    expect(shortTime('2026-11-24T13:05:12.345Z')).toBe('2026-11-24 13:05:12Z');
    expect(shortTime(null)).toBe('-');
  });
  it('counts per entity and query, largest first within an entity', () => {
    const c = new EventCounter();
    for (const [e, q] of [
      ['Git', 'commit'],
      ['Git', 'checkout'],
      ['Git', 'checkout'],
      [undefined, 'mystery'],
      ['Project', 'addProject'],
    ] as const)
      c.add(e, q);
    expect(c.total).toBe(5);
    expect(c.sorted()).toEqual([
      { entity: 'Git', query: 'checkout', count: 2 },
      { entity: 'Git', query: 'commit', count: 1 },
      { entity: 'Project', query: 'addProject', count: 1 },
      { entity: null, query: 'mystery', count: 1 },
    ]);
  });
});

describe('RecordScanner fast path (needle search over whole chunks)', () => {
  it('finds the same records on the same lines as line-by-line reading, however the text is cut', () => {
    const queries = ['releaseProject', 'commit', 'addJob', 'user'];
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      if (i % 37 === 5) lines.push('');
      else if (i % 53 === 7) lines.push('garbage commit line');
      else if (i % 61 === 3) lines.push('{"opType":"comm\\u0069t","userEmail":"x@y.z"}');
      else
        lines.push(
          JSON.stringify({ opType: queries[i % 4], userEmail: i % 3 ? 'alice@a.io' : 'bob@b.io', n: i }),
        );
    }
    const text = `${lines.join('\r\n')}\n`;
    const filter = compileFilter({ ...NO_FILTER, queries: ['commit'], user: 'alice' });
    const slow = scan([text], { mayMatch: filter.mayMatch, needle: undefined });
    expect(slow.records.length).toBeGreaterThan(10);
    for (const size of [1, 7, 64, 1000, 100_000]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      const fast = scan(chunks, filter);
      expect(fast.records, `chunk ${size}`).toEqual(slow.records);
      expect(fast.bad).toEqual(slow.bad);
      expect(fast.skipped + fast.records.length + fast.bad.length).toBe(lines.filter((l) => l !== '').length);
    }
  });
});
