import { resolve } from 'node:path';
import type { ObjectRef } from '../core/objects.js';
import { CliError } from '../errors.js';
import { EventCounter } from './count.js';
import type { EventFilter } from './filter.js';
import { addStats, emptyStats, type ReadStats } from './reader.js';
import { listLocalObjects } from './sources/dir.js';
import type { IncompleteObject } from './sources/source.js';
import { takeWorkers } from './worker-pool.js';

/*
 * A full read of a local copy on several cores: each worker thread runs the same pipeline (list → prune →
 * decode → scan → normalize → filter → count or format) over its share of the objects: those the main thread
 * hands it from one listing, or, with a time window, every n-th object of its own listing. Counts
 * are merged; ndjson text comes back in chunks the main thread writes to stdout, with back-pressure (a
 * worker waits once a few of its chunks are not yet written). The same code reads, so the answers are
 * exactly the single-threaded ones; only the order of objects differs, as it does between runs anyway.
 */

/** What a worker needs: plain data (it compiles the filter itself). */
export interface ReadTask {
  mode: 'count' | 'ndjson';
  dir: string;
  prefix: string | undefined;
  needStat: boolean;
  filter: EventFilter;
  concurrency: number;
  maxRecordBytes: number | undefined;
  redact: boolean;
  part: number;
  parts: number;
  /**
   * The objects come from the main thread, which lists once and hands them out as workers ask (`want`),
   * instead of every worker listing the whole tree and reading every n-th object. Only without a time
   * window: pruning by date may list twice and confirms its assumptions on samples of the whole listing.
   */
  shared: boolean;
}

/** Messages to a worker: objects to read (shared listing), or a send buffer given back. */
export type ToWorker = { refs: ObjectRef[]; end: boolean } | ArrayBuffer;

/** Objects handed to a worker per request (shared listing). */
export const HAND_OUT = 32;

export interface WorkerResult {
  stats: ReadStats;
  groups: { entity: string | null; query: string; count: number }[];
}

/** Messages from a worker. */
export type WorkerMessage =
  | { progress: ReadStats }
  | { chunk: Uint8Array }
  | { done: WorkerResult }
  | { want: number }
  | { error: { message: string; hint?: string | undefined } };

export async function parallelRead(
  task: Omit<ReadTask, 'part' | 'parts' | 'shared'>,
  parts: number,
  opts: {
    signal: AbortSignal;
    onStats?: (s: ReadStats) => void;
    /** ndjson: writes a chunk of complete lines (UTF-8) and calls `written` once the bytes are handed on. */
    write?: (bytes: Uint8Array, written: () => void) => void;
  },
): Promise<{ stats: ReadStats; counter: EventCounter }> {
  const shared = !task.needStat;
  const workers = takeWorkers(parts);
  workers.forEach((w, part) => {
    w.postMessage({
      ...task,
      // One object at a time per worker: its reads are blocking calls (see dirSource), so reading more
      // at once gains nothing and holds more text and events (peak RSS of unfiltered ndjson over 1M
      // events: 124 MB with one, 148 MB with two, 168 MB with --concurrency 16 shared out).
      concurrency: 1,
      part,
      parts,
      shared,
    } satisfies ReadTask);
  });
  const stop = () => {
    for (const w of workers) void w.terminate();
  };
  opts.signal.addEventListener('abort', stop, { once: true });
  const live: (ReadStats | undefined)[] = [];
  // The shared listing's own numbers: every object listed (each worker saw only its share) and the folders
  // it could not list.
  const listing = { ...emptyStats(), incomplete: [] as IncompleteObject[] };
  const sum = (): ReadStats => {
    const t = emptyStats();
    // The listing's gaps first: it found them before any object was read.
    if (shared) addStats(t, listing);
    for (const s of live) if (s) addStats(t, s);
    return t;
  };
  const handOut = shared ? sharedListing(task, opts.signal, listing) : undefined;
  try {
    const results = await Promise.all(
      workers.map(
        (w, i) =>
          new Promise<WorkerResult>((resolve, reject) => {
            w.on('message', (m: WorkerMessage) => {
              if ('chunk' in m) {
                // Giving the buffer back tells the worker its chunk is written and it may send more.
                const buffer = m.chunk.buffer as ArrayBuffer;
                const back = () => w.postMessage(buffer, [buffer]);
                if (opts.write) opts.write(m.chunk, back);
                else back();
              } else if ('want' in m) {
                handOut?.(m.want).then(
                  (refs) => w.postMessage({ refs, end: refs.length < m.want } satisfies ToWorker),
                  reject,
                );
              } else if ('progress' in m) {
                live[i] = m.progress;
                opts.onStats?.(sum());
              } else if ('done' in m) resolve(m.done);
              else reject(new CliError(m.error.message, m.error.hint ? { hint: m.error.hint } : {}));
            });
            w.on('error', reject);
            w.on('exit', (code) => {
              if (opts.signal.aborted) resolve({ stats: sum(), groups: [] });
              else reject(new Error(`reader thread exited with code ${code}`));
            });
          }),
      ),
    );
    results.forEach((r, i) => {
      live[i] = r.stats;
    });
    const counter = new EventCounter();
    for (const r of results) for (const g of r.groups) counter.add(g.entity ?? undefined, g.query, g.count);
    return { stats: sum(), counter };
  } finally {
    opts.signal.removeEventListener('abort', stop);
    stop();
  }
}

/**
 * The main thread's one listing of the copy, handed out in order as workers ask: a worker that reads
 * faster asks more often, so the work balances itself. Requests are served one at a time (the listing is
 * one iterator); an empty answer means the listing is done.
 */
function sharedListing(
  task: Pick<ReadTask, 'dir' | 'prefix'>,
  signal: AbortSignal,
  stats: { listed: number; incomplete: IncompleteObject[] },
): (n: number) => Promise<ObjectRef[]> {
  const root = resolve(task.dir);
  const iterator = listLocalObjects(
    root,
    task.prefix,
    signal,
    false,
    (gap) => stats.incomplete.push(gap),
    true,
  );
  let done = false;
  let queue: Promise<unknown> = Promise.resolve();
  return (n) => {
    const next = queue.then(async () => {
      const refs: ObjectRef[] = [];
      while (!done && refs.length < n) {
        const r = await iterator.next();
        if (r.done) done = true;
        else {
          stats.listed++;
          refs.push(r.value);
        }
      }
      return refs;
    });
    queue = next.catch(() => undefined);
    return next;
  };
}
