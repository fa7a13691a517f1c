import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { compileFilter, NO_FILTER } from '../../src/events/filter.js';
import { type MatchSink, readEvents } from '../../src/events/reader.js';
import type { ObjectSource } from '../../src/events/sources/source.js';

/** `n` objects of one JSON line each; opening one takes a little while, like a request. */
function slowSource(n: number): ObjectSource & { opened: number } {
  const source = {
    opened: 0,
    async *list() {
      for (let i = 0; i < n; i++)
        yield { key: `k/${String(i).padStart(3, '0')}.json`, size: 40, lastModifiedMs: 1 };
    },
    async open(key: string, signal: AbortSignal) {
      source.opened++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      signal.throwIfAborted();
      return Readable.from([Buffer.from(`${JSON.stringify({ opType: 'commit', key })}\n`)]);
    },
    objectFailure: () => undefined,
    timesAreUploads: true,
  };
  return source;
}

const options = (sink: MatchSink, signal?: AbortSignal) => ({
  filter: compileFilter(NO_FILTER),
  window: { sinceMs: undefined, untilMs: undefined },
  concurrency: 4,
  limit: undefined,
  redact: true,
  strict: false,
  sink,
  ...(signal ? { signal } : {}),
});

describe('readEvents and the run signal', () => {
  it('reads everything when nothing aborts', async () => {
    const source = slowSource(40);
    let matched = 0;
    const stats = await readEvents(
      source,
      options({ wantsEvents: false, add: () => void matched++, flush: () => undefined }),
    );
    expect([stats.read, stats.matched, matched]).toEqual([40, 40, 40]);
  });

  it('aborting the signal (Ctrl-C) stops listing and in-flight reads', async () => {
    const source = slowSource(200);
    const interrupt = new AbortController();
    let matched = 0;
    const sink: MatchSink = {
      wantsEvents: false,
      add: () => {
        if (++matched === 3) interrupt.abort();
      },
      flush: () => undefined,
    };
    const stats = await readEvents(source, options(sink, interrupt.signal));
    expect(stats.matched).toBeGreaterThanOrEqual(3);
    expect(stats.matched).toBeLessThan(10);
    expect(source.opened).toBeLessThan(12);
  });

  it('a signal aborted before the start reads nothing', async () => {
    const source = slowSource(10);
    const stats = await readEvents(
      source,
      options({ wantsEvents: false, add: () => undefined, flush: () => undefined }, AbortSignal.abort()),
    );
    expect(stats.read).toBe(0);
    expect(source.opened).toBe(0);
  });
});
