import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/core/event.js';
import { compileFilter, NO_FILTER } from '../../src/events/filter.js';
import { type ReadStats, readEvents } from '../../src/events/reader.js';
import { isOverlong, LineSplitter, RecordScanner } from '../../src/events/scan.js';
import type { ObjectSource } from '../../src/events/sources/source.js';

const MiB = 1024 * 1024;

describe('LineSplitter limits', () => {
  it('drops a line past the cap as it streams, keeping the lines around it', () => {
    const s = new LineSplitter(10);
    expect(s.push('short\n0123456')).toEqual(['short']);
    expect(s.push('789abc')).toEqual([]);
    expect(s.push('def\nok\r\n')).toEqual([{ overlong: 16 }, 'ok']);
    expect(s.push('x'.repeat(11))).toEqual([]);
    const last = s.flush();
    expect(last !== undefined && isOverlong(last)).toBe(true);
  });

  it('joins a long line from many chunks in linear time (every chunk is searched once)', () => {
    const s = new LineSplitter();
    const chunk = 'x'.repeat(64 * 1024);
    let calls = 0;
    const original = String.prototype.indexOf;
    // Counts how much text indexOf is asked to scan: linear splitting scans each chunk once.
    let scanned = 0;
    String.prototype.indexOf = function (this: string, ...args: Parameters<string['indexOf']>) {
      calls++;
      scanned += this.length - (args[1] ?? 0);
      return original.apply(this, args);
    };
    try {
      for (let i = 0; i < 256; i++) s.push(chunk);
      s.push('\n');
    } finally {
      String.prototype.indexOf = original;
    }
    expect(calls).toBeGreaterThan(0);
    expect(scanned).toBeLessThanOrEqual(257 * chunk.length);
  });
});

function scan(chunks: string[]) {
  const records: [unknown, number][] = [];
  const bad: [number, string][] = [];
  const s = new RecordScanner(
    { record: (r, n) => records.push([r, n]), skipped: () => undefined, bad: (n, why) => bad.push([n, why]) },
    undefined,
  );
  for (const c of chunks) s.push(c);
  s.end();
  return { records, bad, shape: s.shape };
}

describe('a UTF-8 BOM at the start of an object', () => {
  it('keeps the first record of JSON Lines', () => {
    const r = scan(['\ufeff{"query":"a"}\n{"query":"b"}\n']);
    expect(r.records).toEqual([
      [{ query: 'a' }, 1],
      [{ query: 'b' }, 2],
    ]);
    expect(r.bad).toEqual([]);
  });

  it('keeps every record of a pretty-printed array', () => {
    const r = scan([`\ufeff${JSON.stringify([{ query: 'a' }, { query: 'b' }], null, 2)}`]);
    expect(r.shape).toBe('json-array');
    expect(r.records.map((x) => x[0])).toEqual([{ query: 'a' }, { query: 'b' }]);
    expect(r.bad).toEqual([]);
  });
});

function source(objects: Record<string, () => AsyncIterable<Uint8Array>>): ObjectSource {
  return {
    async *list() {
      for (const key of Object.keys(objects)) yield { key, size: Number.NaN, lastModifiedMs: undefined };
    },
    open: (key) => (objects[key] as () => AsyncIterable<Uint8Array>)(),
    objectFailure: () => undefined,
    timesAreUploads: true,
  };
}

async function read(src: ObjectSource, maxRecordBytes?: number, redact = true) {
  const events: string[] = [];
  const stats: ReadStats = await readEvents(src, {
    filter: compileFilter(NO_FILTER),
    window: { sinceMs: undefined, untilMs: undefined },
    concurrency: 1,
    limit: undefined,
    redact,
    strict: false,
    ...(maxRecordBytes === undefined ? {} : { maxRecordBytes }),
    sink: {
      wantsEvents: true,
      add: (_f, e: AuditEvent | undefined) => {
        // What the ndjson output does with every event: a recursive walk of all of it.
        events.push(JSON.stringify(e));
      },
      flush: () => undefined,
    },
  });
  return { stats, events };
}

const line = (q: string) => Buffer.from(`{"opType":"${q}","userEmail":"a@x"}\n`);

/** Tracks the heap's high-water mark while a read runs. */
function heapWatch() {
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  return {
    sample() {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    },
    growth: () => peak - base,
  };
}

describe('bounded memory per record', () => {
  it('a 64 MiB line over the cap is skipped, named like a malformed one, and the reading goes on', async () => {
    const watch = heapWatch();
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const src = source({
      'big.json': async function* () {
        yield line('before');
        for (let i = 0; i < 1024; i++) {
          watch.sample();
          yield chunk;
        }
        yield Buffer.from('\n');
        yield line('after');
      },
    });
    const { stats, events } = await read(src, 1 * MiB);
    expect(events.map((e) => JSON.parse(e).query)).toEqual(['before', 'after']);
    expect(stats.unparseable).toBe(1);
    expect(stats.samples[0]).toMatch(
      /^big\.json:2 \(record of 67,108,864\+ characters is longer than --max-record-bytes 1048576\)$/,
    );
    expect(watch.growth()).toBeLessThan(40 * MiB);
  }, 60_000);

  it('a gzip bomb of NUL bytes without newlines is reported as too long, not held in memory', async () => {
    const gz = createGzip();
    const parts: Buffer[] = [];
    gz.on('data', (b: Buffer) => parts.push(b));
    const zeros = Buffer.alloc(1 * MiB);
    for (let i = 0; i < 128; i++) gz.write(zeros);
    await new Promise<void>((resolve) => gz.end(resolve));
    const bomb = Buffer.concat(parts);
    expect(bomb.length).toBeLessThan(MiB);
    const watch = heapWatch();
    const src = source({
      'bomb.json.gz': async function* () {
        // Small pieces, so the heap is sampled while the reader works through them.
        for (let i = 0; i < bomb.length; i += 4096) {
          watch.sample();
          yield bomb.subarray(i, i + 4096);
        }
      },
    });
    const { stats, events } = await read(src, 1 * MiB);
    watch.sample();
    expect(events).toEqual([]);
    expect(stats.unparseable).toBe(1);
    expect(stats.samples[0]).toMatch(/^bomb\.json\.gz:1 \(record of [\d,]+\+ characters is longer than/);
    expect(watch.growth()).toBeLessThan(40 * MiB);
  }, 60_000);

  it('the default cap is 16 MiB', async () => {
    const src = source({
      'a.json': async function* () {
        yield Buffer.from(`{"opType":"x","pad":"${'y'.repeat(16 * MiB)}"}\n`);
        yield line('ok');
      },
    });
    const { stats, events } = await read(src);
    expect(events.length).toBe(1);
    expect(stats.samples[0]).toContain('longer than --max-record-bytes 16777216');
  }, 60_000);

  it('a pretty-printed document over the cap is reported once, not held', async () => {
    const doc = JSON.stringify(
      Array.from({ length: 2000 }, (_, i) => ({ opType: 'q', n: i, pad: 'z'.repeat(100) })),
      null,
      2,
    );
    const { stats, events } = await read(
      source({
        'doc.json': async function* () {
          yield Buffer.from(doc);
        },
      }),
      64 * 1024,
    );
    expect(events).toEqual([]);
    expect(stats.unparseable).toBe(1);
    expect(stats.samples[0]).toMatch(/^doc\.json:1 \(JSON document of/);
  });
});

describe('records nested absurdly deep', () => {
  const deep = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;

  it.each([true, false])('are skipped and reported, not a stack overflow (redact %s)', async (redact) => {
    const src = source({
      'deep.json': async function* () {
        yield line('first');
        yield Buffer.from(`{"opType":"deep","a":${deep(100_000)}}\n`);
        yield line('last');
      },
    });
    const { stats, events } = await read(src, undefined, redact);
    expect(events.map((e) => JSON.parse(e).query)).toEqual(['first', 'last']);
    expect(stats.unparseable).toBe(1);
    expect(stats.samples).toEqual(['deep.json:2 (nested deeper than 256 levels)']);
  });

  it.each([true, false])(
    'JSON nested deep inside a parameter string does not break output (redact %s)',
    async (redact) => {
      const params = JSON.stringify(JSON.stringify(`{"x":${deep(5_000)}}`));
      const src = source({
        'p.json': async function* () {
          yield Buffer.from(
            `{"opType":"p","requestParams":{"v":${JSON.stringify(deep(100_000))},"w":${params}}}\n`,
          );
        },
      });
      const { events } = await read(src, undefined, redact);
      expect(events.length).toBe(1);
    },
  );
});
