import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isNotFound } from '../aws/errors.js';
import type { AwsSettings } from '../aws/factory.js';
import type { Context } from '../context.js';
import type { CompiledFilter, EventFilter } from '../core/events/filter.js';
import type { OutputFormat } from '../core/events/format.js';
import { terminalSafe } from '../core/sanitize.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { listLocalObjects, openLocalObject } from '../io/local-objects.js';
import { paint } from '../ui/color.js';
import { countSink, eventSink, OutputWriter, renderInspect } from '../ui/events-output.js';
import { canSpin } from '../ui/progress.js';
import { inspectObjects } from './inspect.js';
import { type ObjectSource, type ReadStats, readEvents } from './reader.js';

export type QuerySource =
  | { kind: 'dir'; dir: string; prefix: string | undefined }
  | { kind: 's3'; bucket: string; prefix: string | undefined; aws: AwsSettings };

/** One `events query` run, complete: nothing below this reads a flag. */
export interface EventsQuery {
  source: QuerySource;
  mode: 'events' | 'count' | 'inspect';
  filter: EventFilter;
  compiled: CompiledFilter;
  format: OutputFormat;
  limit: number | undefined;
  concurrency: number;
  redact: boolean;
  strict: boolean;
  csvRaw: boolean;
  /** --max-record-bytes; undefined: the scanner's default (16 MiB). */
  maxRecordBytes?: number | undefined;
}

async function dirSource(dir: string, prefix: string | undefined, needStat: boolean): Promise<ObjectSource> {
  const root = resolve(dir);
  const st = await stat(root).catch(() => undefined);
  if (!st?.isDirectory())
    throw new UsageError(
      `--dir ${dir} is not a directory.`,
      'Pass the folder of a local copy, e.g. one made with `aws s3 sync`.',
    );
  return {
    list: (signal) => listLocalObjects(root, prefix, signal, needStat),
    open: (key) => openLocalObject(root, key),
    isGone: (err) => (err as NodeJS.ErrnoException).code === 'ENOENT',
  };
}

async function s3Source(ctx: Context, settings: AwsSettings, bucket: string, prefix: string | undefined) {
  // The SDK is loaded only for a bucket: --dir never pays for it.
  const { listObjects, openObject } = await import('../aws/objects.js');
  const s3 = await ctx.aws(settings).s3();
  const source: ObjectSource = {
    async *list(signal) {
      try {
        yield* listObjects(s3, bucket, prefix, signal);
      } catch (err) {
        if (isNotFound(err) || isNotFound((err as { cause?: unknown }).cause)) {
          throw new CliError(`Bucket ${bucket} does not exist (or is not visible to your identity).`, {
            hint: 'Check --suffix/--bucket, --region and --profile.',
          });
        }
        throw err;
      }
    },
    open: (key, signal) => openObject(s3, bucket, key, signal),
    isGone: (err) => isNotFound(err) || isNotFound((err as { cause?: unknown }).cause),
  };
  return { source, close: () => s3.destroy() };
}

interface Progress {
  around: ((write: () => void) => void) | undefined;
  stop(): void;
}

/** An ora spinner with live counts, only when stderr is a terminal. */
async function startProgress(ctx: Context, stats: () => ReadStats | undefined): Promise<Progress> {
  if (!canSpin(ctx.stderr)) {
    return { around: undefined, stop: () => undefined };
  }
  const { default: ora } = await import('ora');
  const spinner = ora({ text: 'Listing objects…', stream: ctx.stderr, isEnabled: true }).start();
  const timer = setInterval(() => {
    const s = stats();
    if (s) {
      spinner.text = `${fmt(s.listed)} objects listed, ${fmt(s.read)} read · ${fmt(s.scanned)} events scanned · ${fmt(s.matched)} matched`;
    }
  }, 120);
  const sameScreen = ctx.stdout.isTTY === true;
  return {
    around: sameScreen
      ? (write) => {
          spinner.clear();
          write();
          spinner.render();
        }
      : undefined,
    stop: () => {
      clearInterval(timer);
      spinner.stop();
    },
  };
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

export async function runQuery(ctx: Context, q: EventsQuery): Promise<number> {
  const started = ctx.now();
  let close: () => void = () => undefined;
  let source: ObjectSource;
  const windowed = q.filter.sinceMs !== undefined || q.filter.untilMs !== undefined;
  if (q.source.kind === 'dir') source = await dirSource(q.source.dir, q.source.prefix, windowed);
  else {
    const s = await s3Source(ctx, q.source.aws, q.source.bucket, q.source.prefix);
    source = s.source;
    close = s.close;
  }
  const window = { sinceMs: q.filter.sinceMs, untilMs: q.filter.untilMs };
  try {
    if (q.mode === 'inspect') {
      const doc = await inspectObjects(source, window);
      ctx.stdout.write(q.format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : renderInspect(doc));
      return ExitCode.ok;
    }
    let stats: ReadStats | undefined;
    const progress = await startProgress(ctx, () => stats);
    const out = new OutputWriter(ctx.stdout, progress.around);
    const sinkOpts = { csvRaw: q.csvRaw };
    const sink = q.mode === 'count' ? countSink(q.format, out, sinkOpts) : eventSink(q.format, out, sinkOpts);
    try {
      stats = undefined;
      const result = await readEvents(source, {
        filter: q.compiled,
        window,
        concurrency: q.concurrency,
        limit: q.limit,
        redact: q.redact,
        strict: q.strict,
        ...(q.maxRecordBytes === undefined ? {} : { maxRecordBytes: q.maxRecordBytes }),
        sink,
        onStart: (s) => {
          stats = s;
        },
      });
      await sink.finish();
      progress.stop();
      const c = paint(ctx.stderr);
      const line = summaryLine(result, ctx.now() - started, q.limit);
      ctx.stderr.write(`${result.unparseable > 0 ? c.yellow(line) : c.dim(line)}\n`);
      return ExitCode.ok;
    } finally {
      progress.stop();
    }
  } finally {
    close();
  }
}
