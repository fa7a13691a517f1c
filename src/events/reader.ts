import { setMaxListeners } from 'node:events';
import type { AuditEvent, EventFacts } from '../core/event.js';
import type { ObjectRef } from '../core/objects.js';
import { CliError } from '../errors.js';
import { decodeText } from './decode.js';
import { exceedsDepth, MAX_RECORD_DEPTH } from './depth.js';
import type { CompiledFilter } from './filter.js';
import {
  type PruneSide,
  prunePlan,
  sideAssumption,
  sideDistance,
  sideHolds,
  type TimeWindow,
} from './key-dates.js';
import { lineFacts, readLineRun } from './line-facts.js';
import { readFacts, toEvent } from './normalize.js';
import { RecordScanner } from './scan.js';
import { type IncompleteObject, isReadable, type ObjectSource } from './sources/source.js';

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
  /**
   * Objects that could not be read completely (and listings that stopped early), each once: when not
   * empty the answer is incomplete and the run must end with exit 2 naming them.
   */
  incomplete: IncompleteObject[];
  /** Things the reader decided that change how it read, one line each for stderr (e.g. pruning not used). */
  notes: string[];
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
   * `complete: false` when its records were not all delivered (it is named as incomplete, so it must not be
   * marked delivered). Not called for an object cut short by --limit, --strict or the signal.
   * The next object is read only once the returned promise settles.
   */
  onObjectDone?: (ref: ObjectRef, result: { complete: boolean }) => Promise<void> | void;
}

const MAX_SAMPLES = 5;

/** Counters before anything was read (also the start of a total over rounds or worker threads). */
export function emptyStats(): ReadStats {
  return {
    listed: 0,
    pruned: 0,
    read: 0,
    bytes: 0,
    scanned: 0,
    matched: 0,
    unparseable: 0,
    samples: [],
    limitReached: false,
    incomplete: [],
    notes: [],
  };
}

/**
 * Adds one read's counters to a total (rounds of --follow, worker threads). Every round and every worker
 * lists everything: listed and pruned are those of the largest listing; the rest add up.
 */
export function addStats(total: ReadStats, r: ReadStats): void {
  total.listed = Math.max(total.listed, r.listed);
  total.pruned = Math.max(total.pruned, r.pruned);
  total.read += r.read;
  total.bytes += r.bytes;
  total.scanned += r.scanned;
  total.matched += r.matched;
  total.unparseable += r.unparseable;
  for (const s of r.samples) if (total.samples.length < MAX_SAMPLES) total.samples.push(s);
  total.limitReached ||= r.limitReached;
  mergeIncomplete(total, r);
}

/**
 * Adds one read's incomplete objects and notes to a total: each once, since every round and every worker
 * lists everything and so reports a listing gap or a pruning note of its own.
 */
function mergeIncomplete(total: ReadStats, r: Pick<ReadStats, 'incomplete' | 'notes'>): void {
  for (const e of r.incomplete) {
    if (!total.incomplete.some((x) => x.key === e.key && x.what === e.what)) total.incomplete.push(e);
  }
  for (const n of r.notes) if (!total.notes.includes(n)) total.notes.push(n);
}

/** A gzip stream that cannot be decompressed (corrupt or cut short where it is stored). */
function isCorruptGzip(err: unknown): boolean {
  return (err as { code?: unknown }).code?.toString().startsWith('Z_') === true;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The pipeline for one query: lists the source, prunes by date, reads every other object (up to
 * `concurrency` at once) through decode → scan → normalize → filter, and hands matches to the sink.
 * Listing, reading and output all stream; --limit, --strict's first bad record and `signal` abort listing
 * and in-flight reads. After `signal` aborts, the stats read so far are returned (the caller decides).
 *
 * Completeness: an object that cannot be read completely (gone, unreadable, corrupt gzip, a transfer that
 * broke twice) is recorded in `stats.incomplete` and reading goes on; a body that breaks is re-read once,
 * from the same version (IfMatch), after the records already delivered. Pruning that rests on the
 * layout (key dates, a local copy's mtimes) is confirmed on sampled objects first (see confirmPruning).
 */
export async function readEvents(source: ObjectSource, opts: ReadOptions): Promise<ReadStats> {
  const stats = emptyStats();
  opts.onStart?.(stats);
  const ctl = new AbortController();
  const signal = ctl.signal;
  // Every in-flight request listens on this one signal: more than Node's default warning threshold of 10.
  setMaxListeners(Math.max(16, opts.concurrency * 4), signal);
  const onOuterAbort = () => ctl.abort();
  if (opts.signal?.aborted) ctl.abort();
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let failure: unknown;

  const { filter, sink, limit, window } = opts;
  const seenIncomplete = new Set<string>();
  const incomplete = (entry: IncompleteObject) => {
    const id = `${entry.what}:${entry.key}`;
    if (seenIncomplete.has(id)) return;
    seenIncomplete.add(id);
    stats.incomplete.push(entry);
  };

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
    if (opts.select && !opts.select(ref)) return;
    const before = stats.incomplete.length;
    await readObject(ref);
    if (signal.aborted || !opts.onObjectDone) return;
    const complete = !stats.incomplete.slice(before).some((e) => e.key === ref.key);
    await opts.onObjectDone(ref, { complete });
  }

  const matched = (facts: EventFacts, event: AuditEvent | undefined) => {
    stats.matched++;
    sink.add(facts, event);
    if (limit !== undefined && stats.matched >= limit) {
      stats.limitReached = true;
      ctl.abort();
    }
  };

  async function readObject(ref: ObjectRef): Promise<void> {
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
          matched(facts, sink.wantsEvents ? toEvent(facts, record, { key, line }, opts) : undefined);
        },
        facts(facts) {
          stats.scanned++;
          if (stats.limitReached || failure !== undefined) return;
          if (filter.matches(facts)) matched(facts, undefined);
        },
        skipped(n) {
          stats.scanned += n;
        },
        bad(line, reason) {
          bad(key, line, reason);
        },
      },
      filter.prefilters ? filter : undefined,
      {
        ...(opts.maxRecordBytes === undefined ? {} : { maxRecordChars: opts.maxRecordBytes }),
        // A count needs only the facts: read them from the text without building each record.
        ...(sink.wantsEvents
          ? {}
          : {
              lineFacts: (line: string) => lineFacts(line, filter.needs),
              lineRun: (text: string, from: number, max: number, onFacts: (f: EventFacts) => void) =>
                readLineRun(text, from, max, filter.needs, onFacts),
            }),
      },
    );
    // The version being read: the listing's ETag, or what the first GetObject (or stat) says.
    let etag = ref.etag;
    // Text (decoded characters) fed to the scanner, and how much of it a re-read skips.
    let fed = 0;
    let firstBreak: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      let body: AsyncIterable<Uint8Array>;
      try {
        body = await source.open(key, signal, {
          ifMatch: attempt === 0 ? undefined : etag,
          onETag: (e) => {
            if (attempt === 0 && e !== undefined) etag = e;
          },
        });
      } catch (err) {
        if (signal.aborted) return;
        const reason = source.objectFailure(err);
        if (reason === undefined) throw err;
        incomplete({
          key,
          what: 'object',
          reason: firstBreak === undefined ? reason : `${firstBreak}; re-reading it failed: ${reason}`,
        });
        return;
      }
      if (attempt === 0) stats.read++;
      let skip = attempt === 0 ? 0 : fed - scanner.pendingChars();
      if (attempt > 0) {
        scanner.dropPartial();
        fed = skip;
      }
      const chunks = decodeText(body)[Symbol.asyncIterator]();
      let broke: unknown;
      for (;;) {
        let next: IteratorResult<string>;
        try {
          next = await chunks.next();
        } catch (err) {
          broke = err;
          break;
        }
        if (next.done) break;
        let text = next.value;
        if (skip > 0) {
          if (text.length <= skip) {
            skip -= text.length;
            continue;
          }
          text = text.slice(skip);
          skip = 0;
        }
        stats.bytes += text.length;
        fed += text.length;
        scanner.push(text);
        const wait = sink.flush();
        if (wait) await wait;
        if (signal.aborted) {
          await chunks.return?.(undefined);
          return;
        }
      }
      if (broke === undefined && skip > 0) {
        // Cannot happen with the same version; never resume into the middle of something else.
        incomplete({
          key,
          what: 'object',
          reason: `${firstBreak}; the re-read was shorter than the first read`,
        });
        return;
      }
      if (broke === undefined) {
        scanner.end();
        await sink.flush();
        return;
      }
      if (signal.aborted) return;
      if (isCorruptGzip(broke)) {
        const detail = (broke as Error).message.split('\n')[0];
        incomplete({ key, what: 'object', reason: `gzip data is corrupt or truncated (${detail})` });
        return;
      }
      const reason = source.objectFailure(broke);
      if (reason === undefined) throw broke;
      if (attempt > 0 || etag === undefined) {
        incomplete({
          key,
          what: 'object',
          reason: firstBreak === undefined ? reason : `${firstBreak}; re-reading it failed: ${reason}`,
        });
        return;
      }
      firstBreak = reason;
    }
  }

  /**
   * Whether the events of a sampled object agree with the assumption `side` prunes by: read whole,
   * without pre-filter, delivering nothing. Undefined when they do; otherwise what contradicts it.
   */
  async function contradiction(ref: ObjectRef, side: PruneSide): Promise<string | undefined> {
    let found: string | undefined;
    const scanner = new RecordScanner(
      {
        record(record) {
          if (found !== undefined) return;
          const t = readFacts(record)?.timeMs;
          if (t !== undefined && !sideHolds(side, ref.key, ref.lastModifiedMs, t)) {
            found = `${ref.key} holds an event at ${new Date(t).toISOString()}, outside ${sideAssumption(side, ref.key, ref.lastModifiedMs)}`;
          }
        },
        skipped: () => undefined,
        bad: () => undefined,
      },
      undefined,
      opts.maxRecordBytes === undefined ? {} : { maxRecordChars: opts.maxRecordBytes },
    );
    try {
      const body = await source.open(ref.key, signal);
      for await (const text of decodeText(body)) {
        scanner.push(text);
        if (found !== undefined || signal.aborted) return found;
      }
      scanner.end();
    } catch (err) {
      if (signal.aborted) return undefined;
      const reason = source.objectFailure(err) ?? (isCorruptGzip(err) ? 'gzip data is corrupt' : undefined);
      if (reason === undefined) throw err;
      return `${ref.key}, sampled to confirm it, could not be read (${reason})`;
    }
    return found;
  }

  /** Runs `handle` on every entry of `listing`, `concurrency` at a time, until done or aborted. */
  async function drain(listing: AsyncIterator<ObjectRef>, handle: (ref: ObjectRef) => Promise<void>) {
    const workers = Array.from({ length: Math.max(1, opts.concurrency) }, async () => {
      while (!signal.aborted) {
        const next = await listing.next();
        if (next.done) return;
        await handle(next.value);
      }
    }).map((w) =>
      w.catch((err: unknown) => {
        if (!signal.aborted && failure === undefined) failure = err;
        ctl.abort();
      }),
    );
    await Promise.all(workers);
    await listing.return?.(undefined);
  }

  // Objects pruning would skip under an assumption not yet confirmed: counted, and per side the nearest
  // to the window and the farthest from it kept as samples (a listing is never held in memory).
  interface Candidates {
    count: number;
    nearest: { ref: ObjectRef; d: number } | undefined;
    farthest: { ref: ObjectRef; d: number } | undefined;
  }
  const sides = new Map<PruneSide, Candidates>();
  let deferred = 0;
  const sidesOf = (ref: ObjectRef) => prunePlan(ref.key, ref.lastModifiedMs, window, source.timesAreUploads);

  await drain(source.list(signal, incomplete)[Symbol.asyncIterator](), async (ref) => {
    stats.listed++;
    if (!isReadable(ref)) return;
    const plan = sidesOf(ref);
    if (plan === 'skip') {
      stats.pruned++;
      return;
    }
    if (plan.length === 0) return readOne(ref);
    deferred++;
    for (const side of plan) {
      const c = sides.get(side) ?? { count: 0, nearest: undefined, farthest: undefined };
      sides.set(side, c);
      c.count++;
      const d = sideDistance(side, ref.key, ref.lastModifiedMs, window);
      if (!c.nearest || d < c.nearest.d) c.nearest = { ref, d };
      if (!c.farthest || d > c.farthest.d) c.farthest = { ref, d };
    }
  });

  if (deferred > 0 && !signal.aborted && failure === undefined) {
    const confirmed = new Set<PruneSide>();
    for (const [side, c] of sides) {
      const samples = [c.nearest?.ref, c.farthest?.ref].filter((r): r is ObjectRef => r !== undefined);
      let against: string | undefined;
      for (const ref of samples.filter((r, i) => samples.findIndex((x) => x.key === r.key) === i)) {
        against = await contradiction(ref, side);
        if (against !== undefined) break;
      }
      if (signal.aborted) break;
      if (against === undefined) confirmed.add(side);
      else {
        const how =
          side === 'mtime-before'
            ? 'file modification time'
            : `key date ${side === 'key-before' ? 'before' : 'after'} the window`;
        stats.notes.push(
          `Not skipping objects by ${how} in this run: ${against}. The ${count(c.count)} objects it would have skipped are read.`,
        );
      }
    }
    if (confirmed.size === sides.size) stats.pruned += deferred;
    else if (!signal.aborted) {
      // List again and read what no confirmed assumption allows to skip (and nothing read before).
      await drain(source.list(signal, incomplete)[Symbol.asyncIterator](), async (ref) => {
        if (!isReadable(ref)) return;
        const plan = sidesOf(ref);
        if (plan === 'skip' || plan.length === 0) return;
        if (plan.some((side) => confirmed.has(side))) {
          stats.pruned++;
          return;
        }
        await readOne(ref);
      });
    }
  }

  opts.signal?.removeEventListener('abort', onOuterAbort);
  if (failure !== undefined) throw failure;
  return stats;
}
