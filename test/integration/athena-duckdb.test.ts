// The Athena engine's meaning, proven without Athena: the filters compiled into the SQL AST, rendered
// for DuckDB and run over a local export with read_json (the same columns as the Athena table), must
// give exactly what `events query --dir` gives on the same folder, filter by filter and combined.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/core/event.js';
import { detectKeyLayout, type KeyLayout } from '../../src/events/athena/layout.js';
import { type Cell, rowToCountGroup, rowToEvent, sortCountGroups } from '../../src/events/athena/rows.js';
import { compileQuery, partitionPredicate, renderDuckDb, renderExpr } from '../../src/events/athena/sql.js';
import type { CountGroup } from '../../src/events/count.js';
import { type EventFilter, NO_FILTER } from '../../src/events/filter.js';
import { eventsCountDocumentSchema } from '../../src/schemas/events.js';
import { generateExport } from '../../src/synthetic/export.js';
import { writeObjectsToDir } from '../../src/synthetic/export-io.js';
import { runCli } from '../helpers/run-cli.js';

const T = (iso: string) => Date.parse(iso);
const SINCE = '2026-11-01T05:30:00.000Z';
const UNTIL = '2026-11-01T18:00:00.000Z';

// Edge cases the generator does not make, next to its plain native export. Every time lies within a
// day of the key's date, so the local engine's key-date pruning keeps the file as DuckDB reads it.
const EDGES: (Record<string, unknown> | string)[] = [
  {
    opType: 'addFabric',
    createdAt: T(SINCE),
    nameHints: ['Fabric'],
    userEmail: 'Edge.Since@Acme.IO',
    responseCode: 200,
  },
  {
    opType: 'addFabric',
    createdAt: T(SINCE) - 1,
    nameHints: ['Fabric'],
    userEmail: 'edge.before@acme.io',
    responseCode: 200,
  },
  {
    opType: 'addFabric',
    createdAt: T(UNTIL),
    nameHints: ['Fabric'],
    userEmail: 'edge.until@acme.io',
    responseCode: 500,
  },
  {
    opType: 'addFabric',
    createdAt: T(UNTIL) - 1,
    nameHints: ['Fabric'],
    userEmail: 'EDGE.LAST@acme.io',
    responseCode: 403,
  },
  // epoch seconds, read as such by both
  {
    opType: 'commit',
    createdAt: Math.floor(T('2026-11-01T07:00:00Z') / 1000),
    nameHints: ['Git'],
    userEmail: 'secs@acme.io',
    responseCode: 199,
  },
  // entity inferred from the query name: no nameHints, an empty list, a blank hint
  {
    opType: 'ADDFABRIC',
    createdAt: T('2026-11-01T08:00:00Z'),
    userEmail: 'Alice.Upper@Acme.io',
    responseCode: 300,
  },
  {
    opType: 'addProject',
    createdAt: T('2026-11-01T09:00:00Z'),
    nameHints: [],
    userEmail: 'x_y%z@acme.io',
    responseCode: 201,
  },
  {
    opType: ' releaseProject ',
    createdAt: T('2026-11-01T10:00:00Z'),
    nameHints: ['  '],
    userEmail: "o'brien@acme.io",
    responseCode: 'error',
  },
  // a hint that disagrees with the catalog wins, as locally
  {
    opType: 'addFabric',
    createdAt: T('2026-11-01T11:00:00Z'),
    nameHints: ['project'],
    userEmail: 'hint@acme.io',
    responseCode: 'Access Denied',
  },
  // unknown query, no entity at all
  {
    opType: 'mysteryOp',
    createdAt: T('2026-11-01T12:00:00Z'),
    userEmail: 'alice@elsewhere.org',
    responseCode: 404,
  },
  // no time, no user, no code
  { opType: 'addFabric', nameHints: ['Fabric'] },
  // secrets are masked in params and raw alike
  {
    opType: 'addFabric',
    createdAt: T('2026-11-01T13:00:00Z'),
    nameHints: ['Fabric'],
    userEmail: 'secret@acme.io',
    customerName: 'acme',
    responseCode: 200,
    requestParams: { name: 'f1', password: 'hunter2', config: '{"token":"abc","n":1}' },
    latencyInMillis: 12,
  },
  // not records: skipped by both
  'not json at all',
  { opType: '   ', createdAt: T('2026-11-01T14:00:00Z') },
  { createdAt: T('2026-11-01T14:00:00Z'), userEmail: 'noop@acme.io' },
];

let dir: string;
let files: string[];
let db: DuckDBInstance;
let conn: DuckDBConnection;

function listFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'athena-duckdb-'));
  await writeObjectsToDir(
    dir,
    generateExport({
      seed: 16,
      start: '2026-10-31T12:00:00Z',
      hours: 48,
      eventsPerObject: 8,
      variety: 'jsonl-gz',
    }),
  );
  mkdirSync(join(dir, '2026', '11', '01', '05'), { recursive: true });
  writeFileSync(
    join(dir, '2026', '11', '01', '05', 'edges.jsonl'),
    `${EDGES.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n')}\n`,
  );
  files = listFiles(dir);
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});

afterAll(() => {
  conn?.closeSync();
  db?.closeSync();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const keyOf = (path: string) => relative(dir, path).split(sep).join('/');

async function duckRows(sql: string): Promise<Cell[][]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowsJson().map((row) => row.map((v) => (v === null ? null : String(v))));
}

async function duckEvents(f: EventFilter, limit?: number, layout?: KeyLayout): Promise<AuditEvent[]> {
  const rows = await duckRows(renderDuckDb(compileQuery(f, { limit, layout }), files, layout));
  return rows.map((r) => rowToEvent(r, { redact: true, keyOf })).filter((e) => e !== undefined);
}

async function duckCounts(f: EventFilter): Promise<CountGroup[]> {
  const rows = await duckRows(renderDuckDb(compileQuery(f, { count: true }), files));
  return sortCountGroups(rows.map(rowToCountGroup));
}

interface Flags {
  filter: Partial<EventFilter>;
  args: string[];
}

async function local(args: string[]): Promise<AuditEvent[]> {
  const r = await runCli(['events', 'query', '--dir', dir, '--output', 'ndjson', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditEvent);
}

async function localCounts(args: string[]): Promise<{ total: number; groups: CountGroup[] }> {
  const r = await runCli(['events', 'query', '--dir', dir, '--count', '--output', 'json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return eventsCountDocumentSchema.parse(JSON.parse(r.stdout));
}

/** Events in a stable order, without the line number (Athena cannot know it: 0). */
function comparable(events: AuditEvent[]) {
  return events
    .map((e) => ({ ...e, source: { key: e.source.key } }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const CASES: [string, Flags][] = [
  ['no filter', { filter: {}, args: [] }],
  [
    '--entity Fabric (hinted and inferred)',
    { filter: { entities: ['Fabric'] }, args: ['--entity', 'fabric'] },
  ],
  [
    '--entity Project,Git',
    { filter: { entities: ['Project', 'Git'] }, args: ['--entity', 'PROJECT', '--entity', 'Git'] },
  ],
  ['--query addFabric', { filter: { queries: ['addFabric'] }, args: ['--query', 'ADDFABRIC'] }],
  [
    '--query releaseProject,commit',
    {
      filter: { queries: ['releaseProject', 'commit'] },
      args: ['--query', 'releaseProject', '--query', 'commit'],
    },
  ],
  ['--user ALICE (mixed case)', { filter: { user: 'ALICE' }, args: ['--user', 'ALICE'] }],
  ['--user EDGE.', { filter: { user: 'EDGE.' }, args: ['--user', 'EDGE.'] }],
  ['--user with LIKE wildcards', { filter: { user: 'x_y%' }, args: ['--user', 'x_y%'] }],
  ['--user _ alone matches only a literal underscore', { filter: { user: '_' }, args: ['--user', '_'] }],
  ["--user o'brien", { filter: { user: "o'brien" }, args: ['--user', "o'brien"] }],
  ["--user injection x' OR '1'='1", { filter: { user: "x' OR '1'='1" }, args: ['--user', "x' OR '1'='1"] }],
  ['--since (inclusive edge)', { filter: { sinceMs: T(SINCE) }, args: ['--since', SINCE] }],
  ['--until (exclusive edge)', { filter: { untilMs: T(UNTIL) }, args: ['--until', UNTIL] }],
  [
    '--since --until',
    { filter: { sinceMs: T(SINCE), untilMs: T(UNTIL) }, args: ['--since', SINCE, '--until', UNTIL] },
  ],
  ['--failed', { filter: { failedOnly: true }, args: ['--failed'] }],
  [
    'all combined',
    {
      filter: { entities: ['Fabric'], user: 'edge', sinceMs: T(SINCE), untilMs: T(UNTIL), failedOnly: true },
      args: ['--entity', 'Fabric', '--user', 'edge', '--since', SINCE, '--until', UNTIL, '--failed'],
    },
  ],
  [
    'query + user + window',
    {
      filter: {
        queries: ['addFabric', 'commit'],
        user: 'acme',
        sinceMs: T('2026-11-01T00:00:00Z'),
        untilMs: T('2026-11-02T00:00:00Z'),
      },
      args: [
        '--query',
        'addFabric',
        '--query',
        'commit',
        '--user',
        'acme',
        '--since',
        '2026-11-01',
        '--until',
        '2026-11-02',
      ],
    },
  ],
  [
    'unknown entity (--allow-unknown)',
    { filter: { entities: ['Spaceship'] }, args: ['--entity', 'Spaceship', '--allow-unknown'] },
  ],
  [
    'unknown query (--allow-unknown)',
    { filter: { queries: ['mysteryOp'] }, args: ['--query', 'mysteryOp', '--allow-unknown'] },
  ],
];

describe('DuckDB rendering = events query --dir', () => {
  it('the fixture holds the export and the edge cases', async () => {
    expect(files.length).toBeGreaterThan(40);
    const all = await duckEvents(NO_FILTER);
    expect(all.length).toBeGreaterThan(300);
  });

  it.each(CASES)('%s: identical events', async (_name, c) => {
    const f = { ...NO_FILTER, ...c.filter };
    const [mine, theirs] = await Promise.all([duckEvents(f), local(c.args)]);
    expect(comparable(mine)).toEqual(comparable(theirs));
  });

  it.each(CASES)('%s: identical --count', async (_name, c) => {
    const f = { ...NO_FILTER, ...c.filter };
    const [mine, theirs] = await Promise.all([duckCounts(f), localCounts(c.args)]);
    expect(mine).toEqual(theirs.groups);
    expect(mine.reduce((n, g) => n + g.count, 0)).toBe(theirs.total);
  });

  it('the edge cases land where the local engine puts them', async () => {
    const w = await duckEvents({ ...NO_FILTER, sinceMs: T(SINCE), untilMs: T(UNTIL), user: 'edge' });
    expect(w.map((e) => e.user).sort()).toEqual(['EDGE.LAST@acme.io', 'Edge.Since@Acme.IO']);
    const inj = await duckEvents({ ...NO_FILTER, user: "x' OR '1'='1" });
    expect(inj).toEqual([]);
    const secret = (await duckEvents({ ...NO_FILTER, user: 'secret@' }))[0] as AuditEvent;
    expect(secret.params).toEqual({ name: 'f1', password: '***', config: { token: '***', n: 1 } });
    expect(JSON.stringify(secret.raw)).not.toContain('hunter2');
    const failed = await duckEvents({ ...NO_FILTER, failedOnly: true, user: 'acme.io' });
    expect(failed.some((e) => e.outcome === 'error')).toBe(true);
    expect(failed.some((e) => e.outcome === 199)).toBe(true);
    expect(failed.some((e) => e.outcome === 300)).toBe(true);
  });

  it('--limit gives as many events, each one a match', async () => {
    const f: EventFilter = { ...NO_FILTER, entities: ['Fabric'], failedOnly: true };
    const all = comparable(await duckEvents(f)).map((e) => JSON.stringify(e));
    const [mine, theirs] = await Promise.all([
      duckEvents(f, 3),
      local(['--entity', 'Fabric', '--failed', '--limit', '3']),
    ]);
    expect(mine).toHaveLength(3);
    expect(theirs).toHaveLength(3);
    for (const e of comparable(mine)) expect(all).toContain(JSON.stringify(e));
  });
});

describe('with partition predicates on the projected column (derived from the file paths)', () => {
  const WINDOWS: [string, Partial<EventFilter>, string[]][] = [
    ['--since', { sinceMs: T(SINCE) }, ['--since', SINCE]],
    ['--until', { untilMs: T(UNTIL) }, ['--until', UNTIL]],
    ['--since --until', { sinceMs: T(SINCE), untilMs: T(UNTIL) }, ['--since', SINCE, '--until', UNTIL]],
    [
      'a one-hour window at a day boundary',
      { sinceMs: T('2026-11-01T23:30:00Z'), untilMs: T('2026-11-02T00:30:00Z') },
      ['--since', '2026-11-01T23:30:00Z', '--until', '2026-11-02T00:30:00Z'],
    ],
  ];

  it('the export has one hourly layout, and a window prunes partitions', async () => {
    const layout = detectKeyLayout(files.map(keyOf));
    expect(layout).toMatchObject({ kind: 'ymd', hour: true, base: '' });
    const pp = partitionPredicate(layout, T('2026-11-02T12:00:00Z'), T('2026-11-02T13:00:00Z'));
    const from = renderDuckDb(compileQuery(NO_FILTER, { layout }), files, layout)
      .split('\nFROM ')[1]
      ?.split('\nWHERE')[0];
    const [[total], [kept]] = [
      (await duckRows(`SELECT count(DISTINCT "filename") FROM ${from} WHERE "dt" <> ''`))[0] as Cell[],
      (
        await duckRows(
          `SELECT count(DISTINCT "filename") FROM ${from} WHERE ${renderExpr(pp as never, 'duckdb')}`,
        )
      )[0] as Cell[],
    ];
    expect(Number(total)).toBe(files.length);
    expect(Number(kept)).toBeGreaterThan(0);
    expect(Number(kept)).toBeLessThan(files.length);
  });

  it.each(WINDOWS)('%s: the same events as events query --dir', async (_n, filter, args) => {
    const layout = detectKeyLayout(files.map(keyOf));
    const f = { ...NO_FILTER, ...filter };
    const [mine, theirs] = await Promise.all([duckEvents(f, undefined, layout), local(args)]);
    expect(mine.length).toBeGreaterThan(0);
    expect(comparable(mine)).toEqual(comparable(theirs));
  });
});

describe('other key layouts: year=/month=/day= and dt=YYYY-MM-DD', () => {
  const relayouts: [string, (y: string, m: string, d: string, h: string, name: string) => string][] = [
    ['hive', (y, m, d, h, name) => `exports/year=${y}/month=${m}/day=${d}/${h}-${name}`],
    ['iso-date', (y, m, d, h, name) => `exports/dt=${y}-${m}-${d}/${h}-${name}`],
  ];

  it.each(relayouts)(
    '%s: windows with partition predicates equal events query --dir',
    async (kind, rekey) => {
      const other = mkdtempSync(join(tmpdir(), `athena-duckdb-${kind}-`));
      try {
        for (const f of files) {
          const [y, m, d, h, name] = keyOf(f).split('/') as [string, string, string, string, string];
          const target = join(other, ...rekey(y, m, d, h, name).split('/'));
          mkdirSync(join(target, '..'), { recursive: true });
          cpSync(f, target);
        }
        const otherFiles = listFiles(other);
        const otherKey = (p: string) => relative(other, p).split(sep).join('/');
        const layout = detectKeyLayout(otherFiles.map(otherKey));
        expect(layout.kind).toBe(kind);
        for (const [sinceIso, untilIso] of [
          [SINCE, UNTIL],
          ['2026-11-01T23:30:00Z', '2026-11-02T00:30:00Z'],
          ['2026-10-31T23:00:00Z', undefined],
        ] as const) {
          const f: EventFilter = {
            ...NO_FILTER,
            sinceMs: T(sinceIso),
            untilMs: untilIso === undefined ? undefined : T(untilIso),
          };
          const rows = await duckRows(renderDuckDb(compileQuery(f, { layout }), otherFiles, layout));
          const mine = rows
            .map((r) => rowToEvent(r, { redact: true, keyOf: otherKey }))
            .filter((e) => e !== undefined);
          const r = await runCli([
            'events',
            'query',
            '--dir',
            other,
            '--output',
            'ndjson',
            '--since',
            sinceIso,
            ...(untilIso === undefined ? [] : ['--until', untilIso]),
          ]);
          expect(r.code, r.stderr).toBe(0);
          const theirs = r.stdout
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as AuditEvent);
          expect(mine.length).toBeGreaterThan(0);
          expect(comparable(mine)).toEqual(comparable(theirs));
        }
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    },
  );
});
