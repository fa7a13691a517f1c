import { setMaxListeners } from 'node:events';
import type { ObjectRef } from '../core/objects.js';
import { CliError } from '../errors.js';
import { decodeText } from './decode.js';
import { exceedsDepth, MAX_RECORD_DEPTH } from './depth.js';
import type { AuditEvent, EventFacts } from './event.js';
import type { CompiledFilter } from './filter.js';
import { pruneReason, type TimeWindow } from './key-dates.js';
import { readFacts, toEvent } from './normalize.js';
import { RecordScanner } from './scan.js';
import { isReadable, type ObjectSource } from './sources/source.js';

/** Receives matches (output.ts's sinks); `flush` resolves once the output can take more (back-pressure). */
export interface MatchSink {
  /** Full events are built only if the sink wants them (--count needs just the facts). */
  wantsEvents: boolean;
  add(facts: EventFacts, event: AuditEvent | undefined): void;
  flush(): Promise<void> | undefined;
}

export interface ReadStats {
  listed: number;
  pruned: number;
  read: number;
  bytes: number;
  scanned: number;
  matched: number;
  unparseable: number;
  /** The first few `key:line (reason)` of records that could not be used. */
  samples: string[];
  limitReached: boolean;
}

export interface ReadOptions {
  filter: CompiledFilter;
  window: TimeWindow;
  concurrency: number;
  limit: number | undefined;
  redact: boolean;
  strict: boolean;
  /** The longest record read (--max-record-bytes); longer ones are skipped and reported. */
  maxRecordBytes?: number;
  sink: MatchSink;
  /** The run's signal (the CLI aborts it on Ctrl-C): aborting it stops listing and in-flight reads. */
  signal?: AbortSignal;
  /** Gets the live counters once reading starts (for a progress display). */
  onStart?: (stats: Readonly<ReadStats>) => void;
  /** Listed objects it returns false for are not read (--state/--follow: already delivered). */
  select?: (ref: ObjectRef) => boolean;
  /**
   * Called once per object read to its end, after its matches went to the sink and the sink's flush;
   * `complete: false` when its records were not all delivered (so it must not be marked delivered).
   * Not called for an object cut short by --limit, --strict, the signal, or one gone since listing.
   * The next object is read only once the returned promise settles.
   */
  onObjectDone?: (ref: ObjectRef, result: { complete: boolean }) => Promise<void> | void;
}

const MAX_SAMPLES = 5;

/**
 * The pipeline for one query: lists the source, prunes by date, reads every other object (up to
 * `concurrency` at once) through decode → scan → normalize → filter, and hands matches to the sink.
 * Listing, reading and output all stream; --limit, --strict's first bad record and `signal` abort listing
 * and in-flight reads. After `signal` aborts, the stats read so far are returned (the caller decides).
 */
export async function readEvents(source: ObjectSource, opts: ReadOptions): Promise<ReadStats> {
  const stats: ReadStats = {
    listed: 0,
    pruned: 0,
    read: 0,
    bytes: 0,
    scanned: 0,
    matched: 0,
    unparseable: 0,
    samples: [],
    limitReached: false,
  };
  opts.onStart?.(stats);
  const ctl = new AbortController();
  const signal = ctl.signal;
  // Every in-flight request listens on this one signal: more than Node's default warning threshold of 10.
  setMaxListeners(Math.max(16, opts.concurrency * 4), signal);
  const onOuterAbort = () => ctl.abort();
  if (opts.signal?.aborted) ctl.abort();
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let failure: unknown;

  const listing = source.list(signal)[Symbol.asyncIterator]();
  const { filter, sink, limit } = opts;

  const bad = (key: string, line: number, reason: string) => {
    stats.unparseable++;
    if (stats.samples.length < MAX_SAMPLES) stats.samples.push(`${key}:${line} (${reason})`);
    if (opts.strict && failure === undefined) {
      failure = new CliError(`Record ${key}:${line} could not be read: ${reason} (--strict).`, {
        hint: 'Run without --strict to skip such records, or with --inspect to see how the objects look.',
      });
      ctl.abort();
    }
  };

  async function readOne(ref: ObjectRef): Promise<void> {
    const key = ref.key;
    const scanner = new RecordScanner(
      {
        record(record, line) {
          stats.scanned++;
          if (stats.limitReached || failure !== undefined) return;
          const facts = readFacts(record);
          if (facts === undefined) return bad(key, line, 'no query name');
          if (!filter.matches(facts)) return;
          // Building and printing the event walk it recursively; only matches pay for this check.
          if (exceedsDepth(record)) return bad(key, line, `nested deeper than ${MAX_RECORD_DEPTH} levels`);
          stats.matched++;
          sink.add(facts, sink.wantsEvents ? toEvent(facts, record, { key, line }, opts) : undefined);
          if (limit !== undefined && stats.matched >= limit) {
            stats.limitReached = true;
            ctl.abort();
          }
        },
        skipped(count) {
          stats.scanned += count;
        },
        bad(line, reason) {
          bad(key, line, reason);
        },
      },
      filter.prefilters ? filter : undefined,
      opts.maxRecordBytes === undefined ? {} : { maxRecordChars: opts.maxRecordBytes },
    );
    let body: AsyncIterable<Uint8Array>;
    try {
      body = await source.open(key, signal);
    } catch (err) {
      if (source.isGone(err)) return;
      throw err;
    }
    stats.read++;
    try {
      for await (const text of decodeText(body)) {
        stats.bytes += text.length;
        scanner.push(text);
        const wait = sink.flush();
        if (wait) await wait;
        if (signal.aborted) return;
      }
    } catch (err) {
      if (signal.aborted) return;
      if ((err as { code?: string }).code?.startsWith('Z_')) {
        bad(key, 0, 'gzip data is corrupt');
        await opts.onObjectDone?.(ref, { complete: false });
        return;
      }
      throw err;
    }
    scanner.end();
    await sink.flush();
    if (!signal.aborted) await opts.onObjectDone?.(ref, { complete: true });
  }

  async function worker(): Promise<void> {
    while (!signal.aborted) {
      const next = await listing.next();
      if (next.done) return;
      const ref = next.value;
      stats.listed++;
      if (!isReadable(ref)) continue;
      if (pruneReason(ref.key, ref.lastModifiedMs, opts.window) !== undefined) {
        stats.pruned++;
        continue;
      }
      if (opts.select && !opts.select(ref)) continue;
      await readOne(ref);
    }
  }

  const workers = Array.from({ length: Math.max(1, opts.concurrency) }, () =>
    worker().catch((err: unknown) => {
      if (!signal.aborted && failure === undefined) failure = err;
      ctl.abort();
    }),
  );
  await Promise.all(workers);
  opts.signal?.removeEventListener('abort', onOuterAbort);
  await listing.return?.(undefined);
  if (failure !== undefined) throw failure;
  return stats;
}
