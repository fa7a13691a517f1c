import type { Context } from '../../context.js';
import { checkEntityName, checkQueryName, type NameCheck } from '../../core/catalog.js';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../errors.js';
import type { AthenaEventsQuery } from '../../events/athena/run-query.js';
import { compileFilter, type EventFilter } from '../../events/filter.js';
import type { OutputFormat } from '../../events/formats/index.js';
import type { EventsQuery } from '../../events/query.js';
import type { SourceSpec } from '../../events/sources/index.js';
import { parseTimeBound } from '../../events/time.js';
import { plannedWorkers, startWorkersAhead } from '../../events/worker-pool.js';
import { athenaQuery, checkEngineFlags } from '../events-athena/query.js';
import { resolveBucket } from '../shared/input.js';

import type { EventsQueryFlags } from './flags.js';

// V8 strings top out near 2^29 characters; a cap above that could never be reached.
const MAX_RECORD_CAP = 512 * 1024 * 1024;

function positiveInt(flag: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, not "${value}".`);
  }
  return n;
}

function names(flag: string, values: string[] | undefined, check: (n: string) => NameCheck): string[] {
  return (values ?? []).map((v) => {
    const r = check(v);
    if (r.ok) return r.name;
    const hint =
      r.suggestions.length > 0
        ? `Did you mean ${r.suggestions.map((s) => `"${s}"`).join(' or ')}? `
        : 'See `prophecy-audit events catalog`. ';
    throw new UsageError(
      `Unknown ${flag} "${v}": it is not in Prophecy's event catalog.`,
      `${hint}Pass --allow-unknown to search for it anyway.`,
    );
  });
}

/** Everything the flags say, validated: a mistake exits 2 before any AWS call. */
export function resolveQuery(
  opts: EventsQueryFlags,
  now: number,
  stdoutIsTty: boolean,
  ctx: Pick<Context, 'stderr'>,
) {
  const allow = opts.allowUnknown === true;
  const bound = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const r = parseTimeBound(text, now);
    if (!r.ok) throw new UsageError(`Invalid ${flag}: ${r.message}.`);
    return r.ms;
  };
  const filter: EventFilter = {
    entities: names('--entity', opts.entity, (n) => checkEntityName(n, allow)),
    queries: names('--query', opts.query, (n) => checkQueryName(n, allow)),
    user: opts.user === undefined || opts.user.trim() === '' ? undefined : opts.user.trim(),
    sinceMs: bound('--since', opts.since),
    untilMs: bound('--until', opts.until),
    failedOnly: opts.failed === true,
  };
  if (filter.sinceMs !== undefined && filter.untilMs !== undefined && filter.sinceMs >= filter.untilMs) {
    throw new UsageError('--since must be earlier than --until.');
  }
  if (opts.dir !== undefined && (opts.suffix !== undefined || opts.bucket !== undefined)) {
    throw new UsageError('Give --dir or --suffix/--bucket, not both.');
  }
  // --engine athena reads the table's LOCATION: --suffix/--bucket are optional there.
  const sourceless = opts.suffix === undefined && opts.bucket === undefined;
  if (opts.dir === undefined && sourceless && opts.engine !== 'athena') {
    throw new UsageError(
      'Missing the events to read.',
      'Pass --suffix <suffix> or --bucket <name> for the bucket, or --dir <path> for a local copy.',
    );
  }
  const bucket =
    opts.dir === undefined && !(sourceless && opts.engine === 'athena')
      ? resolveBucket(opts, ctx).bucket
      : undefined;
  const format: OutputFormat = opts.output ?? (stdoutIsTty ? 'table' : 'ndjson');
  const minCount =
    positiveInt('--min-count', opts.minCount, Number.MAX_SAFE_INTEGER) ?? (opts.exitCode ? 1 : undefined);
  if (opts.follow && minCount !== undefined)
    throw new UsageError(
      '--exit-code and --min-count need a run that ends: not with --follow.',
      'Run them from cron with --state instead.',
    );
  if (opts.inspect && (opts.follow || opts.state !== undefined))
    throw new UsageError('--inspect shows the objects once: not with --follow or --state.');
  if (opts.follow && opts.count)
    throw new UsageError(
      '--count prints its totals at the end: not with --follow.',
      'Use --state from cron.',
    );
  if (opts.poll !== undefined && !opts.follow) throw new UsageError('--poll goes with --follow.');
  let pollMs = 30_000;
  if (opts.poll !== undefined) {
    try {
      pollMs = parseDuration(opts.poll);
    } catch (err) {
      throw new UsageError(`Invalid --poll: ${(err as Error).message}`);
    }
    if (pollMs < 1000) throw new UsageError('--poll must be at least 1s.');
  }
  if (opts.state !== undefined && opts.state.trim() === '')
    throw new UsageError('--state needs a file path.');
  return {
    filter,
    bucket,
    format,
    minCount,
    follow: opts.follow ? { pollMs } : undefined,
    limit: positiveInt('--limit', opts.limit, Number.MAX_SAFE_INTEGER),
    concurrency: positiveInt('--concurrency', opts.concurrency, 256) ?? 16,
    maxRecordBytes: positiveInt('--max-record-bytes', opts.maxRecordBytes, MAX_RECORD_CAP),
  };
}

export function parse(flags: EventsQueryFlags, ctx: Context): EventsQuery | AthenaEventsQuery {
  checkEngineFlags(flags);
  const q = resolveQuery(flags, ctx.now(), ctx.stdout.isTTY === true, ctx);
  const aws = { profile: flags.profile, region: flags.region, endpointUrl: flags.endpointUrl };
  if (flags.engine === 'athena') return athenaQuery(flags, q, aws);
  const source: SourceSpec =
    q.bucket === undefined
      ? { kind: 'dir', dir: flags.dir as string, prefix: flags.prefix }
      : {
          kind: 's3',
          bucket: q.bucket,
          prefix: flags.prefix,
          aws: { profile: flags.profile, region: flags.region, endpointUrl: flags.endpointUrl },
        };
  return {
    source,
    mode: flags.inspect ? 'inspect' : flags.count ? 'count' : 'events',
    filter: q.filter,
    compiled: compileFilter(q.filter),
    format: q.format,
    limit: q.limit,
    concurrency: q.concurrency,
    redact: flags.redact !== false,
    strict: flags.strict === true,
    csvRaw: flags.csvRaw === true,
    maxRecordBytes: q.maxRecordBytes,
    statePath: flags.state,
    follow: q.follow,
    minCount: q.minCount,
  };
}

export async function run(ctx: Context, query: EventsQuery | AthenaEventsQuery): Promise<number> {
  if ('engine' in query) return (await import('../../events/athena/run-query.js')).runAthenaQuery(ctx, query);
  // Reader threads boot while the pipeline loads (see worker-pool.ts).
  const workers = plannedWorkers(ctx.env, query);
  if (workers > 0) startWorkersAhead(workers);
  const { runQuery } = await import('../../events/query.js');
  return runQuery(ctx, query);
}
