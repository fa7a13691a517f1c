import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { isTruncatedListing, listObjectPages } from '../../src/aws/objects.js';
import { eventsQueryCommand } from '../../src/commands/events-query/flags.js';
import * as query from '../../src/commands/events-query/run.js';
import { ExitCode } from '../../src/errors.js';
import { compileFilter, type EventFilter, NO_FILTER } from '../../src/events/filter.js';
import { create as jsonFormat } from '../../src/events/formats/json.js';
import { prunePlan } from '../../src/events/key-dates.js';
import { type MatchSink, readEvents } from '../../src/events/reader.js';
import { compilePrefilter, RecordScanner } from '../../src/events/scan.js';
import type { ObjectSource, OpenOptions } from '../../src/events/sources/source.js';
import { eventsCountDocumentSchema, eventsQueryDocumentSchema } from '../../src/schemas/events.js';
import { fakeContext } from '../helpers/events-context.js';

const REPRO = '{"opType":"releaseProject","userEmail":"CORP\\\\alice"}';

function collectSink(): MatchSink & { users: string[] } {
  const users: string[] = [];
  return {
    users,
    wantsEvents: true,
    add: (_f, e) => void users.push(String(e?.user)),
    flush: () => undefined,
  };
}

/** A source of in-memory objects, each a list of chunks; `breakOnce` breaks a key's first body after n chunks. */
function memorySource(
  objects: Record<string, string[]>,
  breakOnce: Record<string, number> = {},
): ObjectSource & { opens: { key: string; opts: OpenOptions | undefined }[] } {
  const opens: { key: string; opts: OpenOptions | undefined }[] = [];
  const broken = new Set<string>();
  return {
    opens,
    async *list() {
      for (const key of Object.keys(objects)) yield { key, size: 1, lastModifiedMs: undefined };
    },
    open(key, _signal, opts) {
      opens.push({ key, opts });
      opts?.onETag?.('"v1"');
      const chunks = objects[key] as string[];
      const cutAt = breakOnce[key];
      const breakNow = cutAt !== undefined && !broken.has(key);
      if (breakNow) broken.add(key);
      return Readable.from(
        (async function* () {
          for (let i = 0; i < chunks.length; i++) {
            if (breakNow && i === cutAt) throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
            yield Buffer.from(chunks[i] as string);
          }
        })(),
      );
    },
    objectFailure: (err) =>
      (err as { code?: string }).code === 'ECONNRESET' ? 'the transfer broke' : undefined,
    timesAreUploads: true,
  };
}

const readOpts = (sink: MatchSink, filter: EventFilter = NO_FILTER) => ({
  filter: compileFilter(filter),
  window: { sinceMs: undefined, untilMs: undefined },
  concurrency: 1,
  limit: undefined,
  redact: true,
  strict: false,
  sink,
});

describe('the raw-line pre-filter searches for the needle as JSON writes it', () => {
  it.each([
    ['a backslash (the repro)', 'corp\\alice', REPRO],
    ['a quote', 'o"brien', '{"opType":"commit","userEmail":"O\\"Brien@x.io"}'],
    ['a tab', 'a\tb', '{"opType":"commit","userEmail":"A\\tB"}'],
    ['a control character', 'a\u0001b', '{"opType":"commit","userEmail":"a\\u0001b"}'],
    ['a slash written as \\/', 'corp/alice', '{"opType":"commit","userEmail":"CORP\\/alice"}'],
  ])('%s', async (_name, user, line) => {
    expect(compilePrefilter({ entities: [], queries: [], user }).mayMatch(line)).toBe(true);
    // Through the reader, in both scanner paths: the first chunk (line by line) and later chunks (the fast path).
    const filler = '{"opType":"commit","userEmail":"bob@x.io"}\n';
    const sink = collectSink();
    await readEvents(
      memorySource({ 'k.jsonl': [filler, `${line}\n`, filler, `${line}\n${filler}`] }),
      readOpts(sink, { ...NO_FILTER, user }),
    );
    expect(sink.users).toHaveLength(2);
  });

  it('--user "corp\\alice" finds the record through the CLI (--dir)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-prefilter-'));
    try {
      writeFileSync(join(dir, 'e.jsonl'), `${REPRO}\n{"opType":"releaseProject","userEmail":"bob@x.io"}\n`);
      const f = fakeContext();
      const flags = eventsQueryCommand()
        .exitOverride()
        .parse(['--dir', dir, '--user', 'corp\\alice', '--count', '--output', 'json'], { from: 'user' })
        .opts();
      expect(await query.run(f.ctx, query.parse(flags, f.ctx))).toBe(ExitCode.ok);
      expect(eventsCountDocumentSchema.parse(JSON.parse(f.out())).total).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('letters whose lowercase is ASCII, and non-ASCII words, are left to the parsed filter', async () => {
    // U+212A KELVIN SIGN and U+0130 lowercase to "k" and "i̇", which a case-insensitive regex does not
    // equate with k and i; the filter (toLowerCase) does.
    const p = compilePrefilter({ entities: [], queries: [], user: 'kim' });
    expect(p.mayMatch('{"userEmail":"\u212aIM"}')).toBe(true);
    const sink = collectSink();
    const filler = '{"opType":"commit","userEmail":"bob@x.io"}\n';
    const kelvin = '{"opType":"commit","userEmail":"\u212aIM@x.io"}\n';
    await readEvents(
      memorySource({ 'k.jsonl': [filler, kelvin, `${filler}${kelvin}`] }),
      readOpts(sink, { ...NO_FILTER, user: 'kim' }),
    );
    expect(sink.users).toHaveLength(2);
    expect(compilePrefilter({ entities: [], queries: [], user: 'zoë' }).prefilters).toBe(false);
  });
});

describe('resuming a scan after a broken transfer', () => {
  const text =
    '\ufeff{"opType":"a","n":1}\r\n{"opType":"b","n":2}\n\n[{"opType":"c"},{"opType":"d"}]\n{"opType":"e"}';
  const whole = () => {
    const got: string[] = [];
    const s = new RecordScanner(
      { record: (r) => void got.push(JSON.stringify(r)), skipped: () => undefined, bad: () => undefined },
      undefined,
    );
    s.push(text);
    s.end();
    return got;
  };

  it.each([5, 13, 22, 30, 45, 60])('cut after %i characters: the same records, once each', (cut) => {
    const got: string[] = [];
    const s = new RecordScanner(
      { record: (r) => void got.push(JSON.stringify(r)), skipped: () => undefined, bad: () => undefined },
      undefined,
    );
    s.push(text.slice(0, cut));
    const resumeAt = cut - s.pendingChars();
    s.dropPartial();
    s.push(text.slice(resumeAt));
    s.end();
    expect(got).toEqual(whole());
  });

  it('the reader re-reads once with IfMatch on the ETag it started with and delivers every record once', async () => {
    const chunks = [
      '{"opType":"a","userEmail":"u1"}\n{"opType":"b","user',
      'Email":"u2"}\n{"opType":"c","userEmail":"u3"}\n',
      '{"opType":"d","userEmail":"u4"}\n',
    ];
    const source = memorySource({ 'k.jsonl': chunks }, { 'k.jsonl': 2 });
    const sink = collectSink();
    const stats = await readEvents(source, readOpts(sink));
    expect(sink.users).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(stats.incomplete).toEqual([]);
    expect(source.opens.map((o) => o.opts?.ifMatch)).toEqual([undefined, '"v1"']);
  });

  it('a record-processing error is not taken for a broken transfer: it stops the run', async () => {
    const source = memorySource({ 'k.jsonl': ['{"opType":"a"}\n'] });
    const sink: MatchSink = {
      wantsEvents: false,
      add: () => {
        throw new TypeError('boom');
      },
      flush: () => undefined,
    };
    await expect(readEvents(source, readOpts(sink))).rejects.toThrow('boom');
  });
});

describe('listing integrity', () => {
  it('a truncated page without a continuation token fails the pager after yielding the page', async () => {
    const s3 = {
      send: async () => ({ Contents: [{ Key: 'a.json', Size: 1 }], IsTruncated: true }),
    } as unknown as S3Client;
    const pages: string[][] = [];
    let thrown: unknown;
    try {
      for await (const p of listObjectPages(s3, 'bkt', { prefix: 'x/' })) pages.push(p.map((r) => r.key));
    } catch (err) {
      thrown = err;
    }
    expect(pages).toEqual([['a.json']]);
    expect(isTruncatedListing(thrown)).toBe(true);
    expect(String((thrown as Error).message)).toMatch(/no NextContinuationToken after a\.json/);
  });
});

describe('pruning needs confirmation unless it rests on upload times', () => {
  const w = { sinceMs: Date.parse('2026-10-01T00:00:00Z'), untilMs: Date.parse('2026-11-01T00:00:00Z') };
  it('S3 LastModified before --since: skip outright; a local mtime or a key date: sides to confirm', () => {
    const old = Date.parse('2026-09-01T00:00:00Z');
    expect(prunePlan('x.json', old, w, true)).toBe('skip');
    expect(prunePlan('x.json', old, w, false)).toEqual(['mtime-before']);
    expect(prunePlan('2026-11-24/x.json', undefined, w, true)).toEqual(['key-after']);
    expect(prunePlan('2026/09/01/x.json', undefined, w, true)).toEqual(['key-before']);
    expect(prunePlan('2026-10-15/x.json', undefined, w, true)).toEqual([]);
  });
});

describe('the JSON documents of an incomplete answer', () => {
  const gap = [{ key: 'a/b.jsonl', what: 'object' as const, reason: 'not found (listed, then gone)' }];
  const fmt = jsonFormat({ color: undefined as never, columns: undefined });
  it('events: complete:false and the list, schemaVersion 1, with or without events', () => {
    const none = eventsQueryDocumentSchema.parse(JSON.parse(fmt.footer(0, gap)));
    expect(none).toEqual({ schemaVersion: 1, events: [], complete: false, incomplete: gap });
    const text = `${fmt.header()}${fmt.event({ time: null, entity: null, query: 'q', user: null, outcome: null, failed: false, params: {}, source: { key: 'k', line: 1 }, raw: {} }, 0)}${fmt.footer(1, gap)}`;
    const doc = eventsQueryDocumentSchema.parse(JSON.parse(text));
    expect([doc.events.length, doc.complete, doc.incomplete]).toEqual([1, false, gap]);
    expect(JSON.parse(fmt.footer(0, []))).toEqual({ schemaVersion: 1, events: [] });
  });
  it('counts: complete:false and the list', () => {
    const doc = eventsCountDocumentSchema.parse(JSON.parse(fmt.counts(0, [], gap)));
    expect(doc).toEqual({ schemaVersion: 1, total: 0, groups: [], complete: false, incomplete: gap });
  });
});
