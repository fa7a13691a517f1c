import type { Context } from '../context.js';
import { ExitCode, InterruptedError } from '../errors.js';
import { terminalColumns } from '../ui/table.js';
import { loadFormat } from './formats/index.js';
import { inspectObjects, renderInspect } from './inspect.js';
import { colorFor, countSink, eventSink, OutputWriter } from './output.js';
import { parallelRead } from './parallel-read.js';
import { type ReadStats, readEvents } from './reader.js';
import { openSource } from './sources/index.js';
import { type EventsQuery, endOfRun, startProgress, summaryLine } from './summary.js';
import { plannedWorkers } from './worker-pool.js';

export type { EventsQuery } from './summary.js';
export { alertExitCode, endOfRun, incompleteReport, startProgress, summaryLine } from './summary.js';

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
    const workers = plannedWorkers(ctx.env, q);
    if (workers > 0 && q.source.kind === 'dir') {
      // A full read of a local copy: the same pipeline on several cores (./parallel-read.ts).
      try {
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
            write: (bytes, written) => out.writeBytes(bytes, written),
          },
        );
        if (ctx.signal.aborted) throw new InterruptedError('Interrupted.');
        if (q.mode === 'count') out.write(format.counts(counter.total, counter.sorted(), result.incomplete));
        else out.write(format.footer(result.matched, result.incomplete));
        await out.end();
        progress.stop();
        return endOfRun(ctx, q, result, summaryLine(result, ctx.now() - started, q.limit));
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
      await sink.finish(result.incomplete);
      progress.stop();
      return endOfRun(ctx, q, result, summaryLine(result, ctx.now() - started, q.limit));
    } finally {
      progress.stop();
    }
  } finally {
    close();
  }
}
