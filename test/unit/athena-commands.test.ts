import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as create from '../../src/commands/events-athena/create.js';
import * as ddlCommand from '../../src/commands/events-athena/ddl.js';
import { athenaCreateCommand, athenaDdlCommand } from '../../src/commands/events-athena/flags.js';
import { eventsQueryCommand } from '../../src/commands/events-query/flags.js';
import * as query from '../../src/commands/events-query/run.js';
import type { Context } from '../../src/context.js';
import { ExitCode, InterruptedError, UsageError } from '../../src/errors.js';
import { buildDdl } from '../../src/events/athena/ddl.js';
import { detectKeyLayout } from '../../src/events/athena/layout.js';
import { EVENT_ROW_COLUMNS } from '../../src/events/athena/rows.js';
import { lit } from '../../src/events/athena/sql.js';
import { captureStream, fakeContext, NOW } from '../helpers/events-context.js';
import { execution, FakeAthena, FakeListingS3, fakeAws, notFound, results } from '../helpers/fake-athena.js';
import { scriptedPrompts } from '../helpers/fake-context.js';

/*
 * The Athena commands in-process, with a fake context and a fake Athena client that answers by command
 * name: the query flow (metadata → start → poll → pages → the same output formats), --count, a failed
 * query's reason, a missing table, Ctrl-C → StopQueryExecution, a hostile --user, the flags that do not
 * apply; `events athena ddl` over a listed bucket; `events athena create`'s plan, confirm and idempotence
 * (the parts moto cannot show: it has no GetTableMetadata).
 */

const BUCKET = 'prophecy-customer-backend-events-acme';
const FIXTURE = fileURLToPath(
  new URL('../fixtures/events/audit/2026/11/24/13/events.jsonl', import.meta.url),
);
const KEYS = ['audit/2026/11/24/13/events.jsonl', 'audit/2026/11/24/14/events.jsonl.gz'];
const LAYOUT = detectKeyLayout(KEYS);
const DDL = buildDdl({
  bucket: BUCKET,
  prefix: 'audit/',
  database: 'prophecy_audit',
  table: 'events',
  layout: LAYOUT,
  nowMs: NOW,
});

/** GetTableMetadata's answer for the table `events athena create` makes, as Athena reports one. */
function tableMetadata(over: { parameters?: Record<string, string>; columns?: number } = {}) {
  const def = DDL.definition;
  return {
    TableMetadata: {
      Name: 'events',
      TableType: 'EXTERNAL_TABLE',
      Columns: def.columns
        .slice(0, over.columns ?? def.columns.length)
        .map((c) => ({ Name: c.name, Type: c.type })),
      PartitionKeys: def.partitionKeys.map((c) => ({ Name: c.name, Type: c.type })),
      Parameters: { ...def.parameters, EXTERNAL: 'TRUE', transient_lastDdlTime: '1', ...over.parameters },
    },
  };
}

/** The fixture's JSON Lines records as Athena returns them from the table: one text cell per column. */
function fixtureRows(): (string | null)[][] {
  const rows: (string | null)[][] = [];
  for (const line of readFileSync(FIXTURE, 'utf8').split('\n')) {
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line);
    } catch {
      continue; // the SerDe skips malformed lines
    }
    if (typeof r.opType !== 'string') continue; // not a match: the query requires a query name
    const text = (v: unknown) =>
      v === undefined || v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v);
    rows.push([
      ...[
        'opType',
        'createdAt',
        'nameHints',
        'userEmail',
        'customerName',
        'responseCode',
        'requestParams',
        'latencyInMillis',
      ].map((k) => text(r[k])),
      `s3://${BUCKET}/${KEYS[0]}`,
    ]);
  }
  return rows;
}

function athenaFor(
  rows: (string | null)[][],
  over: Record<string, (i: Record<string, unknown>, n: number) => unknown> = {},
) {
  return new FakeAthena({
    GetTableMetadata: () => tableMetadata(),
    StartQueryExecution: () => ({ QueryExecutionId: 'q-1' }),
    GetQueryExecution: (_i, n) =>
      execution(['QUEUED', 'RUNNING', 'SUCCEEDED'][Math.min(n, 3) - 1] as string, { bytes: 3 * 1024 * 1024 }),
    GetQueryResults: () => results(EVENT_ROW_COLUMNS, rows),
    StopQueryExecution: () => ({}),
    ...over,
  });
}

const flagsOf = (args: string[]) => eventsQueryCommand().exitOverride().parse(args, { from: 'user' }).opts();

/** `events query` parse + run in-process, with polls that do not wait. */
async function runQuery(args: string[], athena: FakeAthena, over: Partial<Context> = {}) {
  const f = fakeContext({ aws: fakeAws({ athena }), ...over });
  const input = query.parse(flagsOf(args), f.ctx);
  const { runAthenaQuery } = await import('../../src/events/athena/run-query.js');
  if (!('engine' in input)) throw new Error('not an Athena query');
  const code = await runAthenaQuery(f.ctx, input, { sleep: async () => undefined });
  return { code, stdout: f.out(), stderr: f.err(), f };
}

const sqlOf = (athena: FakeAthena) => String(athena.of('StartQueryExecution')[0]?.input.QueryString);

describe('events query --engine athena (fake Athena)', () => {
  it('compiles one query, polls, streams the pages in the same event shape as the local engine', async () => {
    const athena = athenaFor(fixtureRows());
    const r = await runQuery(
      [
        '--suffix',
        'acme',
        '--engine',
        'athena',
        '--since',
        '2026-11-24T00:00:00Z',
        '--output',
        'ndjson',
        '--workgroup',
        'audit',
      ],
      athena,
    );
    expect(r.code).toBe(ExitCode.ok);
    expect(athena.names()).toEqual([
      'GetTableMetadata',
      'StartQueryExecution',
      'GetQueryExecution',
      'GetQueryExecution',
      'GetQueryExecution',
      'GetQueryResults',
    ]);
    const start = athena.of('StartQueryExecution')[0]?.input;
    expect(start).toMatchObject({
      QueryExecutionContext: { Database: 'prophecy_audit' },
      WorkGroup: 'audit',
    });
    // Time filter on createdAt and, for pruning, on the projected partition column (one day of slack).
    expect(sqlOf(athena)).toContain('FROM "prophecy_audit"."events"');
    expect(sqlOf(athena)).toContain(`"dt" >= '2026/11/23/00'`);
    expect(sqlOf(athena)).toContain('>= 1795478400000');

    // The same events `events query --dir` prints for that object, but for where they were read.
    const local = fakeContext();
    const dir = fileURLToPath(new URL('../fixtures/events/', import.meta.url));
    const localInput = query.parse(
      flagsOf([
        '--dir',
        dir,
        '--prefix',
        KEYS[0] as string,
        '--since',
        '2026-11-24T00:00:00Z',
        '--output',
        'ndjson',
      ]),
      local.ctx,
    );
    await query.run(local.ctx, localInput);
    const strip = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((l) => {
          const { source: _s, ...rest } = JSON.parse(l);
          return rest;
        });
    expect(strip(r.stdout)).toEqual(strip(local.out()));
    expect(strip(r.stdout).length).toBeGreaterThan(2);
    expect(r.stdout).not.toContain('hunter2'); // redaction, as the local engine does it
    const first = JSON.parse(r.stdout.split('\n')[0] as string);
    expect(first.source).toEqual({ key: KEYS[0], line: 0 });
    // Data scanned and the cost estimate at the end, on stderr only.
    expect(r.stderr).toMatch(
      /\d+ matched · 3\.0 MB scanned · Athena cost about <\$0\.0001 .*Athena query q-1/,
    );
    expect(athena.destroyed).toBe(true);
  });

  it('--count: one GROUP BY query, rows back into the same counts output', async () => {
    const athena = athenaFor([], {
      GetQueryResults: () =>
        results(
          ['entity', 'query', 'count'],
          [
            ['User', 'setPassword', '2'],
            ['Project', 'addProject', '5'],
            [null, 'mysteryOp', '1'],
          ],
        ),
    });
    const r = await runQuery(['--engine', 'athena', '--count', '--output', 'json', '--limit', '100'], athena);
    expect(r.code).toBe(ExitCode.ok);
    expect(sqlOf(athena)).toMatch(/GROUP BY "entity", "query"/);
    expect(sqlOf(athena)).toMatch(/LIMIT 100\n\) AS matched/);
    const doc = JSON.parse(r.stdout);
    expect(doc.total).toBe(8);
    expect(doc.groups.map((g: { query: string }) => g.query)).toEqual([
      'addProject',
      'setPassword',
      'mysteryOp',
    ]);
    expect(r.stderr).toMatch(/^8 events counted · /m);
  });

  it("a failed query shows Athena's reason (exit 2)", async () => {
    const athena = athenaFor([], {
      GetQueryExecution: () => execution('FAILED', { reason: 'HIVE_BAD_DATA: Error parsing field value' }),
    });
    const err = await runQuery(['--engine', 'athena'], athena).catch((e) => e);
    expect(err.message).toBe('The Athena query q-1 failed: HIVE_BAD_DATA: Error parsing field value');
    expect(err.exitCode).toBe(ExitCode.error);
    expect(athena.names()).not.toContain('GetQueryResults');
  });

  it('a missing table says to run `events athena create`, before any query is started', async () => {
    const athena = athenaFor([], { GetTableMetadata: () => notFound('Table events') });
    const err = await runQuery(['--engine', 'athena', '--table', 'Events2'], athena).catch((e) => e);
    expect(err.message).toBe('The Athena table prophecy_audit.events2 does not exist.');
    expect(err.hint).toContain('prophecy-audit events athena create');
    expect(athena.names()).toEqual(['GetTableMetadata']);
  });

  it('a missing workgroup result location gets a hint for --output-location', async () => {
    const athena = athenaFor([], {
      GetQueryExecution: () =>
        execution('FAILED', { reason: 'No output location provided. An output location is required.' }),
    });
    const err = await runQuery(['--engine', 'athena'], athena).catch((e) => e);
    expect(err.hint).toContain('--output-location');
  });

  it('Ctrl-C while the query runs: StopQueryExecution, then exit 130', async () => {
    const ctl = new AbortController();
    let cleanupsWhileRunning = false;
    const f = fakeContext({ signal: ctl.signal });
    const athena = athenaFor([], {
      GetQueryExecution: (_i, n) => {
        cleanupsWhileRunning = f.ctx.interrupt.hasCleanups;
        if (n === 2) ctl.abort();
        return execution('RUNNING');
      },
    });
    f.ctx.aws = fakeAws({ athena });
    const input = query.parse(flagsOf(['--engine', 'athena']), f.ctx);
    const { runAthenaQuery } = await import('../../src/events/athena/run-query.js');
    const err = await runAthenaQuery(f.ctx, input as never, {}).catch((e) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err.exitCode).toBe(ExitCode.interrupted);
    expect(err.message).toContain('q-1 was stopped');
    expect(athena.names().slice(-1)).toEqual(['StopQueryExecution']);
    expect(athena.of('StopQueryExecution')[0]?.input).toEqual({ QueryExecutionId: 'q-1' });
    // While it ran, the SIGINT handler had the stop registered (the CLI awaits it before exiting).
    expect(cleanupsWhileRunning).toBe(true);
    expect(f.ctx.interrupt.hasCleanups).toBe(false);
  });

  it('the SIGINT clean-up registered while polling sends StopQueryExecution', async () => {
    const f = fakeContext();
    let stopped: unknown;
    const athena = athenaFor([], {
      GetQueryExecution: (_i, n) => (n < 3 ? execution('RUNNING') : execution('SUCCEEDED')),
      StopQueryExecution: (i) => {
        stopped = i.QueryExecutionId;
        return {};
      },
    });
    f.ctx.aws = fakeAws({ athena });
    const input = query.parse(flagsOf(['--engine', 'athena']), f.ctx);
    const { runAthenaQuery } = await import('../../src/events/athena/run-query.js');
    let cleaned = false;
    await runAthenaQuery(f.ctx, input as never, {
      sleep: async () => {
        if (!cleaned) {
          cleaned = true;
          expect(f.ctx.interrupt.message()).toContain('stopping the Athena query q-1');
          await f.ctx.interrupt.cleanup(1000);
        }
      },
    });
    expect(stopped).toBe('q-1');
  });

  it('a hostile --user stays one string literal: the SQL has the same structure as with a plain one', async () => {
    const hostile = "x' OR '1'='1";
    const plain = 'bob';
    const a = athenaFor([]);
    const b = athenaFor([]);
    await runQuery(['--engine', 'athena', '--user', hostile, '--entity', 'Project'], a);
    await runQuery(['--engine', 'athena', '--user', plain, '--entity', 'Project'], b);
    expect(sqlOf(a)).toContain(`strpos(lower("userEmail"), ${lit(hostile.toLowerCase())}) > 0`);
    expect(sqlOf(a).replace(lit(hostile.toLowerCase()), lit(plain))).toBe(sqlOf(b));
  });

  it.each([
    [['--engine', 'athena', '--dir', '.'], '--dir has no meaning with --engine athena.'],
    [
      ['--engine', 'athena', '--prefix', 'x/', '--inspect', '--strict'],
      '--prefix, --inspect, --strict have no meaning with --engine athena.',
    ],
    [
      ['--engine', 'athena', '--concurrency', '4', '--max-record-bytes', '9'],
      '--concurrency, --max-record-bytes have no meaning with --engine athena.',
    ],
    [
      ['--suffix', 'acme', '--workgroup', 'wg', '--table', 't'],
      '--workgroup, --table only apply with --engine athena.',
    ],
    [['--engine', 'athena', '--table', 'no-dashes'], 'Invalid table name "no-dashes"'],
    [['--engine', 'athena', '--output-location', 'https://x'], '--output-location must be an S3 URI'],
  ])('%j is a usage error (exit 2) naming the flags', (args, message) => {
    const f = fakeContext();
    let err: unknown;
    try {
      query.parse(flagsOf(args), f.ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toContain(message);
    expect((err as UsageError).exitCode).toBe(ExitCode.error);
  });

  it('--engine athena needs no --suffix/--bucket; --engine local still does', () => {
    const f = fakeContext();
    const input = query.parse(flagsOf(['--engine', 'athena', '--database', 'Security']), f.ctx);
    expect(input).toMatchObject({
      engine: 'athena',
      database: 'security',
      table: 'events',
      bucket: undefined,
    });
    expect(() => query.parse(flagsOf(['--engine', 'local']), f.ctx)).toThrow('Missing the events to read.');
  });
});

function ddlFlags(args: string[]) {
  return athenaDdlCommand().exitOverride().parse(args, { from: 'user' }).opts();
}

describe('events athena ddl (fake S3 listing)', () => {
  it('prints the statements on stdout only, with the layout found in the listed keys', async () => {
    const s3 = new FakeListingS3(BUCKET, [...KEYS, 'audit/', 'other/2026/01/01/x.jsonl']);
    const f = fakeContext({ aws: fakeAws({ s3 }) });
    const code = await ddlCommand.run(
      f.ctx,
      ddlCommand.parse(ddlFlags(['--suffix', 'acme', '--prefix', 'audit/']), f.ctx),
    );
    expect(code).toBe(ExitCode.ok);
    expect(f.out()).toBe(DDL.text);
    expect(s3.sent[0]?.input).toMatchObject({ Bucket: BUCKET, Prefix: 'audit/' });
    expect(f.err()).toContain(
      'Looked at 2 key(s) under s3://prophecy-customer-backend-events-acme/audit/: dated YYYY/MM/DD/HH',
    );
  });

  it('keys without a date: an unpartitioned table, said on stderr', async () => {
    const s3 = new FakeListingS3(BUCKET, ['exports/batch-1.jsonl', 'exports/batch-2.jsonl']);
    const f = fakeContext({ aws: fakeAws({ s3 }) });
    await ddlCommand.run(
      f.ctx,
      ddlCommand.parse(ddlFlags(['--suffix', 'acme', '--prefix', 'exports']), f.ctx),
    );
    expect(f.out()).not.toContain('PARTITIONED BY');
    expect(f.out()).toContain('-- No partitions: the keys carry no date');
    expect(f.err()).toContain('no date layout to project partitions on (the keys carry no date');
  });

  it('lists at most a sample of keys (the pager is stopped), and says so', async () => {
    const keys = Array.from(
      { length: 5200 },
      (_, i) => `a/2026/01/${String((i % 28) + 1).padStart(2, '0')}/k${i}.jsonl`,
    );
    const s3 = new FakeListingS3(BUCKET, keys);
    const f = fakeContext({ aws: fakeAws({ s3 }) });
    await ddlCommand.run(f.ctx, ddlCommand.parse(ddlFlags(['--suffix', 'acme']), f.ctx));
    expect(f.err()).toContain('Looked at the first 5,000 keys');
    expect(s3.sent.length).toBeLessThanOrEqual(6);
  });

  it('a bucket that is not there, and a bad table name', async () => {
    const s3 = new FakeListingS3('other', []);
    const f = fakeContext({ aws: fakeAws({ s3 }) });
    const err = await ddlCommand
      .run(f.ctx, ddlCommand.parse(ddlFlags(['--suffix', 'acme']), f.ctx))
      .catch((e) => e);
    expect(err.message).toContain('does not exist');
    expect(() => ddlCommand.parse(ddlFlags(['--suffix', 'acme', '--database', '1abc']), f.ctx)).toThrow(
      UsageError,
    );
  });
});

function createFlags(args: string[]) {
  return athenaCreateCommand().exitOverride().parse(args, { from: 'user' }).opts();
}

/** `events athena create` in-process: the bucket lists KEYS; Athena answers as `answers` say. */
async function runCreate(
  args: string[],
  answers: ConstructorParameters<typeof FakeAthena>[0],
  opts: { tty?: boolean; confirm?: boolean[] } = {},
) {
  const athena = new FakeAthena({
    StartQueryExecution: (_i, n) => ({ QueryExecutionId: `ddl-${n}` }),
    GetQueryExecution: () => execution('SUCCEEDED', { type: 'DDL' }),
    ...answers,
  });
  const s3 = new FakeListingS3(BUCKET, KEYS);
  const stderr = captureStream({ isTTY: opts.tty === true });
  const { prompts, asked } = scriptedPrompts(opts.confirm ?? []);
  const f = fakeContext({
    aws: fakeAws({ athena, s3 }),
    stderr,
    stdinIsTTY: opts.tty === true,
    prompts: async () => prompts,
  });
  const input = create.parse(createFlags(['--suffix', 'acme', '--prefix', 'audit/', ...args]), f.ctx);
  const result = await create.run(f.ctx, input).catch((e) => e);
  return {
    result,
    athena,
    stderr: stripVTControlCharacters(f.err()),
    asked,
    sql: athena.of('StartQueryExecution').map((s) => s.input),
  };
}

describe('events athena create (fake Athena: moto has no GetTableMetadata)', () => {
  it('creates the database and the table: plan on stderr, each statement run and waited for', async () => {
    const r = await runCreate(
      ['--yes', '--workgroup', 'audit', '--output-location', 's3://results-bucket/athena'],
      {
        GetDatabase: () => notFound('Database prophecy_audit'),
      },
    );
    expect(r.result).toBe(ExitCode.ok);
    expect(r.stderr).toContain('Plan for Athena (region us-east-1, workgroup audit):');
    expect(r.stderr).toMatch(/1\. \[create\] Database prophecy_audit/);
    expect(r.stderr).toMatch(
      /2\. \[create\] Table prophecy_audit\.events: JSON Lines in s3:\/\/prophecy-customer-backend-events-acme\/audit\/, partitioned by dt/,
    );
    expect(r.sql).toEqual([
      {
        QueryString: DDL.statements[0],
        QueryExecutionContext: { Database: 'default' },
        WorkGroup: 'audit',
        ResultConfiguration: { OutputLocation: 's3://results-bucket/athena/' },
      },
      expect.objectContaining({ QueryString: DDL.statements[1] }),
    ]);
    expect(r.athena.names()).not.toContain('GetTableMetadata'); // no database, no table
    expect(r.stderr).toContain(
      'prophecy-audit events query --bucket prophecy-customer-backend-events-acme --workgroup audit',
    );
  });

  it('the same table again: [no change], nothing run, no question asked', async () => {
    const r = await runCreate(
      [],
      {
        GetDatabase: () => ({ Database: { Name: 'prophecy_audit' } }),
        GetTableMetadata: () => tableMetadata(),
      },
      { tty: true },
    );
    expect(r.result).toBe(ExitCode.ok);
    expect(r.stderr).toMatch(/\[no change\] Database prophecy_audit/);
    expect(r.stderr).toMatch(/\[no change\] Table prophecy_audit\.events: exists with the same definition/);
    expect(r.stderr).toContain('Nothing to change');
    expect(r.sql).toEqual([]);
    expect(r.asked).toEqual([]);
  });

  it('a table that differs only in its projected range is [no change], with a note', async () => {
    const r = await runCreate(['--yes'], {
      GetDatabase: () => ({}),
      GetTableMetadata: () => tableMetadata({ parameters: { 'projection.dt.range': '2026/10/01/00,NOW' } }),
    });
    expect(r.result).toBe(ExitCode.ok);
    expect(r.stderr).toMatch(/\[no change\] Table/);
    expect(r.stderr).toContain(
      'note: only the projected date range differs (projection.dt.range: 2026/10/01/00,NOW → 2026/11/24/00,NOW)',
    );
    expect(r.sql).toEqual([]);
  });

  it('a different table is refused (exit 2, differences named) unless --replace, which drops and re-creates it', async () => {
    const answers = {
      GetDatabase: () => ({}),
      GetTableMetadata: () =>
        tableMetadata({ columns: 7, parameters: { 'projection.dt.format': 'yyyy/MM/dd' } }),
    };
    const refused = await runCreate(['--yes'], answers);
    expect(refused.result.exitCode).toBe(ExitCode.error);
    expect(refused.result.message).toContain('exists with a different definition');
    expect(refused.result.message).toContain('projection.dt.format: yyyy/MM/dd → yyyy/MM/dd/HH');
    expect(refused.result.hint).toContain('--replace');
    expect(refused.sql).toEqual([]);

    const replaced = await runCreate(['--yes', '--replace'], answers);
    expect(replaced.result).toBe(ExitCode.ok);
    expect(replaced.stderr).toMatch(/\[replace\] Table prophecy_audit\.events: drop and re-create/);
    expect(replaced.sql.map((s) => s.QueryString)).toEqual([
      'DROP TABLE IF EXISTS `prophecy_audit`.`events`',
      DDL.statements[1],
    ]);
  });

  it('asks, defaulting to no, on a terminal; declining changes nothing (exit 130)', async () => {
    const r = await runCreate([], { GetDatabase: () => notFound('db') }, { tty: true, confirm: [false] });
    expect(r.asked).toEqual(['Run these statements in Athena?']);
    expect(r.result).toBeInstanceOf(InterruptedError);
    expect(r.sql).toEqual([]);
  });

  it('without a terminal and without --yes: exit 2 before any AWS call', () => {
    const f = fakeContext();
    expect(() => create.parse(createFlags(['--suffix', 'acme']), f.ctx)).toThrow(/pass --yes/);
  });

  it("a failed statement stops with Athena's reason and says what completed", async () => {
    const r = await runCreate(['--yes'], {
      GetDatabase: () => notFound('db'),
      GetQueryExecution: (_i, n) =>
        n === 1
          ? execution('SUCCEEDED')
          : execution('FAILED', { reason: 'FAILED: AccessDeniedException glue:CreateTable' }),
    });
    expect(r.result.message).toContain('stopped at "Table prophecy_audit.events"');
    expect(r.result.message).toContain('glue:CreateTable');
    expect(r.stderr).toContain('Completed: Database prophecy_audit.');
  });
});
