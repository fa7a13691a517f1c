import type { Context } from '../context.js';
import { terminalSafe } from '../core/sanitize.js';
import { ExitCode } from '../errors.js';
import { startStep } from '../ui/progress.js';
import type { CompiledFilter, EventFilter } from './filter.js';
import type { OutputFormat } from './formats/index.js';
import { colorFor } from './output.js';
import type { ReadStats } from './reader.js';
import type { SourceSpec } from './sources/index.js';
import type { IncompleteObject } from './sources/source.js';

/*
 * What every way of running a query shares (one thread, worker threads, --state/--follow rounds in
 * ./deliver.ts): its complete input, the progress line, the summary and how the run ends.
 */

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

export function summaryLine(
  s: Omit<ReadStats, 'incomplete' | 'notes'> & Partial<Pick<ReadStats, 'incomplete'>>,
  ms: number,
  limit: number | undefined,
): string {
  const missed = s.incomplete?.length ?? 0;
  const parts = [
    `${fmt(s.read)} objects read (${fmt(s.listed)} listed, ${fmt(s.pruned)} skipped by date)`,
    `${fmt(s.scanned)} events scanned`,
    `${fmt(s.matched)} matched${s.limitReached ? ` (stopped at --limit ${limit})` : ''}`,
    `${fmt(s.unparseable)} unparseable${s.samples.length ? `: ${s.samples.join(', ')}${s.unparseable > s.samples.length ? ', …' : ''}` : ''}`,
    ...(missed > 0 ? [`${fmt(missed)} incomplete`] : []),
    `${(ms / 1000).toFixed(1)}s`,
  ];
  // The samples name object keys, which come from the bucket: never raw on a terminal.
  return terminalSafe(parts.join(' · '));
}

/**
 * How every run ends on stderr, whatever read it (one thread, workers, --state/--follow rounds): the notes,
 * the summary line, then either the alert exit code or, when objects could not be read completely, their
 * report and exit 2 — never 0 short of events.
 */
export function endOfRun(ctx: Context, q: EventsQuery, result: ReadStats, line: string): number {
  const c = colorFor(ctx, ctx.stderr);
  for (const note of result.notes) ctx.stderr.write(`${c.yellow(terminalSafe(`Note: ${note}`))}\n`);
  const worry = result.unparseable > 0 || result.incomplete.length > 0;
  ctx.stderr.write(`${worry ? c.yellow(line) : c.dim(line)}\n`);
  if (result.incomplete.length === 0) return alertExitCode(q, result.matched);
  ctx.stderr.write(incompleteReport(result.incomplete, c.red('Error:')));
  return ExitCode.error;
}

/**
 * The stderr report of an incomplete answer: one line saying so, then each object (or listing) that
 * could not be read completely, with why. Keys come from the bucket: never raw on a terminal.
 */
export function incompleteReport(incomplete: readonly IncompleteObject[], label = 'Error:'): string {
  const n = incomplete.length;
  const head = `${label} the answer is incomplete: ${fmt(n)} ${n === 1 ? 'object' : 'objects'} could not be read completely (everything else was delivered):`;
  const lines = incomplete.map((o) =>
    terminalSafe(
      `  ${o.what === 'listing' ? `listing of ${o.key === '' ? '(everything)' : o.key}` : o.key}: ${o.reason}`,
    ),
  );
  return `${[head, ...lines].join('\n')}\n`;
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
/** --exit-code / --min-count: 1 when at least that many events matched, else 0; without them always 0. */
export function alertExitCode(q: Pick<EventsQuery, 'minCount'>, matched: number): number {
  return q.minCount !== undefined && matched >= q.minCount ? ExitCode.checkFailed : ExitCode.ok;
}
