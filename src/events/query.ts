import type { Context } from '../context.js';
import { terminalSafe } from '../core/sanitize.js';
import { ExitCode, InterruptedError } from '../errors.js';
import { startStep } from '../ui/progress.js';
import { terminalColumns } from '../ui/table.js';
import type { CompiledFilter, EventFilter } from './filter.js';
import { loadFormat, type OutputFormat } from './formats/index.js';
import { inspectObjects, renderInspect } from './inspect.js';
import { colorFor, countSink, eventSink, OutputWriter } from './output.js';
import { readWorkers } from './parallel-read.js';
import { type ReadStats, readEvents } from './reader.js';
import { openSource, type SourceSpec } from './sources/index.js';

/** One `events query` run, complete: nothing below this reads a flag. */
export interface EventsQuery {
  source: SourceSpec;
  mode: 'events' | 'count' | 'inspect';
  filter: EventFilter;
  compiled: CompiledFilter;
  format: OutputFormat;
  limit: number | undefined;
  concurrency: number;
  redact: boolean;
  strict: boolean;
  /** --csv-raw: CSV cells exactly as the events hold them. */
  csvRaw: boolean;
  /** --max-record-bytes; undefined: the scanner's default (16 MiB). */
  maxRecordBytes: number | undefined;
  /** --state: the file remembering which objects were delivered. */
  statePath: string | undefined;
  /** --follow: keep listing every `pollMs` for new or changed objects. */
  follow: { pollMs: number } | undefined;
  /** --exit-code (1) or --min-count n: exit 1 when at least this many events matched. */
  minCount: number | undefined;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function summaryLine(s: ReadStats, ms: number, limit: number | undefined): string {
  const parts = [
    `${fmt(s.read)} objects read (${fmt(s.listed)} listed, ${fmt(s.pruned)} skipped by date)`,
    `${fmt(s.scanned)} events scanned`,
    `${fmt(s.matched)} matched${s.limitReached ? ` (stopped at --limit ${limit})` : ''}`,
    `${fmt(s.unparseable)} unparseable${s.samples.length ? `: ${s.samples.join(', ')}${s.unparseable > s.samples.length ? ', …' : ''}` : ''}`,
    `${(ms / 1000).toFixed(1)}s`,
  ];
  // The samples name object keys, which come from the bucket: never raw on a terminal.
  return terminalSafe(parts.join(' · '));
}

/**
 * A live count on stderr while reading, when it is a terminal: listed, read, scanned, matched. When
 * stdout is the same screen, output is written with the spinner hidden.
 */
export async function startProgress(ctx: Context, stats: () => ReadStats | undefined) {
  const step = await startStep('Listing objects…', ctx.stderr, ctx.env);
  if (!step.spinning) return { around: undefined, stop: () => undefined };
  const timer = setInterval(() => {
    const s = stats();
    if (s) {
      step.update(
        `${fmt(s.listed)} objects listed, ${fmt(s.read)} read · ${fmt(s.scanned)} events scanned · ${fmt(s.matched)} matched`,
      );
    }
  }, 120);
  return {
    around: ctx.stdout.isTTY === true ? step.around : undefined,
    stop: () => {
      clearInterval(timer);
      step.stop();
    },
  };
}

/**
 * Runs a query: opens the source, reads it through the pipeline into the chosen format on stdout, and
 * ends with a summary line on stderr. Ctrl-C (ctx.signal) stops the read and exits 130. With --state or
 * --follow the run is incremental (./deliver.ts): only objects not delivered yet are read, and a signal
 * ends it cleanly (the line being written finished, the state saved) with 130 or 143.
 */
export async function runQuery(ctx: Context, q: EventsQuery): Promise<number> {
  if (q.mode !== 'inspect' && (q.statePath !== undefined || q.follow !== undefined)) {
    const { runIncremental } = await import('./deliver.js');
    return runIncremental(ctx, q);
  }
  const started = ctx.now();
  const windowed = q.filter.sinceMs !== undefined || q.filter.untilMs !== undefined;
  const { source, close } = await openSource(q.source, ctx, { needStat: windowed });
  const window = { sinceMs: q.filter.sinceMs, untilMs: q.filter.untilMs };
  const columns = terminalColumns(ctx.stdout);
  const format = await loadFormat(q.format, { color: colorFor(ctx, ctx.stdout), columns, csvRaw: q.csvRaw });
  try {
    if (q.mode === 'inspect') {
      const doc = await inspectObjects(source, window, ctx.signal);
      if (ctx.signal.aborted) throw new InterruptedError('Interrupted.');
      ctx.stdout.write(format.inspect ? format.inspect(doc) : renderInspect(doc, columns));
      return ExitCode.ok;
    }
    let stats: ReadStats | undefined;
    const progress = await startProgress(ctx, () => stats);
    const out = new OutputWriter(ctx.stdout, progress.around);
    const workers = parallelReadWorkers(ctx, q);
    if (workers > 0 && q.source.kind === 'dir') {
      // A full read of a local copy: the same pipeline on several cores (./parallel-read.ts).
      try {
        const { parallelRead } = await import('./parallel-read.js');
        const { stats: result, counter } = await parallelRead(
          {
            mode: q.mode === 'count' ? 'count' : 'ndjson',
            dir: q.source.dir,
            prefix: q.source.prefix,
            needStat: windowed,
            filter: q.filter,
            concurrency: q.concurrency,
            maxRecordBytes: q.maxRecordBytes,
            redact: q.redact,
          },
          workers,
          {
            signal: ctx.signal,
            onStats: (s) => {
              stats = s;
            },
            write: (text) => {
              out.write(text);
              return out.flush();
            },
          },
        );
        if (ctx.signal.aborted) throw new InterruptedError('Interrupted.');
        if (q.mode === 'count') out.write(format.counts(counter.total, counter.sorted()));
        await out.end();
        progress.stop();
        const c = colorFor(ctx, ctx.stderr);
        const line = summaryLine(result, ctx.now() - started, q.limit);
        ctx.stderr.write(`${result.unparseable > 0 ? c.yellow(line) : c.dim(line)}\n`);
        return alertExitCode(q, result.matched);
      } finally {
        progress.stop();
      }
    }
    const sink = q.mode === 'count' ? countSink(format, out) : eventSink(format, out);
    try {
      const result = await readEvents(source, {
        filter: q.compiled,
        window,
        concurrency: q.concurrency,
        limit: q.limit,
        redact: q.redact,
        ...(q.maxRecordBytes === undefined ? {} : { maxRecordBytes: q.maxRecordBytes }),
        strict: q.strict,
        sink,
        signal: ctx.signal,
        onStart: (s) => {
          stats = s;
        },
      });
      if (ctx.signal.aborted) throw new InterruptedError('Interrupted.');
      await sink.finish();
      progress.stop();
      const c = colorFor(ctx, ctx.stderr);
      const line = summaryLine(result, ctx.now() - started, q.limit);
      ctx.stderr.write(`${result.unparseable > 0 ? c.yellow(line) : c.dim(line)}\n`);
      return alertExitCode(q, result.matched);
    } finally {
      progress.stop();
    }
  } finally {
    close();
  }
}

/**
 * Worker threads for a full read of a local copy (0: read on the main thread): --count, and --output ndjson
 * without --query/--entity/--user (with them the raw-line pre-filter already skips most of the work). Not
 * with --strict or --limit, which stop at the first bad record or n-th match. PROPHECY_AUDIT_WORKERS
 * overrides the number (0 turns them off).
 */
function parallelReadWorkers(ctx: Pick<Context, 'env'>, q: EventsQuery): number {
  if (q.source.kind !== 'dir' || q.strict || q.limit !== undefined) return 0;
  const fits = q.mode === 'count' || (q.mode === 'events' && q.format === 'ndjson' && !q.compiled.prefilters);
  if (!fits) return 0;
  const auto = readWorkers();
  const env = ctx.env.PROPHECY_AUDIT_WORKERS;
  if (auto > 0 && env !== undefined && /^\d+$/.test(env)) return Math.min(Number(env), 16);
  return auto;
}

/** --exit-code / --min-count: 1 when at least that many events matched, else 0; without them always 0. */
export function alertExitCode(q: Pick<EventsQuery, 'minCount'>, matched: number): number {
  return q.minCount !== undefined && matched >= q.minCount ? ExitCode.checkFailed : ExitCode.ok;
}
