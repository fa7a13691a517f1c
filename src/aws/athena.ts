import {
  AthenaClient,
  GetDatabaseCommand,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  GetTableMetadataCommand,
  type GetTableMetadataCommandOutput,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { CliError, InterruptedError } from '../errors.js';
import { awsCall, awsErrorName, toAwsFailure } from './errors.js';

/**
 * Athena's query API, one small function per call, each taking the client and an AbortSignal.
 * Pure of any output: progress goes to a callback, the caller decides what to print.
 */

export { AthenaClient };

/** One result cell as Athena returns it: text, or null for SQL NULL. */
export type Cell = string | null;

export interface AthenaTarget {
  database: string;
  /** Athena's workgroup (its own result location and limits); Athena's default is `primary`. */
  workgroup?: string | undefined;
  /** s3://… for results, when the workgroup does not set one. */
  outputLocation?: string | undefined;
  catalog?: string | undefined;
}

export interface QueryStatus {
  id: string;
  state: QueryExecutionState | 'UNKNOWN';
  /** Athena's StateChangeReason (why a query failed or was cancelled). */
  reason: string | undefined;
  /** Athena's error type and category, when it failed. */
  errorType: string | undefined;
  bytesScanned: number;
  engineMs: number;
  statementType: string | undefined;
}

/** A query that ended FAILED or CANCELLED; `missingTable` when the table or database does not exist. */
export class AthenaQueryError extends CliError {
  readonly status: QueryStatus;
  readonly missingTable: boolean;

  constructor(status: QueryStatus, table: string | undefined) {
    const reason = status.reason ?? 'Athena gave no reason';
    const missingTable = isMissingTableReason(reason);
    const message =
      status.state === 'CANCELLED'
        ? `The Athena query ${status.id} was cancelled: ${reason}`
        : missingTable
          ? `The Athena table${table ? ` ${table}` : ''} does not exist (${reason}).`
          : `The Athena query ${status.id} failed: ${reason}`;
    super(message, {
      hint: missingTable
        ? 'Create it once with `prophecy-audit events athena create` (same --suffix/--bucket, --prefix, --database, --table).'
        : 'The query text is shown with --debug.',
    });
    this.name = 'AthenaQueryError';
    this.status = status;
    this.missingTable = missingTable;
  }
}

/** Athena's wording for a table or database that is not there (Trino's and Hive's error names). */
export function isMissingTableReason(reason: string): boolean {
  return /TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|EntityNotFoundException|(?:Table|Schema|Database) '?[\w.`"-]+'? (?:does not exist|not found)/i.test(
    reason,
  );
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason = signal?.reason;
  return reason instanceof Error ? reason : new InterruptedError('Interrupted.');
}

/** StartQueryExecution: the query id. */
export async function startQuery(
  client: AthenaClient,
  sql: string,
  target: AthenaTarget,
  signal?: AbortSignal,
): Promise<string> {
  const out = await awsCall({ operation: 'StartQueryExecution', action: 'athena:StartQueryExecution' }, () =>
    client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        QueryExecutionContext: {
          Database: target.database,
          ...(target.catalog ? { Catalog: target.catalog } : {}),
        },
        ...(target.workgroup ? { WorkGroup: target.workgroup } : {}),
        ...(target.outputLocation ? { ResultConfiguration: { OutputLocation: target.outputLocation } } : {}),
      }),
      { abortSignal: signal },
    ),
  );
  if (!out.QueryExecutionId) throw new CliError('Athena started a query but returned no query id.');
  return out.QueryExecutionId;
}

function statusOf(id: string, out: GetQueryExecutionCommandOutput): QueryStatus {
  const q = out.QueryExecution;
  return {
    id,
    state: q?.Status?.State ?? 'UNKNOWN',
    reason: q?.Status?.StateChangeReason,
    errorType:
      q?.Status?.AthenaError?.ErrorType === undefined
        ? undefined
        : `${q.Status.AthenaError.ErrorCategory ?? '?'}/${q.Status.AthenaError.ErrorType}`,
    bytesScanned: q?.Statistics?.DataScannedInBytes ?? 0,
    engineMs: q?.Statistics?.EngineExecutionTimeInMillis ?? 0,
    statementType: q?.StatementType,
  };
}

/** GetQueryExecution, once. */
export async function getQueryStatus(
  client: AthenaClient,
  id: string,
  signal?: AbortSignal,
): Promise<QueryStatus> {
  const out = await awsCall({ operation: 'GetQueryExecution', action: 'athena:GetQueryExecution' }, () =>
    client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: signal }),
  );
  return statusOf(id, out);
}

/** StopQueryExecution. Not tied to the caller's signal: it is what runs after that signal fired. */
export async function stopQuery(client: AthenaClient, id: string): Promise<void> {
  await awsCall({ operation: 'StopQueryExecution', action: 'athena:StopQueryExecution' }, () =>
    client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })),
  );
}

export interface TableMetadata {
  columns: { name: string; type: string }[];
  partitionKeys: { name: string; type: string }[];
  parameters: Record<string, string>;
  tableType: string | undefined;
}

/**
 * GetTableMetadata: the table's columns, partition keys and parameters (projection settings among
 * them), or undefined when the table or its database does not exist.
 */
export async function getTableMetadata(
  client: AthenaClient,
  where: { database: string; table: string; catalog?: string | undefined },
  signal?: AbortSignal,
): Promise<TableMetadata | undefined> {
  let out: GetTableMetadataCommandOutput;
  try {
    out = await client.send(
      new GetTableMetadataCommand({
        CatalogName: where.catalog ?? 'AwsDataCatalog',
        DatabaseName: where.database,
        TableName: where.table,
      }),
      { abortSignal: signal },
    );
  } catch (err) {
    const message = (err as { message?: string }).message ?? '';
    if (
      awsErrorName(err) === 'MetadataException' &&
      /not ?found|does not exist|EntityNotFound/i.test(message)
    ) {
      return undefined;
    }
    throw toAwsFailure(err, {
      operation: 'GetTableMetadata',
      action: 'athena:GetTableMetadata (and glue:GetTable)',
      resource: `${where.database}.${where.table}`,
    });
  }
  const t = out.TableMetadata;
  const cols = (list: { Name?: string; Type?: string }[] | undefined) =>
    (list ?? []).map((c) => ({ name: (c.Name ?? '').toLowerCase(), type: c.Type ?? '' }));
  return {
    columns: cols(t?.Columns),
    partitionKeys: cols(t?.PartitionKeys),
    parameters: { ...(t?.Parameters ?? {}) },
    tableType: t?.TableType,
  };
}

/** GetDatabase: whether the database exists in the catalog (AwsDataCatalog unless given). */
export async function databaseExists(
  client: AthenaClient,
  where: { database: string; catalog?: string | undefined },
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    await client.send(
      new GetDatabaseCommand({
        CatalogName: where.catalog ?? 'AwsDataCatalog',
        DatabaseName: where.database,
      }),
      { abortSignal: signal },
    );
    return true;
  } catch (err) {
    const message = (err as { message?: string }).message ?? '';
    if (
      awsErrorName(err) === 'MetadataException' &&
      /not ?found|does not exist|EntityNotFound/i.test(message)
    ) {
      return false;
    }
    throw toAwsFailure(err, {
      operation: 'GetDatabase',
      action: 'athena:GetDatabase (and glue:GetDatabase)',
      resource: where.database,
    });
  }
}

export interface PollOptions {
  signal?: AbortSignal | undefined;
  /** Called after every GetQueryExecution (state and data scanned so far, for a progress line). */
  onProgress?: ((s: QueryStatus) => void) | undefined;
  /** First wait; doubled (×factor) up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
  /** For tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The table name for a missing-table message. */
  table?: string | undefined;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The waits between polls: initial, ×factor each time, capped. */
export function backoffDelays(initialMs: number, maxMs: number, factor: number, n: number): number[] {
  const out: number[] = [];
  let d = initialMs;
  for (let i = 0; i < n; i++) {
    out.push(Math.round(d));
    d = Math.min(maxMs, d * factor);
  }
  return out;
}

/**
 * Polls GetQueryExecution with back-off until the query ends. SUCCEEDED → its status; FAILED or
 * CANCELLED → AthenaQueryError with Athena's reason. When the signal aborts (Ctrl-C), the query is
 * stopped with StopQueryExecution before the abort is rethrown, so nothing keeps scanning (and billing).
 */
export async function waitForQuery(
  client: AthenaClient,
  id: string,
  opts: PollOptions = {},
): Promise<QueryStatus> {
  const wait = opts.sleep ?? sleep;
  const max = opts.maxDelayMs ?? 5000;
  const factor = opts.factor ?? 1.5;
  let delay = opts.initialDelayMs ?? 250;
  try {
    for (;;) {
      const s = await getQueryStatus(client, id, opts.signal);
      opts.onProgress?.(s);
      if (s.state === 'SUCCEEDED') return s;
      if (s.state === 'FAILED' || s.state === 'CANCELLED') throw new AthenaQueryError(s, opts.table);
      await wait(delay, opts.signal);
      delay = Math.min(max, delay * factor);
    }
  } catch (err) {
    if (opts.signal?.aborted) {
      await stopQuery(client, id).catch(() => undefined);
      throw abortError(opts.signal);
    }
    throw err;
  }
}

export interface ResultsOptions {
  signal?: AbortSignal | undefined;
  /** Rows per GetQueryResults page (Athena's maximum is 1000). */
  pageSize?: number;
  /**
   * Drop the first row of the first page when it repeats the column names: Athena returns a SELECT's
   * header as its first row (not a DDL's). Default true.
   */
  skipHeader?: boolean;
}

/** GetQueryResults, page by page, as rows of cell text (null for NULL). */
export async function* queryRows(
  client: AthenaClient,
  id: string,
  opts: ResultsOptions = {},
): AsyncGenerator<Cell[], void, undefined> {
  let token: string | undefined;
  let first = true;
  do {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    const out = await awsCall({ operation: 'GetQueryResults', action: 'athena:GetQueryResults' }, () =>
      client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: id,
          MaxResults: opts.pageSize ?? 1000,
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal: opts.signal },
      ),
    );
    const names = (out.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Label ?? c.Name ?? '');
    const rows = (out.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue ?? null));
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as Cell[];
      if (first && i === 0 && opts.skipHeader !== false && isHeader(row, names)) continue;
      yield row;
    }
    first = false;
    token = out.NextToken;
  } while (token);
}

function isHeader(row: readonly Cell[], names: readonly string[]): boolean {
  if (names.length === 0) return false;
  return (
    row.length === names.length &&
    row.every((c, i) => c !== null && c.toLowerCase() === names[i]?.toLowerCase())
  );
}

export interface AthenaRun {
  id: string;
  status: QueryStatus;
  rows: AsyncGenerator<Cell[], void, undefined>;
}

/** Start, wait (stopping the query on abort), then the result rows. */
export async function runAthenaQuery(
  client: AthenaClient,
  sql: string,
  target: AthenaTarget,
  opts: PollOptions & ResultsOptions = {},
): Promise<AthenaRun> {
  const id = await startQuery(client, sql, target, opts.signal);
  const status = await waitForQuery(client, id, opts);
  return { id, status, rows: queryRows(client, id, opts) };
}

export const USD_PER_TB = 5;
const MB = 1024 * 1024;
const TB = MB * MB;
const MIN_BILLED_BYTES = 10 * MB;

export interface CostEstimate {
  bytesScanned: number;
  /** Rounded up to the next megabyte, at least 10 MB (DDL and failed queries are not billed). */
  billedBytes: number;
  usd: number;
}

/**
 * Athena's list price for SQL queries: $5 per TB scanned, rounded up to the nearest megabyte, with a
 * 10 MB minimum per query (us-east-1; some regions charge more). An estimate, not a bill.
 */
export function estimateCost(bytesScanned: number, billed = true): CostEstimate {
  if (!billed) return { bytesScanned, billedBytes: 0, usd: 0 };
  const billedBytes = Math.max(MIN_BILLED_BYTES, Math.ceil(bytesScanned / MB) * MB);
  return { bytesScanned, billedBytes, usd: (billedBytes / TB) * USD_PER_TB };
}

/** `1.2 GB scanned, about $0.0059` for the end-of-query line on stderr. */
export function costLine(c: CostEstimate): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = c.bytesScanned;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const size = u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
  const usd = c.usd === 0 ? '$0' : c.usd < 0.0001 ? '<$0.0001' : `$${c.usd.toFixed(4)}`;
  return `${size} scanned · Athena cost about ${usd} ($${USD_PER_TB}/TB, 10 MB minimum per query)`;
}
