import type { AthenaClient } from '@aws-sdk/client-athena';
import { describe, expect, it } from 'vitest';
import {
  AthenaQueryError,
  backoffDelays,
  costLine,
  estimateCost,
  getTableMetadata,
  isMissingTableReason,
  queryRows,
  runAthenaQuery,
  waitForQuery,
} from '../../src/aws/athena.js';
import type { AwsFailure } from '../../src/aws/errors.js';
import { InterruptedError } from '../../src/errors.js';
import {
  EVENT_ROW_COLUMNS,
  keyOfS3Path,
  rowToCountGroup,
  rowToEvent,
  rowToRecord,
  sortCountGroups,
} from '../../src/events/athena/rows.js';
import { describeAwsFailure } from '../../src/ui/aws-failure.js';

type Sent = { name: string; input: Record<string, unknown> };

/** A client whose send() answers from a script, recording every command. */
function fakeClient(answer: (cmd: Sent, n: number) => unknown): { client: AthenaClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const client = {
    async send(cmd: { constructor: { name: string }; input: Record<string, unknown> }) {
      const s = { name: cmd.constructor.name, input: cmd.input };
      sent.push(s);
      const a = answer(s, sent.filter((x) => x.name === s.name).length);
      if (a instanceof Error) throw a;
      return a;
    },
  } as unknown as AthenaClient;
  return { client, sent };
}

const status = (State: string, extra: Record<string, unknown> = {}) => ({
  QueryExecution: {
    Status: { State, ...extra },
    Statistics: { DataScannedInBytes: 123_456_789 },
    StatementType: 'DML',
  },
});
const noSleep = async () => undefined;

describe('waitForQuery', () => {
  it('polls with back-off until SUCCEEDED and reports progress', async () => {
    const states = ['QUEUED', 'RUNNING', 'RUNNING', 'SUCCEEDED'];
    const { client, sent } = fakeClient((_c, n) => status(states[n - 1] as string));
    const waits: number[] = [];
    const seen: string[] = [];
    const s = await waitForQuery(client, 'q1', {
      sleep: async (ms) => {
        waits.push(ms);
      },
      onProgress: (p) => seen.push(p.state),
      initialDelayMs: 100,
      factor: 2,
      maxDelayMs: 300,
    });
    expect(s.state).toBe('SUCCEEDED');
    expect(s.bytesScanned).toBe(123_456_789);
    expect(seen).toEqual(states);
    expect(waits).toEqual([100, 200, 300]);
    expect(
      sent.every((c) => c.name === 'GetQueryExecutionCommand' && c.input.QueryExecutionId === 'q1'),
    ).toBe(true);
    expect(backoffDelays(250, 5000, 1.5, 4)).toEqual([250, 375, 563, 844]);
  });

  it("a FAILED query throws with Athena's StateChangeReason", async () => {
    const { client } = fakeClient(() =>
      status('FAILED', {
        StateChangeReason: 'GENERIC_INTERNAL_ERROR: something broke',
        AthenaError: { ErrorCategory: 2, ErrorType: 1002 },
      }),
    );
    const err = await waitForQuery(client, 'q2', { sleep: noSleep }).catch((e) => e);
    expect(err).toBeInstanceOf(AthenaQueryError);
    expect(err.message).toBe('The Athena query q2 failed: GENERIC_INTERNAL_ERROR: something broke');
    expect(err.missingTable).toBe(false);
    expect(err.status.errorType).toBe('2/1002');
  });

  it('a missing table says to run events athena create', async () => {
    const reason = "TABLE_NOT_FOUND: line 1:8: Table 'awsdatacatalog.prophecy_audit.events' does not exist";
    const { client } = fakeClient(() => status('FAILED', { StateChangeReason: reason }));
    const err = await waitForQuery(client, 'q3', { sleep: noSleep, table: 'prophecy_audit.events' }).catch(
      (e) => e,
    );
    expect(err.missingTable).toBe(true);
    expect(err.message).toContain('The Athena table prophecy_audit.events does not exist');
    expect(err.hint).toContain('events athena create');
    expect(isMissingTableReason("SCHEMA_NOT_FOUND: line 1:15: Schema 'nope' does not exist")).toBe(true);
    expect(isMissingTableReason('SYNTAX_ERROR: line 1:1: mismatched input')).toBe(false);
  });

  it('Ctrl-C (an aborted signal) stops the query before giving up', async () => {
    const ctl = new AbortController();
    const { client, sent } = fakeClient((c) =>
      c.name === 'StopQueryExecutionCommand' ? {} : status('RUNNING'),
    );
    const err = await waitForQuery(client, 'q4', {
      signal: ctl.signal,
      sleep: async () => {
        ctl.abort(new InterruptedError('Interrupted.'));
        throw new InterruptedError('Interrupted.');
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(sent.map((c) => c.name)).toEqual(['GetQueryExecutionCommand', 'StopQueryExecutionCommand']);
    expect(sent[1]?.input).toEqual({ QueryExecutionId: 'q4' });
  });
});

describe('queryRows', () => {
  const meta = {
    ResultSetMetadata: { ColumnInfo: [{ Name: 'entity' }, { Name: 'query' }, { Name: 'count' }] },
  };
  const row = (...v: (string | undefined)[]) => ({
    Data: v.map((x) => (x === undefined ? {} : { VarCharValue: x })),
  });

  it('pages through NextToken and drops only the header of the first page', async () => {
    const pages = [
      {
        ResultSet: { ...meta, Rows: [row('entity', 'query', 'count'), row('Fabric', 'addFabric', '3')] },
        NextToken: 't1',
      },
      { ResultSet: { ...meta, Rows: [row(undefined, 'mysteryOp', '1')] }, NextToken: 't2' },
      { ResultSet: { ...meta, Rows: [row('entity', 'query', 'count')] } },
    ];
    const { client, sent } = fakeClient((_c, n) => pages[n - 1]);
    const rows: (string | null)[][] = [];
    for await (const r of queryRows(client, 'q5', { pageSize: 2 })) rows.push(r);
    expect(rows).toEqual([
      ['Fabric', 'addFabric', '3'],
      [null, 'mysteryOp', '1'],
      ['entity', 'query', 'count'],
    ]);
    expect(sent.map((c) => c.input)).toEqual([
      { QueryExecutionId: 'q5', MaxResults: 2 },
      { QueryExecutionId: 'q5', MaxResults: 2, NextToken: 't1' },
      { QueryExecutionId: 'q5', MaxResults: 2, NextToken: 't2' },
    ]);
    expect(sortCountGroups(rows.slice(0, 2).map(rowToCountGroup))).toEqual([
      { entity: 'Fabric', query: 'addFabric', count: 3 },
      { entity: null, query: 'mysteryOp', count: 1 },
    ]);
  });

  it('a consumer that stops early fetches no further pages', async () => {
    const { client, sent } = fakeClient(() => ({
      ResultSet: { ...meta, Rows: [row('a', 'b', '1')] },
      NextToken: 'more',
    }));
    for await (const _ of queryRows(client, 'q6')) break;
    expect(sent).toHaveLength(1);
  });

  it('runAthenaQuery starts with the database, workgroup and output location', async () => {
    const { client, sent } = fakeClient((c) =>
      c.name === 'StartQueryExecutionCommand'
        ? { QueryExecutionId: 'q7' }
        : c.name === 'GetQueryExecutionCommand'
          ? status('SUCCEEDED')
          : { ResultSet: { ...meta, Rows: [] } },
    );
    const run = await runAthenaQuery(
      client,
      'SELECT 1',
      { database: 'prophecy_audit', workgroup: 'wg', outputLocation: 's3://r/' },
      { sleep: noSleep },
    );
    expect(run.id).toBe('q7');
    expect(sent[0]?.input).toEqual({
      QueryString: 'SELECT 1',
      QueryExecutionContext: { Database: 'prophecy_audit' },
      WorkGroup: 'wg',
      ResultConfiguration: { OutputLocation: 's3://r/' },
    });
  });
});

describe('rows back to events', () => {
  const cells = [
    'addFabric',
    '1762000000000',
    '["Fabric"]',
    'alice@acme.io',
    'acme',
    '403',
    '{"name":"f","password":"hunter2"}',
    '12',
    's3://acme-audit/exports/2026/11/01/a.jsonl.gz',
  ];

  it('rebuilds the native record and normalizes it like the local engine (redaction included)', () => {
    expect(EVENT_ROW_COLUMNS).toHaveLength(cells.length);
    expect(rowToRecord(cells)).toEqual({
      opType: 'addFabric',
      createdAt: 1762000000000,
      nameHints: ['Fabric'],
      userEmail: 'alice@acme.io',
      customerName: 'acme',
      responseCode: 403,
      requestParams: { name: 'f', password: 'hunter2' },
      latencyInMillis: 12,
    });
    const e = rowToEvent(cells, { redact: true });
    expect(e).toMatchObject({
      time: new Date(1762000000000).toISOString(),
      entity: 'Fabric',
      query: 'addFabric',
      user: 'alice@acme.io',
      outcome: 403,
      failed: true,
      params: { name: 'f', password: '***' },
      source: { key: 'exports/2026/11/01/a.jsonl.gz', line: 0 },
    });
    expect(JSON.stringify(e?.raw)).not.toContain('hunter2');
    expect(rowToEvent(cells, { redact: false })?.params).toEqual({ name: 'f', password: 'hunter2' });
  });

  it('NULL cells are absent fields; a word code stays a string; no query name is no event', () => {
    const sparse = ['commit', null, null, null, null, 'error', null, null, 's3://b/k'];
    expect(rowToRecord(sparse)).toEqual({ opType: 'commit', responseCode: 'error' });
    expect(rowToEvent(sparse, { redact: true })).toMatchObject({ entity: 'Git', failed: true, time: null });
    expect(
      rowToEvent([null, null, null, null, null, null, null, null, 's3://b/k'], { redact: true }),
    ).toBeUndefined();
    expect(keyOfS3Path('s3://b/a/b.json')).toBe('a/b.json');
    expect(() => rowToCountGroup(['x', 'y', 'many'])).toThrow();
  });
});

describe('cost estimate', () => {
  it('is $5 per TB, rounded up to the megabyte, 10 MB at least', () => {
    const MB = 1024 * 1024;
    expect(estimateCost(0).billedBytes).toBe(10 * MB);
    expect(estimateCost(10 * MB + 1).billedBytes).toBe(11 * MB);
    expect(estimateCost(1024 * 1024 * MB).usd).toBe(5);
    expect(estimateCost(123, false)).toEqual({ bytesScanned: 123, billedBytes: 0, usd: 0 });
    expect(costLine(estimateCost(1.5 * 1024 * MB))).toBe(
      '1.5 GB scanned · Athena cost about $0.0073 ($5/TB, 10 MB minimum per query)',
    );
    expect(costLine(estimateCost(0))).toContain('0 B scanned · Athena cost about <$0.0001');
  });
});

describe('getTableMetadata', () => {
  it('returns columns, partition keys and parameters; undefined when the table is missing', async () => {
    const { client, sent } = fakeClient(() => ({
      TableMetadata: {
        Name: 'events',
        TableType: 'EXTERNAL_TABLE',
        Columns: [{ Name: 'optype', Type: 'string' }],
        PartitionKeys: [{ Name: 'dt', Type: 'string' }],
        Parameters: { 'projection.enabled': 'true' },
      },
    }));
    expect(await getTableMetadata(client, { database: 'prophecy_audit', table: 'events' })).toEqual({
      columns: [{ name: 'optype', type: 'string' }],
      partitionKeys: [{ name: 'dt', type: 'string' }],
      parameters: { 'projection.enabled': 'true' },
      tableType: 'EXTERNAL_TABLE',
    });
    expect(sent[0]?.input).toEqual({
      CatalogName: 'AwsDataCatalog',
      DatabaseName: 'prophecy_audit',
      TableName: 'events',
    });
    const missing = Object.assign(new Error('Table events not found in database prophecy_audit'), {
      name: 'MetadataException',
    });
    expect(
      await getTableMetadata(fakeClient(() => missing).client, { database: 'd', table: 't' }),
    ).toBeUndefined();
    const denied = Object.assign(new Error('not allowed'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
    const failure = await getTableMetadata(fakeClient(() => denied).client, {
      database: 'd',
      table: 't',
    }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: 'access-denied', operation: 'GetTableMetadata' });
    expect(describeAwsFailure(failure as AwsFailure).message).toMatch(
      /Access denied calling GetTableMetadata/,
    );
  });
});
