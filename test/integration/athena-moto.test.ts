// The Athena API flow (start, poll, page, stop, failure) against moto's Athena. Moto does not run SQL:
// its results are preset through /moto-api/static/athena/query-results, its query states are steered
// through the state manager, and it never fails a query by itself (FAILED reasons are covered by the
// unit tests with a scripted client).
import {
  AthenaClient,
  GetDatabaseCommand,
  GetQueryExecutionCommand,
  ListQueryExecutionsCommand,
} from '@aws-sdk/client-athena';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
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
import { buildDdl } from '../../src/events/athena/ddl.js';
import { detectKeyLayout } from '../../src/events/athena/layout.js';
import { EVENT_ROW_COLUMNS, rowToCountGroup, rowToEvent } from '../../src/events/athena/rows.js';
import { compileQuery, renderTrino } from '../../src/events/athena/sql.js';
import { NO_FILTER } from '../../src/events/filter.js';
import { type FaultProxy, type SeenRequest, startFaultProxy } from '../helpers/fault-proxy.js';
import { runCli, spawnCli, testS3, uniqueSuffix } from '../helpers/run-cli.js';

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

// --- the CLI, end to end, on moto's S3 and Athena ------------------------------------------------------
// Moto has no GetTableMetadata: a loopback proxy in front of moto answers that one call (as Athena
// would: "not found", or the table's definition); everything else reaches moto unchanged.

const isCall = (op: string) => (r: SeenRequest) => r.headers['x-amz-target'] === `AmazonAthena.${op}`;
const json = (status: number, body: unknown) => ({
  kind: 'respond' as const,
  status,
  contentType: 'application/x-amz-json-1.1',
  body: JSON.stringify(body),
});
const NO_TABLE = json(400, {
  __type: 'MetadataException',
  Message:
    'Entity Not Found (Service: AmazonDataCatalog; Status Code: 400; Error Code: EntityNotFoundException)',
});

describe('the CLI on moto: events athena ddl/create, events query --engine athena', () => {
  const DATED = ['audit/2026/11/24/13/events.jsonl', 'audit/2026/11/25/02/events.jsonl.gz'];
  let bucket: string;
  let flat: string;
  let proxy: FaultProxy | undefined;

  beforeAll(async () => {
    const s3 = testS3(endpoint);
    bucket = `prophecy-customer-backend-events-${uniqueSuffix('ath')}`;
    flat = `${bucket}-flat`;
    for (const b of [bucket, flat]) await s3.send(new CreateBucketCommand({ Bucket: b }));
    for (const key of DATED) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{"opType":"addProject"}\n' }));
    }
    await s3.send(new PutObjectCommand({ Bucket: flat, Key: 'export/batch-1.jsonl', Body: '{}\n' }));
  });

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  /** Athena's table as it reports one `events athena create` made (lower-case names, its own extra parameters). */
  function tableMetadata() {
    const d = buildDdl({
      bucket,
      prefix: 'audit/',
      database: 'prophecy_audit',
      table: 'events',
      layout: detectKeyLayout(DATED),
      nowMs: Date.now(),
    }).definition;
    return json(200, {
      TableMetadata: {
        Name: 'events',
        TableType: 'EXTERNAL_TABLE',
        Columns: d.columns.map((c) => ({ Name: c.name, Type: c.type })),
        PartitionKeys: d.partitionKeys.map((c) => ({ Name: c.name, Type: c.type })),
        Parameters: {
          ...d.parameters,
          EXTERNAL: 'TRUE',
          inputformat: 'org.apache.hadoop.mapred.TextInputFormat',
        },
      },
    });
  }

  /** The query texts moto received since `before` (ids not in it). */
  async function newQueries(before: Set<string>): Promise<{ id: string; query: string; state: string }[]> {
    const ids = (await athena.send(new ListQueryExecutionsCommand({}))).QueryExecutionIds ?? [];
    const out = [];
    for (const id of ids.filter((i) => !before.has(i))) {
      const q = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution;
      out.push({ id, query: q?.Query ?? '', state: q?.Status?.State ?? '' });
    }
    return out;
  }
  const knownIds = async () =>
    new Set((await athena.send(new ListQueryExecutionsCommand({}))).QueryExecutionIds ?? []);

  it('events athena ddl: projection on the dated keys; an unpartitioned table (said on stderr) without dates', async () => {
    const dated = await runCli(['events', 'athena', 'ddl', '--bucket', bucket, '--prefix', 'audit/'], {
      endpoint,
    });
    expect(dated.code, dated.stderr).toBe(0);
    expect(dated.stdout).toContain(`LOCATION 's3://${bucket}/audit/'`);
    expect(dated.stdout).toContain("'projection.dt.format' = 'yyyy/MM/dd/HH'");
    expect(dated.stdout).toContain("'projection.dt.range' = '2026/11/24/00,NOW'");
    expect(dated.stdout).toContain(`'storage.location.template' = 's3://${bucket}/audit/\${dt}/'`);
    expect(dated.stderr).toContain('dated YYYY/MM/DD/HH folders under "audit/"');

    const undated = await runCli(['events', 'athena', 'ddl', '--bucket', flat], { endpoint });
    expect(undated.code, undated.stderr).toBe(0);
    expect(undated.stdout).not.toContain('PARTITIONED BY');
    expect(undated.stdout).toContain('-- No partitions: the keys carry no date ("export/batch-1.jsonl")');
    expect(undated.stderr).toContain('no date layout to project partitions on');
  });

  it('events athena create --yes runs the DDL in Athena; run again it is [no change]', async () => {
    proxy = await startFaultProxy(endpoint, [{ match: isCall('GetTableMetadata'), fault: NO_TABLE }]);
    const before = await knownIds();
    const args = [
      'events',
      'athena',
      'create',
      '--bucket',
      bucket,
      '--prefix',
      'audit/',
      '--database',
      'audit_e2e',
    ];
    const first = await runCli([...args, '--yes'], { endpoint: proxy.url });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/\[create\] Database audit_e2e/);
    expect(first.stderr).toMatch(/\[create\] Table audit_e2e\.events/);
    const ran = await newQueries(before);
    expect(ran.map((q) => q.query.split('\n')[0])).toEqual([
      'CREATE DATABASE IF NOT EXISTS `audit_e2e`',
      'CREATE EXTERNAL TABLE `audit_e2e`.`events` (',
    ]);
    expect(ran.every((q) => q.state === 'SUCCEEDED')).toBe(true);
    // moto keeps the database (it parses CREATE DATABASE), so GetDatabase now finds it.
    await athena.send(new GetDatabaseCommand({ CatalogName: 'AwsDataCatalog', DatabaseName: 'audit_e2e' }));
    await proxy.close();

    proxy = await startFaultProxy(endpoint, [{ match: isCall('GetTableMetadata'), fault: tableMetadata() }]);
    const again = await runCli([...args, '--yes'], { endpoint: proxy.url });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/\[no change\] Database audit_e2e/);
    expect(again.stderr).toMatch(/\[no change\] Table audit_e2e\.events: exists with the same definition/);
    expect(await newQueries(new Set([...before, ...ran.map((q) => q.id)]))).toEqual([]);

    // Without a terminal and without --yes: exit 2, nothing asked, nothing run.
    const noYes = await runCli(['events', 'athena', 'create', '--bucket', bucket], { endpoint: proxy.url });
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('pass --yes');
  });

  it('events query --engine athena: ndjson events and --count, the cost on stderr, partition predicates in the SQL', async () => {
    proxy = await startFaultProxy(endpoint, [{ match: isCall('GetTableMetadata'), fault: tableMetadata() }]);
    await presetResult(EVENT_ROW_COLUMNS, [
      [
        'addProject',
        '1795525260000',
        '["Project"]',
        'alice@acme.io',
        'acme',
        '200',
        '{"projectId":"12","password":"hunter2"}',
        '41',
        `s3://${bucket}/audit/2026/11/24/13/events.jsonl`,
      ],
    ]);
    const before = await knownIds();
    const common = [
      'events',
      'query',
      '--bucket',
      bucket,
      '--engine',
      'athena',
      '--since',
      '2026-11-24T00:00:00Z',
    ];
    const r = await runCli([...common, '--user', "x' OR '1'='1", '--output', 'ndjson'], {
      endpoint: proxy.url,
    });
    expect(r.code, r.stderr).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events).toEqual([
      expect.objectContaining({
        time: '2026-11-24T13:01:00.000Z',
        entity: 'Project',
        query: 'addProject',
        user: 'alice@acme.io',
        params: { projectId: '12', password: '***' },
        source: { key: 'audit/2026/11/24/13/events.jsonl', line: 0 },
      }),
    ]);
    // moto reports 0 bytes scanned; Athena bills at least 10 MB per query.
    expect(r.stderr).toMatch(
      /^1 matched · 0 B scanned · Athena cost about <\$0\.0001 \(\$5\/TB, 10 MB minimum per query\) · Athena query [\w-]+ · [\d.]+s$/m,
    );
    const [sent] = await newQueries(before);
    expect(sent?.query).toContain(`"dt" >= '2026/11/23/00'`);
    expect(sent?.query).toContain("strpos(lower(\"userEmail\"), 'x'' or ''1''=''1') > 0");

    await presetResult(['entity', 'query', 'count'], [['Project', 'addProject', '41']]);
    const c = await runCli([...common, '--count', '--output', 'csv'], { endpoint: proxy.url });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toBe('entity,query,count\r\nProject,addProject,41\r\n');
    expect(c.stderr).toMatch(/^41 events counted · /m);
  });

  it('a missing table: exit 2 with the hint to run events athena create, no query started', async () => {
    proxy = await startFaultProxy(endpoint, [{ match: isCall('GetTableMetadata'), fault: NO_TABLE }]);
    const before = await knownIds();
    const r = await runCli(['events', 'query', '--engine', 'athena', '--table', 'nothere'], {
      endpoint: proxy.url,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The Athena table prophecy_audit.nothere does not exist.');
    expect(r.stderr).toContain('events athena create');
    expect(await newQueries(before)).toEqual([]);
  });

  it('Ctrl-C (SIGINT) while the query runs: the CLI stops it in Athena before exiting 130', async () => {
    proxy = await startFaultProxy(endpoint, [{ match: isCall('GetTableMetadata'), fault: tableMetadata() }]);
    await motoApi('/moto-api/state-manager/set-transition', {
      model_name: 'athena::execution',
      transition: { progression: 'manual', times: 1000 },
    });
    const before = await knownIds();
    const run = spawnCli(['events', 'query', '--engine', 'athena', '--since', '7d'], { endpoint: proxy.url });
    run.child.stdin.end();
    let started: { id: string; state: string } | undefined;
    for (let i = 0; i < 200 && !started; i++) {
      const ids = ((await athena.send(new ListQueryExecutionsCommand({}))).QueryExecutionIds ?? []).filter(
        (id) => !before.has(id),
      );
      if (ids[0]) started = { id: ids[0], state: '' };
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(started, run.err()).toBeDefined();
    // Athena lists the query as soon as it is started, before the CLI has the answer with its id and has
    // set up stopping it: wait for its first status poll, which comes after that.
    for (let i = 0; i < 200 && !proxy.seen.some(isCall('GetQueryExecution')); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(proxy.seen.some(isCall('GetQueryExecution')), run.err()).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    expect(run.err()).toContain(`stopping the Athena query ${started?.id}`);
    expect((await getQueryStatus(athena, started?.id as string)).state).toBe('CANCELLED');
  });
});
