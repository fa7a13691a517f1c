import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type AuditEventDocument,
  auditEventSchema,
  eventsCatalogDocumentSchema,
  eventsCountDocumentSchema,
  eventsInspectDocumentSchema,
  eventsQueryDocumentSchema,
} from '../../src/schemas/events.js';
import {
  type GenerateOptions,
  generateExport,
  type SyntheticObject,
  type TruthEvent,
} from '../../src/synthetic/export.js';
import { uploadObjects, writeObjectsToDir } from '../../src/synthetic/export-io.js';
import { runCli, testS3, uniqueSuffix } from '../helpers/run-cli.js';

// 48 hourly objects, 10 events each, rotating every shape, encoding, key layout and field spelling.
const GEN: GenerateOptions = { seed: 7, start: '2026-11-01T00:00:00Z', hours: 48, eventsPerObject: 10 };
const objects: SyntheticObject[] = [...generateExport(GEN)];
const truth: (TruthEvent & { key: string })[] = objects.flatMap((o) =>
  o.truth.map((t) => ({ ...t, key: o.key })),
);

let endpoint: string;
let s3: S3Client;
let bucket: string;
let messyBucket: string;
let emptyBucket: string;
let dir: string;

async function createBucket(name: string) {
  await s3.send(new CreateBucketCommand({ Bucket: name }));
}

async function put(b: string, key: string, body: string | Buffer) {
  await s3.send(new PutObjectCommand({ Bucket: b, Key: key, Body: body }));
}

/** The expected answer, computed from the generator's truth with a plain filter. */
function expected(pred: (t: TruthEvent) => boolean): number {
  return truth.filter(pred).length;
}

function ndjson(stdout: string): AuditEventDocument[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => auditEventSchema.parse(JSON.parse(l)));
}

async function query(args: string[], source: string[] = ['--bucket', bucket]) {
  const r = await runCli(['events', 'query', ...source, ...args], { endpoint });
  return r;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r') {
      // part of \r\n
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  return rows;
}

const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  endpoint = inject('motoEndpoint');
  s3 = testS3(endpoint);
  bucket = `ev-${uniqueSuffix('main')}`;
  messyBucket = `ev-${uniqueSuffix('messy')}`;
  emptyBucket = `ev-${uniqueSuffix('empty')}`;
  await Promise.all([createBucket(bucket), createBucket(messyBucket), createBucket(emptyBucket)]);
  await uploadObjects(s3, bucket, objects, 8);
  dir = mkdtempSync(join(tmpdir(), 'events-dir-'));
  await writeObjectsToDir(dir, objects);

  // A messy bucket: two good objects, a folder marker, an empty object, a file with bad lines, a text file.
  await uploadObjects(s3, messyBucket, objects.slice(0, 2), 2);
  await put(messyBucket, 'extras/', '');
  await put(messyBucket, 'extras/empty.json', '');
  await put(
    messyBucket,
    'extras/broken.jsonl',
    [
      '{"opType":"commit","createdAt":1762000000000,"userEmail":"zed@x.io"}',
      'this is not json',
      '{"createdAt":1762000000000,"userEmail":"zed@x.io"}',
      '{"opType":"commit","createdAt":1762000000001,"userEmail":"zed@x.io"}',
      '',
    ].join('\n'),
  );
  await put(messyBucket, 'extras/README.txt', 'Audit export\nsee docs\n');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('events query against a bucket', () => {
  it('reads every shape and encoding and returns every event, normalized', async () => {
    const shapes = new Set(objects.map((o) => `${o.shape}/${o.encoding}`));
    expect(shapes.size).toBeGreaterThanOrEqual(14);
    const r = await query([]);
    expect(r.code, r.stderr).toBe(0);
    const events = ndjson(r.stdout);
    expect(events).toHaveLength(truth.length);
    const key = (e: { entity: string | null; query: string; user: string | null; time: string | null }) =>
      `${e.time} ${e.entity} ${e.query} ${e.user}`;
    expect(events.map(key).sort()).toEqual(
      truth.map((t) => key({ time: iso(t.timeMs), entity: t.entity, query: t.query, user: t.email })).sort(),
    );
    // Per object: the right number of events from each key.
    for (const o of objects) {
      expect(events.filter((e) => e.source.key === o.key).length, `${o.key} ${o.shape}/${o.encoding}`).toBe(
        o.truth.length,
      );
    }
    expect(r.stderr).toMatch(/48 objects read .* 480 events scanned · 480 matched · 0 unparseable/);
    // No Node or SDK warnings on stderr (16 requests share one abort signal).
    expect(r.stderr).not.toMatch(/\(node:\d+\)|MaxListeners|NodeVersionSupport/);
  });

  it.each<[string, string[], (t: TruthEvent) => boolean]>([
    ['--entity', ['--entity', 'project'], (t) => t.entity === 'Project'],
    [
      '--entity twice',
      ['--entity', 'Git', '--entity', 'Team'],
      (t) => t.entity === 'Git' || t.entity === 'Team',
    ],
    ['--query', ['--query', 'releaseProject'], (t) => t.query === 'releaseProject'],
    [
      '--query twice',
      ['--query', 'CHECKOUT', '--query', 'user'],
      (t) => t.query === 'checkout' || t.query === 'user',
    ],
    ['--user', ['--user', 'Carol'], (t) => t.email.includes('carol')],
    ['--failed', ['--failed'], (t) => t.responseCode < 200 || t.responseCode > 299],
    ['--since', ['--since', '2026-11-02T06:00:00Z'], (t) => t.timeMs >= Date.parse('2026-11-02T06:00:00Z')],
    ['--until', ['--until', '2026-11-01T05:30'], (t) => t.timeMs < Date.parse('2026-11-01T05:30:00Z')],
    [
      'all combined',
      [
        '--entity',
        'Project',
        '--entity',
        'Git',
        '--user',
        'acme.io',
        '--since',
        '2026-11-01T12:00:00Z',
        '--until',
        '2026-11-02T12:00:00Z',
      ],
      (t) =>
        (t.entity === 'Project' || t.entity === 'Git') &&
        t.email.includes('acme.io') &&
        t.timeMs >= Date.parse('2026-11-01T12:00:00Z') &&
        t.timeMs < Date.parse('2026-11-02T12:00:00Z'),
    ],
  ])('filter %s gives exactly the expected events', async (_name, args, pred) => {
    const want = expected(pred);
    expect(want).toBeGreaterThan(0);
    const r = await query(args);
    expect(r.code, r.stderr).toBe(0);
    const events = ndjson(r.stdout);
    expect(events).toHaveLength(want);
  });

  it('time windows are inclusive at --since and exclusive at --until, to the millisecond', async () => {
    const t = truth[137] as TruthEvent;
    const since = await query(['--since', iso(t.timeMs), '--count', '--output', 'json']);
    expect(eventsCountDocumentSchema.parse(JSON.parse(since.stdout)).total).toBe(
      expected((x) => x.timeMs >= t.timeMs),
    );
    const until = await query(['--until', iso(t.timeMs), '--count', '--output', 'json']);
    expect(eventsCountDocumentSchema.parse(JSON.parse(until.stdout)).total).toBe(
      expected((x) => x.timeMs < t.timeMs),
    );
    const one = await query(['--since', iso(t.timeMs), '--until', iso(t.timeMs + 1)]);
    expect(ndjson(one.stdout).map((e) => e.time)).toEqual(
      truth.filter((x) => x.timeMs === t.timeMs).map((x) => iso(x.timeMs)),
    );
  });

  it('--count groups by entity and query', async () => {
    const r = await query(['--entity', 'User', '--count', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = eventsCountDocumentSchema.parse(JSON.parse(r.stdout));
    const want = new Map<string, number>();
    for (const t of truth.filter((x) => x.entity === 'User')) want.set(t.query, (want.get(t.query) ?? 0) + 1);
    expect(doc.total).toBe(expected((t) => t.entity === 'User'));
    expect(new Map(doc.groups.map((g) => [g.query, g.count]))).toEqual(want);
    expect(doc.groups.every((g) => g.entity === 'User')).toBe(true);
  });

  it('--output json and csv parse and hold the same events', async () => {
    const want = expected((t) => t.entity === 'Pipeline');
    const json = await query(['--entity', 'Pipeline', '--output', 'json']);
    const doc = eventsQueryDocumentSchema.parse(JSON.parse(json.stdout));
    expect(doc.events).toHaveLength(want);
    const csv = await query(['--entity', 'Pipeline', '--output', 'csv']);
    const rows = parseCsv(csv.stdout);
    expect(rows[0]).toEqual([
      'time',
      'entity',
      'query',
      'user',
      'outcome',
      'failed',
      'params',
      'sourceKey',
      'sourceLine',
    ]);
    expect(rows).toHaveLength(want + 1);
    for (const row of rows.slice(1)) {
      expect(row[1]).toBe('Pipeline');
      expect(typeof JSON.parse(row[6] as string)).toBe('object');
    }
    const empty = await query(['--query', 'setPassword', '--user', 'nobody', '--output', 'json']);
    expect(eventsQueryDocumentSchema.parse(JSON.parse(empty.stdout)).events).toEqual([]);
  });

  it('masks secret-looking parameters unless --no-redact', async () => {
    const want = expected((t) => t.query === 'setPassword');
    const masked = await query(['--query', 'setPassword']);
    const events = ndjson(masked.stdout);
    expect(events).toHaveLength(want);
    expect(masked.stdout).not.toContain('S3cret-');
    expect(events.every((e) => e.params.newPassword === '***')).toBe(true);
    const open = await query(['--query', 'setPassword', '--no-redact']);
    expect(ndjson(open.stdout).every((e) => String(e.params.newPassword).startsWith('S3cret-'))).toBe(true);
  });

  it('--limit stops after exactly that many matches', async () => {
    const r = await query(['--limit', '7', '--concurrency', '4']);
    expect(r.code, r.stderr).toBe(0);
    expect(ndjson(r.stdout)).toHaveLength(7);
    expect(r.stderr).toMatch(/stopped at --limit 7/);
  });

  it('an unknown query name exits 2 with a suggestion, unless --allow-unknown', async () => {
    const r = await query(['--query', 'relaseProject']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Unknown --query "relaseProject".*\n.*Did you mean "releaseProject"/);
    const allowed = await query(['--query', 'relaseProject', '--allow-unknown']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toBe('');
    const e = await query(['--entity', 'Projects']);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('"Project"');
  });

  it('bad flag values exit 2 before reading anything', async () => {
    for (const args of [
      ['--since', 'last week'],
      ['--limit', '0'],
      ['--concurrency', 'many'],
    ]) {
      const r = await query(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
  });

  it('--inspect reports shapes, encodings and recognised fields', async () => {
    const r = await query(['--inspect', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = eventsInspectDocumentSchema.parse(JSON.parse(r.stdout));
    expect(doc.objects.length).toBe(3);
    expect(doc.missing).toEqual([]);
    expect(doc.fields.find((f) => f.name === 'opType')?.role).toBe('query');
    expect(doc.fields.find((f) => f.name === 'latencyInMillis')?.role).toBeNull();
    const text = await query(['--inspect']);
    expect(text.stdout).toContain('Fields:');
  });
});

describe('events query on messy and empty buckets', () => {
  const good = objects.slice(0, 2).reduce((n, o) => n + o.truth.length, 0);

  it('skips folder markers and empty objects, skips and reports bad records', async () => {
    const r = await query([], ['--bucket', messyBucket]);
    expect(r.code, r.stderr).toBe(0);
    expect(ndjson(r.stdout)).toHaveLength(good + 2);
    expect(r.stderr).toMatch(/4 objects read \(6 listed/);
    expect(r.stderr).toMatch(/4 unparseable: .*README\.txt:1 \(not valid JSON\)/);
    expect(r.stderr).toContain('extras/broken.jsonl:2 (not valid JSON)');
    expect(r.stderr).toContain('extras/broken.jsonl:3 (no query name)');
  });

  it('--strict exits 2 on the first bad record', async () => {
    const r = await query(['--strict'], ['--bucket', messyBucket]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Record extras\/(broken\.jsonl:2|README\.txt:1) could not be read/);
  });

  it('an empty bucket gives no events and exit 0', async () => {
    const r = await query([], ['--bucket', emptyBucket]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/0 objects read \(0 listed/);
    const count = await query(['--count', '--output', 'json'], ['--bucket', emptyBucket]);
    expect(JSON.parse(count.stdout)).toEqual({ schemaVersion: 1, total: 0, groups: [] });
  });

  it('a missing bucket exits 2 and says so', async () => {
    const r = await query([], ['--bucket', `ev-${uniqueSuffix('missing')}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not exist/);
  });
});

describe('events query --dir (a local copy)', () => {
  it('reads the same events as the bucket', async () => {
    const r = await query(['--count', '--output', 'json'], ['--dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(eventsCountDocumentSchema.parse(JSON.parse(r.stdout)).total).toBe(truth.length);
  });

  it('prunes by key date and mtime and still finds exactly the window', async () => {
    const since = Date.parse('2026-11-02T18:00:00Z');
    const until = Date.parse('2026-11-02T21:00:00Z');
    const r = await query(
      ['--since', iso(since), '--until', iso(until), '--query', 'commit', '--query', 'addJob'],
      ['--dir', dir],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(ndjson(r.stdout)).toHaveLength(
      expected(
        (t) => t.timeMs >= since && t.timeMs < until && (t.query === 'commit' || t.query === 'addJob'),
      ),
    );
    // Objects of 2026-11-01 end before the window even with a day of slack: skipped unread.
    const skipped = Number(/(\d+) skipped by date/.exec(r.stderr)?.[1]);
    expect(skipped).toBeGreaterThanOrEqual(24);
  });

  it('a --dir that does not exist exits 2', async () => {
    // Piped ndjson and --count start their reader threads before the folder is looked at: the run must
    // still end at once, not wait on threads that will never get a task.
    for (const args of [[], ['--count']]) {
      const r = await query(args, ['--dir', join(dir, 'nope')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not a directory/);
    }
  });
});

describe('events query --suffix on an export ending now', () => {
  it('--entity Project --query releaseProject --since 7d', async () => {
    const suffix = uniqueSuffix('now');
    const b = `prophecy-customer-backend-events-${suffix}`;
    await createBucket(b);
    const HOUR = 3_600_000;
    const end = Math.floor(Date.now() / HOUR) * HOUR;
    const opts: GenerateOptions = {
      seed: 3,
      start: end - 9 * 24 * HOUR,
      hours: (9 * 24) / 6,
      eventsPerObject: 20,
    };
    // Every sixth hour over nine days, so the bucket stays small.
    const objs = [...generateExport({ ...opts, hours: 9 * 24 })].filter((_o, i) => i % 6 === 0);
    await uploadObjects(s3, b, objs, 8);
    const t = objs.flatMap((o) => o.truth).filter((x) => x.query === 'releaseProject');
    const before = Date.now();
    const r = await query(
      ['--entity', 'Project', '--query', 'releaseProject', '--since', '7d'],
      ['--suffix', suffix],
    );
    const after = Date.now();
    expect(r.code, r.stderr).toBe(0);
    const got = ndjson(r.stdout).length;
    expect(got).toBeLessThanOrEqual(t.filter((x) => x.timeMs >= before - 7 * 24 * HOUR).length);
    expect(got).toBeGreaterThanOrEqual(t.filter((x) => x.timeMs >= after - 7 * 24 * HOUR).length);
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(t.length);
  });
});

describe('events catalog', () => {
  it('prints all 68 rows as JSON, or one entity', async () => {
    const all = await runCli(['events', 'catalog', '--json']);
    expect(all.code).toBe(0);
    expect(eventsCatalogDocumentSchema.parse(JSON.parse(all.stdout)).events).toHaveLength(68);
    const git = await runCli(['events', 'catalog', '--entity', 'git', '--json']);
    expect(eventsCatalogDocumentSchema.parse(JSON.parse(git.stdout)).events).toHaveLength(18);
    const table = await runCli(['events', 'catalog', '--entity', 'User']);
    expect(table.stdout).toContain('setPassword');
    expect(table.stdout.trim().split('\n')).toHaveLength(5);
  });

  it('an unknown entity exits 2 with a suggestion', async () => {
    const r = await runCli(['events', 'catalog', '--entity', 'Fabrik']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Did you mean "Fabric"');
  });
});
