import { resolve } from 'node:path';
import type { Context } from '../context.js';
import { formatDuration } from '../core/duration.js';
import type { ObjectRef } from '../core/objects.js';
import { terminalSafe } from '../core/sanitize.js';
import { ExitCode } from '../errors.js';
import { terminalColumns } from '../ui/table.js';
import { loadFormat } from './formats/index.js';
import { colorFor, countSink, eventSink, OutputWriter } from './output.js';
import { addStats, emptyStats, type ReadStats, readEvents } from './reader.js';
import { openSource } from './sources/index.js';
import { DeliveryState, loadState, saveState, tagOf } from './state.js';
import { type EventsQuery, endOfRun, startProgress, summaryLine } from './summary.js';

/*
 * Incremental delivery: `--state` (cron: only objects new or changed since the last run) and `--follow`
 * (keep listing and deliver objects as they appear). An object is recorded as delivered only after its
 * events were handed to the OS on stdout; the state file is saved at most once a second, after every
 * round, and at the end. Delivery is at least once per object, never skipped.
 */

/** How often the state file is saved while objects are being delivered. */
const SAVE_EVERY_MS = 1000;

/** What a state file is about: the source and the filters that pick events (not the time window). */
export function scopeOf(q: Pick<EventsQuery, 'source' | 'filter'>): string {
  const s = q.source;
  const where =
    s.kind === 's3' ? `s3://${s.bucket}/${s.prefix ?? ''}` : `dir:${resolve(s.dir)}/${s.prefix ?? ''}`;
  const f = q.filter;
  const parts = [where];
  if (f.entities.length) parts.push(`entity=${[...f.entities].sort().join(',')}`);
  if (f.queries.length) parts.push(`query=${[...f.queries].sort().join(',')}`);
  if (f.user !== undefined) parts.push(`user=${f.user}`);
  if (f.failedOnly) parts.push('failed');
  return parts.join(' ');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) return done();
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
    signal.addEventListener('abort', finish, { once: true });
  });
}

export async function runIncremental(ctx: Context, q: EventsQuery): Promise<number> {
  const started = ctx.now();
  const scope = scopeOf(q);
  // A bad state file stops the run before anything is listed or written.
  const state = new DeliveryState(
    scope,
    q.statePath === undefined ? undefined : loadState(q.statePath, scope),
  );
  ctx.interrupt.graceful = true;
  const { source, close } = await openSource(q.source, ctx, { needStat: true });
  const window = { sinceMs: q.filter.sinceMs, untilMs: q.filter.untilMs };
  const columns = terminalColumns(ctx.stdout);
  const format = await loadFormat(q.format, { color: colorFor(ctx, ctx.stdout), columns, csvRaw: q.csvRaw });
  const c = colorFor(ctx, ctx.stderr);
  const note = (text: string) => ctx.stderr.write(`${c.yellow(terminalSafe(text))}\n`);

  let dirty = false;
  let saveTimer: NodeJS.Timeout | undefined;
  const save = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    if (q.statePath === undefined || !dirty) return;
    dirty = false;
    saveState(q.statePath, state.toFile(ctx.now()));
  };
  const changed = () => {
    dirty = true;
    if (q.statePath !== undefined && saveTimer === undefined) saveTimer = setTimeout(save, SAVE_EVERY_MS);
  };

  // Objects that could not be read whole, by change tag: --follow does not retry them until they change.
  const failed = new Map<string, string | undefined>();
  let unchanged = 0;
  const select = (ref: ObjectRef): boolean => {
    if (failed.has(ref.key) && failed.get(ref.key) === tagOf(ref)) return false;
    const verdict = state.judge(ref);
    if (verdict === 'delivered') {
      unchanged++;
      return false;
    }
    if (verdict === 'changed') {
      const prev = state.previous(ref.key);
      note(
        `${ref.key} changed since it was delivered (ETag ${prev?.etag} → ${tagOf(ref)}, ${prev?.size} → ${ref.size} bytes): its events are emitted again.`,
      );
    }
    return true;
  };

  let stats: ReadStats | undefined;
  const progress = await startProgress(ctx, () => stats);
  const out = new OutputWriter(ctx.stdout, progress.around);
  const sink = q.mode === 'count' ? countSink(format, out) : eventSink(format, out);
  // --count prints at the end: its objects count as delivered only once the counts are written.
  const counted: ObjectRef[] = [];
  const onObjectDone = async (ref: ObjectRef, r: { complete: boolean }) => {
    if (!r.complete) {
      failed.set(ref.key, tagOf(ref));
      return;
    }
    failed.delete(ref.key);
    if (q.mode === 'count') {
      counted.push(ref);
      return;
    }
    await out.sync();
    state.deliver(ref, ctx.now());
    changed();
  };

  const total = emptyStats();
  const waiting = ctx.stderr.isTTY === true && q.follow !== undefined;
  let rounds = 0;
  try {
    for (;;) {
      // The summary reports the objects found already delivered in the last listing.
      unchanged = 0;
      const result = await readEvents(source, {
        filter: q.compiled,
        window,
        concurrency: q.concurrency,
        limit: q.limit === undefined ? undefined : q.limit - total.matched,
        redact: q.redact,
        ...(q.maxRecordBytes === undefined ? {} : { maxRecordBytes: q.maxRecordBytes }),
        strict: q.strict,
        sink,
        signal: ctx.signal,
        select,
        onObjectDone,
        ...(rounds === 0
          ? {
              onStart: (s: ReadStats) => {
                stats = s;
              },
            }
          : {}),
      });
      addStats(total, result);
      await out.sync();
      const whole = !ctx.signal.aborted && !result.limitReached;
      // A round that listed everything moves the horizon: older entries are dropped, older objects not read.
      if (whole) {
        state.prune(ctx.now(), q.filter.sinceMs);
        dirty = true;
      }
      if (q.mode !== 'count') save();
      if (rounds === 0) {
        progress.stop();
        if (q.follow && whole) {
          const line = summaryLine(total, ctx.now() - started, q.limit);
          ctx.stderr.write(`${total.unparseable > 0 ? c.yellow(line) : c.dim(line)}\n`);
        }
      } else if (result.unparseable > 0) {
        note(`${result.unparseable} unparseable: ${result.samples.join(', ')}`);
      }
      rounds++;
      if (!q.follow || !whole) break;
      if (waiting) {
        ctx.stderr.write(
          c.dim(`Waiting for new objects (every ${formatDuration(q.follow.pollMs)}; Ctrl-C to stop)…`),
        );
      }
      await sleep(q.follow.pollMs, ctx.signal);
      if (waiting) ctx.stderr.write('\r\u001b[2K');
      if (ctx.signal.aborted) break;
    }
    const interrupted = ctx.signal.aborted;
    if (!(interrupted && q.mode === 'count')) await sink.finish(total.incomplete);
    if (q.mode === 'count' && !interrupted) {
      for (const ref of counted) state.deliver(ref, ctx.now());
      dirty = true;
    }
    save();
    progress.stop();
    const line = `${summaryLine(total, ctx.now() - started, q.limit)}${unchanged > 0 ? ` · ${unchanged.toLocaleString('en-US')} objects already delivered` : ''}`;
    if (interrupted) {
      ctx.stderr.write(`${total.unparseable > 0 ? c.yellow(line) : c.dim(line)}\n`);
      const reason = ctx.signal.reason;
      ctx.stderr.write(
        `Stopped (${reason === 'SIGTERM' ? 'SIGTERM' : 'Ctrl-C'}) after the last complete event${q.statePath ? `; state saved to ${q.statePath}` : ''}.\n`,
      );
      return reason === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted;
    }
    return endOfRun(ctx, q, total, line);
  } finally {
    if (saveTimer) clearTimeout(saveTimer);
    // Whatever was delivered before a failure stays recorded.
    if (q.mode !== 'count' && dirty && q.statePath !== undefined) {
      try {
        save();
      } catch {
        // the original error matters more
      }
    }
    progress.stop();
    close();
  }
}
