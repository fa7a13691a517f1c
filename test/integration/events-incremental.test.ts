import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stateFileSchema } from '../../src/events/state.js';
import { auditEventSchema, eventsCountDocumentSchema } from '../../src/schemas/events.js';
import { type GenerateOptions, generateExport, type SyntheticObject } from '../../src/synthetic/export.js';
import { uploadObjects, writeObjectsToDir } from '../../src/synthetic/export-io.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { runCli, spawnCli, testS3, uniqueSuffix } from '../helpers/run-cli.js';

/*
 * `events query` as a pipe: --follow, --state across runs (and across a SIGKILL), and the alert exit codes.
 */

let endpoint: string;
let s3: S3Client;
let work: string;

const gen = (o: Partial<GenerateOptions>): SyntheticObject[] => [
  ...generateExport({ seed: 11, start: '2026-11-01T00:00:00Z', hours: 6, eventsPerObject: 10, ...o }),
];

async function newBucket(tag: string, objects: SyntheticObject[]): Promise<string> {
  const b = `ev-${uniqueSuffix(tag)}`;
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  await uploadObjects(s3, b, objects, 8);
  return b;
}

/** The complete lines of ndjson output (a line still arriving is left out), each checked against the schema. */
function events(stdout: string) {
  return stdout
    .slice(0, stdout.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => auditEventSchema.parse(JSON.parse(l)));
}

const total = (objs: SyntheticObject[]) => objs.reduce((n, o) => n + o.truth.length, 0);

async function until(what: string, cond: () => boolean, ms: number, detail: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(() => {
  endpoint = inject('motoEndpoint');
  s3 = testS3(endpoint);
  work = mkdtempSync(join(tmpdir(), 'events-state-'));
});

afterAll(() => {
  s3?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('events query --follow', () => {
  it('prints the events of an object uploaded while it runs, then exits 130 on SIGINT with no partial line', async () => {
    const first = gen({ hours: 3 });
    const bucket = await newBucket('follow', first);
    const run = spawnCli(
      ['events', 'query', '--bucket', bucket, '--follow', '--poll', '1s', '--output', 'ndjson'],
      { endpoint },
    );
    try {
      await until('the first scan', () => events(run.out()).length === total(first), 20_000, run.err);
      const late = gen({
        seed: 99,
        start: '2026-11-05T00:00:00Z',
        hours: 1,
        eventsPerObject: 7,
        prefix: 'late/',
      });
      const uploaded = Date.now();
      await uploadObjects(s3, bucket, late, 1);
      await until(
        'the new object',
        () => events(run.out()).length === total(first) + total(late),
        10_000,
        () => `${run.out().slice(-300)}\n${run.err()}`,
      );
      // Within a few seconds of the upload (poll 1s).
      expect(Date.now() - uploaded).toBeLessThan(8_000);
      const got = events(run.out());
      expect(got.slice(total(first)).every((e) => e.source.key === late[0]?.key)).toBe(true);
    } finally {
      run.child.kill('SIGINT');
    }
    expect(await run.exit).toBe(130);
    const out = run.out();
    // No partial line: the output ends with a newline and every line parses.
    expect(out.endsWith('\n')).toBe(true);
    expect(events(out)).toHaveLength(total(first) + 7);
    expect(run.err()).toMatch(/Stopped \(Ctrl-C\)/);
  });

  it('SIGTERM ends it with 143, the state saved', async () => {
    const objs = gen({ hours: 2 });
    const bucket = await newBucket('followterm', objs);
    const state = join(work, 'term.json');
    const run = spawnCli(
      ['events', 'query', '--bucket', bucket, '--follow', '--poll', '1s', '--state', state],
      { endpoint },
    );
    await until('the first scan', () => events(run.out()).length === total(objs), 20_000, run.err);
    await until('the state file', () => existsSync(state), 5_000, run.err);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(143);
    const saved = stateFileSchema.parse(JSON.parse(readFileSync(state, 'utf8')));
    expect(Object.keys(saved.objects).sort()).toEqual(objs.map((o) => o.key).sort());
  });
});

describe('events query --state', () => {
  it('first run all, second nothing, third only a new object; a rewritten object is emitted again', async () => {
    const objs = gen({ hours: 6 });
    const bucket = await newBucket('state', objs);
    const state = join(work, 'three.json');
    const q = (extra: string[] = []) =>
      runCli(['events', 'query', '--bucket', bucket, '--state', state, ...extra], { endpoint });

    const one = await q();
    expect(one.code, one.stderr).toBe(0);
    expect(events(one.stdout)).toHaveLength(total(objs));
    const saved = stateFileSchema.parse(JSON.parse(readFileSync(state, 'utf8')));
    expect(Object.keys(saved.objects)).toHaveLength(objs.length);

    const two = await q();
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toBe('');
    expect(two.stderr).toMatch(/6 objects already delivered/);

    const extra = gen({
      seed: 5,
      start: '2026-11-09T00:00:00Z',
      hours: 1,
      eventsPerObject: 4,
      prefix: 'new/',
    });
    await uploadObjects(s3, bucket, extra, 1);
    const three = await q();
    expect(three.code, three.stderr).toBe(0);
    const got = events(three.stdout);
    expect(got).toHaveLength(4);
    expect(new Set(got.map((e) => e.source.key))).toEqual(new Set([extra[0]?.key]));

    // The same key rewritten with other content: a new ETag, its events again, and a note on stderr.
    const target = objs[2] as SyntheticObject;
    const other = gen({ seed: 77, hours: 1, eventsPerObject: 3 })[0] as SyntheticObject;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: target.key, Body: other.body }));
    const four = await q();
    expect(four.code, four.stderr).toBe(0);
    expect(events(four.stdout)).toHaveLength(3);
    expect(four.stderr).toContain(`${target.key} changed since it was delivered`);
    const five = await q();
    expect(five.stdout).toBe('');
  });

  it('--count with --state counts only what is new', async () => {
    const objs = gen({ hours: 2 });
    const bucket = await newBucket('statecount', objs);
    const state = join(work, 'count.json');
    const q = () =>
      runCli(['events', 'query', '--bucket', bucket, '--state', state, '--count', '--output', 'json'], {
        endpoint,
      });
    const one = await q();
    expect(eventsCountDocumentSchema.parse(JSON.parse(one.stdout)).total).toBe(total(objs));
    const two = await q();
    expect(eventsCountDocumentSchema.parse(JSON.parse(two.stdout)).total).toBe(0);
  });

  it('a run killed with SIGKILL while writing leaves a state from which the next run re-emits, never skips', async () => {
    const objs = gen({ seed: 3, hours: 60, eventsPerObject: 40 });
    const bucket = await newBucket('kill', objs);
    const state = join(work, 'kill.json');
    const args = ['events', 'query', '--bucket', bucket, '--state', state, '--concurrency', '2'];
    // One object late in the listing never gets an answer, so the run is surely still going when it is
    // killed, after it delivered (and recorded) the objects before it.
    const stuck = objs[40] as SyntheticObject;
    const proxy = await startFaultProxy(endpoint, [
      {
        // (The SDK adds ?x-id=GetObject, which s3Call.getObject does not expect.)
        match: (r) =>
          r.method === 'GET' &&
          !r.url.searchParams.has('list-type') &&
          decodeURIComponent(r.url.pathname).endsWith(`/${stuck.key}`),
        fault: { kind: 'hang' },
        times: 1,
      },
    ]);
    const run = spawnCli(args, { endpoint: proxy.url });
    try {
      await until('a saved state', () => existsSync(state), 20_000, run.err);
      await until('more output', () => events(run.out()).length > 10 * 40, 20_000, run.err);
      run.child.kill('SIGKILL');
      await run.exit;
      expect(proxy.fired).toEqual([1]);
    } finally {
      await proxy.close();
    }
    // Only complete lines count (events() leaves out a torn last one).
    const first = events(run.out());
    expect(first.length).toBeLessThan(total(objs));
    stateFileSchema.parse(JSON.parse(readFileSync(state, 'utf8')));
    const next = await runCli(args, { endpoint });
    expect(next.code, next.stderr).toBe(0);
    const second = events(next.stdout);
    expect(first.length + second.length).toBeGreaterThanOrEqual(total(objs));
    // No object skipped: each one's events all came from one run or the other (or both).
    const per = (list: typeof first, key: string) => list.filter((e) => e.source.key === key).length;
    for (const o of objs) {
      expect(
        per(first, o.key) === o.truth.length || per(second, o.key) === o.truth.length,
        `${o.key}: first ${per(first, o.key)}, second ${per(second, o.key)} of ${o.truth.length}`,
      ).toBe(true);
    }
    // The stuck object was never recorded: the second run delivered it.
    expect(per(second, stuck.key)).toBe(stuck.truth.length);
  });

  it('a corrupt or foreign state file exits 2 and writes nothing', async () => {
    const bucket = await newBucket('corrupt', gen({ hours: 1 }));
    for (const [name, text, message] of [
      ['torn.json', '{"format":"prophecy-audit/events-state","version":1,"sco', /corrupt \(not JSON\)/],
      ['foreign.json', '{"hello":"world"}\n', /not a prophecy-audit events state file/],
      [
        'future.json',
        '{"format":"prophecy-audit/events-state","version":9,"objects":{}}',
        /version 9; this prophecy-audit reads version 1/,
      ],
    ] as const) {
      const path = join(work, name);
      writeFileSync(path, text);
      const r = await runCli(['events', 'query', '--bucket', bucket, '--state', path], { endpoint });
      expect(r.code, name).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
    // Another bucket's state is refused too.
    const mine = join(work, 'mine.json');
    await runCli(['events', 'query', '--bucket', bucket, '--state', mine], { endpoint });
    const other = await newBucket('other', gen({ hours: 1 }));
    const r = await runCli(['events', 'query', '--bucket', other, '--state', mine], { endpoint });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/belongs to another query/);
  });
});

describe('events query alert exit codes', () => {
  let bucket: string;
  let objs: SyntheticObject[];
  beforeAll(async () => {
    objs = gen({ hours: 12 });
    bucket = await newBucket('alert', objs);
  });
  const q = (args: string[]) => runCli(['events', 'query', '--bucket', bucket, ...args], { endpoint });
  const truth = () => objs.flatMap((o) => o.truth);

  it('--exit-code: 1 when something matched (counts still printed), 0 when nothing did', async () => {
    const n = truth().filter((t) => t.query === 'setPassword').length;
    expect(n).toBeGreaterThan(0);
    const hit = await q(['--query', 'setPassword', '--exit-code', '--count', '--output', 'json']);
    expect(hit.code, hit.stderr).toBe(1);
    expect(eventsCountDocumentSchema.parse(JSON.parse(hit.stdout)).total).toBe(n);
    const miss = await q(['--query', 'setPassword', '--user', 'nobody-at-all', '--exit-code']);
    expect(miss.code, miss.stderr).toBe(0);
    expect(miss.stdout).toBe('');
  });

  it('--min-count n: 1 only from n matches on', async () => {
    const n = truth().filter((t) => t.responseCode < 200 || t.responseCode > 299).length;
    expect(n).toBeGreaterThan(1);
    const at = await q(['--failed', '--min-count', String(n), '--count', '--output', 'json']);
    expect(at.code, at.stderr).toBe(1);
    const above = await q(['--failed', '--min-count', String(n + 1), '--count', '--output', 'json']);
    expect(above.code, above.stderr).toBe(0);
    expect(eventsCountDocumentSchema.parse(JSON.parse(above.stdout)).total).toBe(n);
  });

  it('refuses combinations that cannot work', async () => {
    for (const args of [
      ['--follow', '--exit-code'],
      ['--follow', '--count'],
      ['--poll', '5s'],
      ['--follow', '--poll', '10'],
      ['--min-count', '0'],
    ]) {
      const r = await q(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
  });
});

describe('full reads of a local copy on worker threads', () => {
  it('--count and unfiltered ndjson give exactly the single-thread answers, on every shape and on messy files', async () => {
    const objs = gen({ seed: 7, hours: 48 });
    const dir = join(work, 'messy-copy');
    await writeObjectsToDir(dir, objs);
    mkdirSync(join(dir, 'extras'), { recursive: true });
    writeFileSync(
      join(dir, 'extras', 'broken.jsonl'),
      [
        '{"opType":"commit","createdAt":1762000000000,"userEmail":"zed@x.io"}',
        'this is not json',
        '{"createdAt":1762000000000,"userEmail":"zed@x.io"}',
        '{"opType":"commit","createdAt":1762000000001,"userEmail":"zed@x.io"}',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'extras', 'README.txt'), 'Audit export\nsee docs\n');
    writeFileSync(join(dir, 'extras', 'empty.json'), '');
    writeFileSync(
      join(dir, 'extras', 'torn.json.gz'),
      gzipSync('{"opType":"commit"}\n'.repeat(50)).subarray(0, 40),
    );
    const q = (args: string[], workers: string | undefined) =>
      runCli(['events', 'query', '--dir', dir, ...args], { env: { PROPHECY_AUDIT_WORKERS: workers } });
    // The summary's numbers, without the time and the (order-dependent) samples.
    const numbers = (stderr: string) =>
      (/(\d+ objects read .*?· [\d,]+ unparseable)/.exec(stderr)?.[1] ?? stderr).replace(/:.*$/, '');

    const [many, one] = await Promise.all([
      q(['--count', '--output', 'json'], '2'),
      q(['--count', '--output', 'json'], '0'),
    ]);
    // The torn gzip cannot be read to its end: both paths deliver everything else, name it, and exit 2.
    expect(many.code, many.stderr).toBe(2);
    expect(one.code, one.stderr).toBe(2);
    expect(many.stdout).toBe(one.stdout);
    expect(JSON.parse(many.stdout)).toMatchObject({
      complete: false,
      incomplete: [{ key: 'extras/torn.json.gz' }],
    });
    // Every generated event, broken.jsonl's two good ones, and whatever the torn gzip gave before its cut.
    const counted = eventsCountDocumentSchema.parse(JSON.parse(many.stdout)).total;
    expect(counted).toBeGreaterThanOrEqual(total(objs) + 2);
    expect(numbers(many.stderr)).toBe(numbers(one.stderr));

    const [a, b] = await Promise.all([q(['--output', 'ndjson'], '2'), q(['--output', 'ndjson'], '0')]);
    expect(a.code, a.stderr).toBe(2);
    expect(b.code, b.stderr).toBe(2);
    expect(a.stderr).toMatch(/extras\/torn\.json\.gz: gzip data is corrupt/);
    const sorted = (s: string) => s.split('\n').filter(Boolean).sort();
    expect(sorted(a.stdout)).toEqual(sorted(b.stdout));
    expect(sorted(a.stdout)).toHaveLength(counted);
    expect(numbers(a.stderr)).toBe(numbers(b.stderr));
    expect(a.stderr).toMatch(/unparseable/);

    // With filters: the count reads each line's facts from its text (line-facts.ts, only the fields the
    // filter needs), ndjson parses every line it prints. Both on threads and off, they must agree.
    for (const filter of [
      ['--failed'],
      ['--since', '2026-11-02T00:00:00Z', '--until', '2026-11-02T12:00:00Z'],
      ['--user', 'alice'],
      ['--entity', 'Project', '--failed'],
    ]) {
      const [c2, c0, n2, n0] = await Promise.all([
        q([...filter, '--count', '--output', 'json'], '2'),
        q([...filter, '--count', '--output', 'json'], '0'),
        q([...filter, '--output', 'ndjson'], '2'),
        q([...filter, '--output', 'ndjson'], '0'),
      ]);
      expect(c2.stdout, filter.join(' ')).toBe(c0.stdout);
      expect(sorted(n2.stdout), filter.join(' ')).toEqual(sorted(n0.stdout));
      const filtered = eventsCountDocumentSchema.parse(JSON.parse(c2.stdout)).total;
      expect(filtered, filter.join(' ')).toBeGreaterThan(0);
      expect(filtered, filter.join(' ')).toBeLessThan(counted);
      expect(sorted(n2.stdout), filter.join(' ')).toHaveLength(filtered);
    }
  });
});
