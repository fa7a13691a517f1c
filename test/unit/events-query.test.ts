import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventsCatalogCommand } from '../../src/commands/events-catalog/flags.js';
import * as catalog from '../../src/commands/events-catalog/run.js';
import { eventsQueryCommand } from '../../src/commands/events-query/flags.js';
import * as query from '../../src/commands/events-query/run.js';
import type { Context } from '../../src/context.js';
import { ExitCode } from '../../src/errors.js';
import { eventsInspectDocumentSchema, eventsQueryDocumentSchema } from '../../src/schemas/events.js';
import { displayWidth } from '../../src/ui/table.js';
import { captureStream, fakeContext } from '../helpers/events-context.js';

/*
 * `events query` and `events catalog` run in-process with a fake context over test/fixtures/events: three
 * objects (JSON Lines, gzip JSON Lines, a pretty-printed wrapper object) with a bad line, a record without
 * a query name, a secret, CJK text and an emoji. The expected outputs in test/fixtures/events-output (.out:
 * Biome leaves them alone) are what the CLI printed before the events code was restructured, byte for
 * byte, except that the table's CJK row now aligns.
 */

const FIXTURES = fileURLToPath(new URL('../fixtures/events/', import.meta.url));
const expected = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/events-output/${name}`, import.meta.url)), 'utf8');

const SUMMARY =
  '3 objects read (3 listed, 0 skipped by date) · 9 events scanned · 8 matched · 2 unparseable: ' +
  'audit/2026/11/24/13/events.jsonl:3 (not valid JSON), audit/2026/11/24/13/events.jsonl:5 (no query name) · 0.0s\n';

/** Flags exactly as commander produces them from `args`. */
function queryFlags(args: string[]) {
  return eventsQueryCommand().exitOverride().parse(args, { from: 'user' }).opts();
}

/** parse + run, as the CLI does; one object at a time so the order of events is fixed. */
async function runQuery(args: string[], over: Partial<Context> = {}) {
  const f = fakeContext(over);
  const input = query.parse(queryFlags(['--dir', FIXTURES, '--concurrency', '1', ...args]), f.ctx);
  const code = await query.run(f.ctx, input);
  return { code, stdout: f.out(), stderr: f.err() };
}

describe('events query, in-process over a fixture directory', () => {
  it.each([
    [['--output', 'table'], 'table.out'],
    [['--output', 'json'], 'events-json.out'],
    [['--output', 'csv'], 'events-csv.out'],
    [['--output', 'ndjson', '--no-redact'], 'events-no-redact-ndjson.out'],
    [['--count', '--output', 'table'], 'count-table.out'],
    [['--count', '--output', 'json'], 'count-json.out'],
    [['--count', '--output', 'csv'], 'count-csv.out'],
    [['--count'], 'count-ndjson.out'],
  ])('%j prints exactly %s, and the summary on stderr', async (args, file) => {
    const r = await runQuery(args);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout).toBe(expected(file));
    expect(r.stderr).toBe(SUMMARY);
  });

  it('the table aligns CJK and emoji by display width', async () => {
    const r = await runQuery(['--output', 'table', '--entity', 'Project']);
    expect(r.stdout).toBe(
      [
        'TIME                 ENTITY      QUERY                          USER                     CODE PARAMS',
        '2026-11-24 13:01:00Z Project     addProject                     alice@acme.io            200  projectId=12 name=Sales',
        '2026-11-24 13:07:00Z Project     releaseProject                 李雷@acme.io             200  projectID=12 version=1.4.0 note=发布 🚀',
        '',
      ].join('\n'),
    );
  });

  it('--output json is a valid document; the default when piped is ndjson; secrets are masked', async () => {
    const json = await runQuery(['--output', 'json']);
    const doc = eventsQueryDocumentSchema.parse(JSON.parse(json.stdout));
    expect(doc.events.map((e) => e.query)).toEqual([
      'addProject',
      'releaseProject',
      'setPassword',
      'commit',
      'checkout',
      'addJob',
      'user',
      'commit',
    ]);
    expect(json.stdout).not.toContain('hunter2');
    const piped = await runQuery(['--query', 'setPassword']);
    expect(JSON.parse(piped.stdout).params).toEqual({ uid: '9', newPassword: '***' });
  });

  it('filters, with the pre-filter, the time window from the fixed clock and --limit', async () => {
    const git = await runQuery(['--entity', 'git', '--output', 'csv']);
    expect(
      git.stdout
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',')[2]),
    ).toEqual(['commit', 'checkout', 'commit']);
    // now is 2026-11-25T12:00Z: the last 12 hours hold only the exported batch.
    const recent = await runQuery(['--since', '12h', '--output', 'json']);
    expect(JSON.parse(recent.stdout).events.map((e: { user: string }) => e.user)).toEqual([
      'erin@example.com',
      'frank@example.com',
    ]);
    const failed = await runQuery(['--failed', '--count', '--output', 'json']);
    expect(JSON.parse(failed.stdout).total).toBe(3);
    const limited = await runQuery(['--limit', '2']);
    expect(limited.stdout.trim().split('\n')).toHaveLength(2);
    expect(limited.stderr).toContain('2 matched (stopped at --limit 2)');
  });

  it('nothing matched: an empty JSON document, a CSV header, no table at all', async () => {
    expect((await runQuery(['--user', 'nobody', '--output', 'json'])).stdout).toBe(
      '{"schemaVersion":1,"events":[]}\n',
    );
    expect((await runQuery(['--user', 'nobody', '--output', 'csv'])).stdout).toBe(
      'time,entity,query,user,outcome,failed,params,sourceKey,sourceLine\r\n',
    );
    const table = await runQuery(['--user', 'nobody', '--output', 'table']);
    expect(table.stdout).toBe('');
    expect(table.stderr).toBe(
      '3 objects read (3 listed, 0 skipped by date) · 10 events scanned · 0 matched · 0 unparseable · 0.0s\n',
    );
  });

  it('--inspect prints the text report, or its JSON document with --output json', async () => {
    const text = await runQuery(['--inspect']);
    expect(text.stdout).toBe(expected('inspect-text.out'));
    expect(text.stderr).toBe('');
    const json = await runQuery(['--inspect', '--output', 'json']);
    expect(json.stdout).toBe(expected('inspect-json.out'));
    expect(eventsInspectDocumentSchema.parse(JSON.parse(json.stdout)).objects).toHaveLength(3);
  });

  it('--strict fails on the first bad record with exit 2 and its location', async () => {
    await expect(runQuery(['--strict'])).rejects.toMatchObject({
      exitCode: ExitCode.error,
      message: 'Record audit/2026/11/24/13/events.jsonl:3 could not be read: not valid JSON (--strict).',
    });
  });

  it('bad flags fail in parse, before anything is read', async () => {
    await expect(runQuery(['--entity', 'Nope'])).rejects.toMatchObject({
      exitCode: ExitCode.error,
      message: 'Unknown --entity "Nope": it is not in Prophecy\'s event catalog.',
    });
    await expect(runQuery(['--since', 'yesterday'])).rejects.toThrow(/Invalid --since/);
    const f = fakeContext();
    expect(() => query.parse(queryFlags(['--output', 'csv']), f.ctx)).toThrow(/Missing the events to read/);
    await expect(
      query.run(f.ctx, query.parse(queryFlags(['--dir', `${FIXTURES}nope`]), f.ctx)),
    ).rejects.toThrow(/is not a directory/);
  });

  it('a table on a terminal fits its width: PARAMS is cut first, then the widest others, TIME never', async () => {
    const terminal = (columns: number) => ({
      stdout: captureStream({ isTTY: true, columns }),
      env: { NO_COLOR: '1' },
    });
    const wide = await runQuery(['--output', 'table', '--entity', 'Project'], terminal(110));
    expect(wide.stdout).toBe(
      [
        'TIME                 ENTITY      QUERY                          USER                     CODE PARAMS',
        '2026-11-24 13:01:00Z Project     addProject                     alice@acme.io            200  projectId=12 na…',
        '2026-11-24 13:07:00Z Project     releaseProject                 李雷@acme.io             200  projectID=12 ve…',
        '',
      ].join('\n'),
    );
    const narrow = await runQuery(['--output', 'table', '--entity', 'Project'], terminal(80));
    expect(narrow.stdout).toBe(
      [
        'TIME                 ENTITY      QUERY           USER            CODE PARAMS',
        '2026-11-24 13:01:00Z Project     addProject      alice@acme.io   200  projectId…',
        '2026-11-24 13:07:00Z Project     releaseProject  李雷@acme.io    200  projectID…',
        '',
      ].join('\n'),
    );
    for (const line of narrow.stdout.trimEnd().split('\n'))
      expect(displayWidth(line)).toBeLessThanOrEqual(80);
  });

  it('Ctrl-C (the context signal) stops the read and exits 130 with nothing on stdout', async () => {
    const f = fakeContext();
    const input = query.parse(queryFlags(['--dir', FIXTURES]), f.ctx);
    f.interrupt.abort();
    await expect(query.run(f.ctx, input)).rejects.toMatchObject({ exitCode: ExitCode.interrupted });
    expect(f.out()).toBe('');
  });
});

describe('events catalog, in-process', () => {
  const catalogFlags = (args: string[]) =>
    eventsCatalogCommand().exitOverride().parse(args, { from: 'user' }).opts();

  it('prints one entity as a table', async () => {
    const f = fakeContext();
    expect(await catalog.run(f.ctx, catalog.parse(catalogFlags(['--entity', 'user'])))).toBe(ExitCode.ok);
    expect(f.out()).toBe(
      [
        'ENTITY  QUERY                    DESCRIPTION               REQUEST PARAMETERS',
        'User    getUser                  Get User                  email',
        'User    tableQueryUser           List query for the User   uid, sortOrder, sortColumn',
        'User    userAllFabricInfoAspect  Get User Details          uid',
        'User    setPassword              user Sets a new Password  uid, newPassword',
        '',
      ].join('\n'),
    );
    expect(f.err()).toBe('');
  });

  it('prints JSON, and on a narrow terminal fits the table into its width', async () => {
    const json = fakeContext();
    await catalog.run(json.ctx, catalog.parse(catalogFlags(['--entity', 'Git', '--json'])));
    expect(JSON.parse(json.out()).events).toHaveLength(18);
    const narrow = fakeContext({ stdout: captureStream({ isTTY: true, columns: 60 }) });
    await catalog.run(narrow.ctx, catalog.parse(catalogFlags([])));
    const lines = narrow.out().trimEnd().split('\n');
    expect(lines).toHaveLength(69);
    // Colour is on (a terminal, no NO_COLOR): a cut query stays bold, and colour codes take no width.
    expect(lines[1]).toContain('\u001B[1mfabricDetailQ…\u001B[22m');
    expect(Math.max(...lines.map(displayWidth))).toBeLessThanOrEqual(60);
  });

  it('an unknown entity is a usage error with a suggestion', () => {
    expect(() => catalog.parse(catalogFlags(['--entity', 'Fabrik']))).toThrow(
      expect.objectContaining({ hint: 'Did you mean "Fabric"?' }),
    );
  });
});
