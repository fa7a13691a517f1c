import {
  type AthenaClient,
  AthenaQueryError,
  type AthenaTarget,
  type PollOptions,
  type QueryStatus,
  startQuery,
  stopQuery,
  waitForQuery,
} from '../../aws/athena.js';
import type { Context } from '../../context.js';
import { CliError } from '../../errors.js';

/**
 * Athena's reason, with advice for the failures a first run meets: no result location (the workgroup
 * sets none and --output-location was not given).
 */
export function withAthenaHint(err: unknown): unknown {
  if (err instanceof AthenaQueryError && /output location|OutputLocation/i.test(err.status.reason ?? '')) {
    return new CliError(err.message, {
      cause: err,
      hint: 'Pass --output-location s3://<bucket>/<path>/ for the query results, or use a --workgroup that sets a result location.',
    });
  }
  return err;
}

/**
 * Runs one statement to its end: start, poll with back-off; Ctrl-C stops it (the SIGINT handler awaits
 * the StopQueryExecution registered here before the process exits).
 */
export async function runStatement(
  ctx: Context,
  athena: AthenaClient,
  sql: string,
  target: AthenaTarget,
  poll: Omit<PollOptions, 'signal'> = {},
): Promise<QueryStatus> {
  const id = await startQuery(athena, sql, target, ctx.signal);
  let stopping: Promise<void> | undefined;
  const unregister = ctx.interrupt.onInterrupt(() => {
    stopping ??= stopQuery(athena, id).catch(() => undefined);
    return stopping;
  });
  try {
    return await waitForQuery(athena, id, { ...poll, signal: ctx.signal });
  } catch (err) {
    throw withAthenaHint(err);
  } finally {
    unregister();
  }
}
