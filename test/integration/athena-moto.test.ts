// The Athena API flow (start, poll, page, stop, failure) against moto's Athena. Moto does not run SQL:
// its results are preset through /moto-api/static/athena/query-results, its query states are steered
// through the state manager, and it never fails a query by itself (FAILED reasons are covered by the
// unit tests with a scripted client).
import { AthenaClient, GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AthenaQueryError,
  getQueryStatus,
  queryRows,
  runAthenaQuery,
  startQuery,
  stopQuery,
  waitForQuery,
} from '../../src/aws/athena.js';
import { InterruptedError } from '../../src/errors.js';
import { EVENT_ROW_COLUMNS, rowToCountGroup, rowToEvent } from '../../src/events/athena/rows.js';
import { compileQuery, renderTrino } from '../../src/events/athena/sql.js';
import { NO_FILTER } from '../../src/events/filter.js';

let endpoint: string;
let athena: AthenaClient;

async function motoApi(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status, await res.text()).toBeLessThan(300);
}

type Cells = (string | null)[];
const asRow = (cells: Cells) => ({ Data: cells.map((c) => (c === null ? {} : { VarCharValue: c })) });

/** Queues one result set as Athena would return it for a SELECT: the header row first. */
async function presetResult(columns: readonly string[], rows: Cells[]): Promise<void> {
  await motoApi('/moto-api/static/athena/query-results', {
    account_id: '123456789012',
    region: 'us-east-1',
    results: [
      {
        rows: [asRow([...columns]), ...rows.map(asRow)],
        column_info: columns.map((c) => ({ Name: c, Label: c, Type: 'varchar' })),
      },
    ],
  });
}

const TARGET = { database: 'prophecy_audit', workgroup: 'primary' };

beforeAll(() => {
  endpoint = inject('motoEndpoint');
  athena = new AthenaClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
});

afterEach(async () => {
  await motoApi('/moto-api/state-manager/unset-transition', { model_name: 'athena::execution' });
});

describe("Athena API flow on moto's Athena", () => {
  it('start → poll → results → the same event shape as the local engine', async () => {
    const sql = renderTrino(compileQuery({ ...NO_FILTER, user: "x' OR '1'='1" }), 'prophecy_audit', 'events');
    await presetResult(EVENT_ROW_COLUMNS, [
      [
        'addFabric',
        '1762000000000',
        '["Fabric"]',
        'Alice@Acme.io',
        'acme',
        '200',
        '{"name":"f1","clientSecret":"s3cr3t"}',
        '7',
        's3://acme-audit/exports/2026/11/01/a.jsonl.gz',
      ],
      [
        'commit',
        '1762000360000',
        null,
        'bob@acme.io',
        null,
        'error',
        null,
        null,
        's3://acme-audit/exports/2026/11/01/b.jsonl',
      ],
    ]);
    const progress: string[] = [];
    const run = await runAthenaQuery(athena, sql, TARGET, {
      initialDelayMs: 10,
      onProgress: (s) => progress.push(s.state),
    });
    expect(run.status.state).toBe('SUCCEEDED');
    expect(progress.at(-1)).toBe('SUCCEEDED');
    expect(run.status.bytesScanned).toBe(0);
    const events = [];
    for await (const row of run.rows) events.push(rowToEvent(row, { redact: true }));
    expect(events).toEqual([
      {
        time: '2025-11-01T12:26:40.000Z',
        entity: 'Fabric',
        query: 'addFabric',
        user: 'Alice@Acme.io',
        outcome: 200,
        failed: false,
        params: { name: 'f1', clientSecret: '***' },
        source: { key: 'exports/2026/11/01/a.jsonl.gz', line: 0 },
        raw: {
          opType: 'addFabric',
          createdAt: 1762000000000,
          nameHints: ['Fabric'],
          userEmail: 'Alice@Acme.io',
          customerName: 'acme',
          responseCode: 200,
          requestParams: { name: 'f1', clientSecret: '***' },
          latencyInMillis: 7,
        },
      },
      expect.objectContaining({ entity: 'Git', query: 'commit', outcome: 'error', failed: true }),
    ]);
    // The query text reached Athena as rendered, the hostile --user inside one literal.
    const out = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: run.id }));
    expect(out.QueryExecution?.Query).toBe(sql);
    expect(out.QueryExecution?.QueryExecutionContext?.Database).toBe('prophecy_audit');
    expect(sql).toContain("'x'' or ''1''=''1'");
  });

  it('--count results come back as count groups', async () => {
    await presetResult(
      ['entity', 'query', 'count'],
      [
        ['Fabric', 'addFabric', '12'],
        [null, 'mysteryOp', '1'],
      ],
    );
    const sql = renderTrino(compileQuery(NO_FILTER, { count: true }), 'prophecy_audit', 'events');
    const run = await runAthenaQuery(athena, sql, TARGET, { initialDelayMs: 10 });
    const groups = [];
    for await (const row of run.rows) groups.push(rowToCountGroup(row));
    expect(groups).toEqual([
      { entity: 'Fabric', query: 'addFabric', count: 12 },
      { entity: null, query: 'mysteryOp', count: 1 },
    ]);
  });

  it('polls while the query is queued and running, with back-off', async () => {
    await motoApi('/moto-api/state-manager/set-transition', {
      model_name: 'athena::execution',
      transition: { progression: 'manual', times: 2 },
    });
    const id = await startQuery(athena, 'SELECT 1', TARGET);
    const states: string[] = [];
    const waits: number[] = [];
    const s = await waitForQuery(athena, id, {
      initialDelayMs: 5,
      factor: 2,
      onProgress: (p) => states.push(p.state),
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(s.state).toBe('SUCCEEDED');
    expect(states[0]).toBe('QUEUED');
    expect(states).toContain('RUNNING');
    expect(waits.length).toBe(states.length - 1);
    expect(waits.slice(0, 3)).toEqual([5, 10, 20].slice(0, Math.min(3, waits.length)));
  });

  it('Ctrl-C stops the query with StopQueryExecution', async () => {
    await motoApi('/moto-api/state-manager/set-transition', {
      model_name: 'athena::execution',
      transition: { progression: 'manual', times: 1000 },
    });
    const id = await startQuery(athena, 'SELECT 1', TARGET);
    const ctl = new AbortController();
    let polls = 0;
    const err = await waitForQuery(athena, id, {
      signal: ctl.signal,
      initialDelayMs: 5,
      onProgress: () => {
        if (++polls === 3) ctl.abort(new InterruptedError('Interrupted.'));
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect((await getQueryStatus(athena, id)).state).toBe('CANCELLED');
  });

  it('a query that ends CANCELLED (or FAILED) is an error with the state and reason', async () => {
    await motoApi('/moto-api/state-manager/set-transition', {
      model_name: 'athena::execution',
      transition: { progression: 'manual', times: 1000 },
    });
    const id = await startQuery(athena, 'SELECT 1', TARGET);
    await stopQuery(athena, id);
    const err = await waitForQuery(athena, id, { initialDelayMs: 5 }).catch((e) => e);
    expect(err).toBeInstanceOf(AthenaQueryError);
    expect(err.status.state).toBe('CANCELLED');
    expect(err.message).toMatch(new RegExp(`^The Athena query ${id} was cancelled`));
  });

  it('results are read with MaxResults; the header row is dropped only when asked (moto sends one page: NextToken paging is unit-tested)', async () => {
    await presetResult(['a'], [['1'], ['2'], ['3']]);
    const id = await startQuery(athena, 'SELECT a FROM t', TARGET);
    await waitForQuery(athena, id, { initialDelayMs: 5 });
    const rows: Cells[] = [];
    for await (const r of queryRows(athena, id, { pageSize: 2 })) rows.push(r);
    expect(rows).toEqual([['1'], ['2'], ['3']]);
    const all: Cells[] = [];
    for await (const r of queryRows(athena, id, { skipHeader: false })) all.push(r);
    expect(all[0]).toEqual(['a']);
  });
});
