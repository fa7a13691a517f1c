import {
  type AthenaClient,
  costLine,
  estimateCost,
  getTableMetadata,
  type QueryStatus,
  queryRows,
  startQuery,
  stopQuery,
  waitForQuery,
} from '../../aws/athena.js';
import { isAwsFailure } from '../../aws/errors.js';
import type { AwsSettings } from '../../aws/factory.js';
import type { Context } from '../../context.js';
import { terminalSafe } from '../../core/sanitize.js';
import { CliError, ExitCode, InterruptedError } from '../../errors.js';
import { startStep } from '../../ui/progress.js';
import { terminalColumns } from '../../ui/table.js';
import type { EventFilter } from '../filter.js';
import { loadFormat, type OutputFormat } from '../formats/index.js';
import { readFacts } from '../normalize.js';
import { colorFor, eventSink, OutputWriter } from '../output.js';
import { type KeyLayout, layoutFromTableParameters } from './layout.js';
import { rowToCountGroup, rowToEvent, rowToRecord, sortCountGroups } from './rows.js';
import { compileQuery, renderTrino } from './sql.js';
import { withAthenaHint } from './statement.js';

/** One `events query --engine athena` run, complete: nothing below this reads a flag. */
export interface AthenaEventsQuery {
  engine: 'athena';
  mode: 'events' | 'count';
  filter: EventFilter;
  format: OutputFormat;
  limit: number | undefined;
  redact: boolean;
  csvRaw: boolean;
  database: string;
  table: string;
  workgroup: string | undefined;
  outputLocation: string | undefined;
  /** --suffix/--bucket when given: the table's LOCATION is checked against it (a warning, not an error). */
  bucket: string | undefined;
  aws: AwsSettings;
}

export interface AthenaRunOptions {
  /** For tests: the waits between polls. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  initialDelayMs?: number;
}

const fmt = (n: number) => n.toLocaleString('en-US');

function size(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** The table's partition layout (for pruning predicates), or a missing-table error. */
async function tableLayout(ctx: Context, athena: AthenaClient, q: AthenaEventsQuery): Promise<KeyLayout> {
  const name = `${q.database}.${q.table}`;
  try {
    const meta = await getTableMetadata(athena, { database: q.database, table: q.table }, ctx.signal);
    if (!meta) {
      throw new CliError(`The Athena table ${name} does not exist.`, {
        hint: 'Create it once with `prophecy-audit events athena create --suffix <suffix>` (with the same --prefix, --database and --table), then run this query again.',
      });
    }
    const location = meta.parameters.location;
    if (q.bucket !== undefined && location !== undefined && !location.startsWith(`s3://${q.bucket}/`)) {
      const c = colorFor(ctx, ctx.stderr);
      ctx.stderr.write(
        `${c.yellow('Warning:')} ${terminalSafe(`the table ${name} reads ${location}, not the bucket ${q.bucket}.`)}\n`,
      );
    }
    return layoutFromTableParameters(meta.parameters);
  } catch (err) {
    // Pruning never changes the answer: without the table's layout the query is only slower.
    if (isAwsFailure(err, 'access-denied')) {
      const c = colorFor(ctx, ctx.stderr);
      ctx.stderr.write(
        `${c.yellow('Warning:')} could not read the table definition of ${name} (athena:GetTableMetadata denied); querying without partition predicates, which may scan more data.\n`,
      );
      return { kind: 'none', reason: 'the table definition could not be read' };
    }
    throw err;
  }
}

/**
 * Runs the filters as one Athena query: compile, start, poll with back-off (progress on a terminal),
 * stream the result pages into the chosen format through the same sinks as the local engine, and end
 * with the data scanned and the cost estimate on stderr. Ctrl-C stops the query (StopQueryExecution).
 */
export async function runAthenaQuery(
  ctx: Context,
  q: AthenaEventsQuery,
  opts: AthenaRunOptions = {},
): Promise<number> {
  const started = ctx.now();
  const athena = await ctx.aws(q.aws).athena();
  try {
    const layout = await tableLayout(ctx, athena, q);
    const sql = renderTrino(
      compileQuery(q.filter, { limit: q.limit, count: q.mode === 'count', layout }),
      q.database,
      q.table,
    );
    if (ctx.debug) ctx.stderr.write(`Athena query:\n${terminalSafe(sql, { newlines: true })}\n`);
    const target = { database: q.database, workgroup: q.workgroup, outputLocation: q.outputLocation };
    const id = await startQuery(athena, sql, target, ctx.signal);
    const status = await waitWithProgress(ctx, athena, id, `${q.database}.${q.table}`, opts);

    const columns = terminalColumns(ctx.stdout);
    const format = await loadFormat(q.format, {
      color: colorFor(ctx, ctx.stdout),
      columns,
      csvRaw: q.csvRaw,
    });
    const out = new OutputWriter(ctx.stdout);
    let matched = 0;
    const rows = queryRows(athena, id, { signal: ctx.signal });
    if (q.mode === 'count') {
      const groups = [];
      for await (const row of rows) groups.push(rowToCountGroup(row));
      matched = groups.reduce((n, g) => n + g.count, 0);
      out.write(format.counts(matched, sortCountGroups(groups)));
      await out.end();
    } else {
      const sink = eventSink(format, out);
      for await (const row of rows) {
        const facts = readFacts(rowToRecord(row));
        const event = rowToEvent(row, { redact: q.redact });
        if (!facts || !event) continue;
        sink.add(facts, event);
        matched++;
        await sink.flush();
      }
      await sink.finish();
    }
    if (ctx.signal.aborted) throw new InterruptedError('Interrupted.');
    const c = colorFor(ctx, ctx.stderr);
    const billed = status.statementType === undefined || status.statementType === 'DML';
    const line = [
      `${fmt(matched)} ${q.mode === 'count' ? 'events counted' : 'matched'}${q.limit !== undefined && q.mode === 'events' && matched >= q.limit ? ` (stopped at --limit ${q.limit})` : ''}`,
      costLine(estimateCost(status.bytesScanned, billed)),
      `Athena query ${id}`,
      `${((ctx.now() - started) / 1000).toFixed(1)}s`,
    ].join(' · ');
    ctx.stderr.write(`${c.dim(terminalSafe(line))}\n`);
    return ExitCode.ok;
  } finally {
    athena.destroy();
  }
}

/** Polls until the query ends; a progress line on a terminal; Ctrl-C stops the query first. */
async function waitWithProgress(
  ctx: Context,
  athena: AthenaClient,
  id: string,
  table: string,
  opts: AthenaRunOptions,
): Promise<QueryStatus> {
  const started = ctx.now();
  // The SIGINT handler exits the process: it awaits this before it does, so the query is stopped.
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stopQuery(athena, id).catch(() => undefined);
    return stopping;
  };
  const unregister = ctx.interrupt.onInterrupt(stop);
  ctx.interrupt.set(() => `Interrupted: stopping the Athena query ${id} (StopQueryExecution)…`);
  const step = await startStep(`Athena query ${id}: submitted`, ctx.stderr, ctx.env);
  try {
    return await waitForQuery(athena, id, {
      signal: ctx.signal,
      table,
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      ...(opts.initialDelayMs === undefined ? {} : { initialDelayMs: opts.initialDelayMs }),
      onProgress: (s) => {
        step.update(
          `Athena query ${id}: ${s.state.toLowerCase()} · ${size(s.bytesScanned)} scanned · ${((ctx.now() - started) / 1000).toFixed(0)}s`,
        );
      },
    });
  } catch (err) {
    if (ctx.signal.aborted) {
      // waitForQuery has sent StopQueryExecution before giving up.
      throw new InterruptedError(`Interrupted: the Athena query ${id} was stopped.`);
    }
    throw withAthenaHint(err);
  } finally {
    step.stop();
    unregister();
    ctx.interrupt.set(undefined);
  }
}
