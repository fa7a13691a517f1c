import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type AuditEventDocument,
  auditEventSchema,
  eventsCountDocumentSchema,
  eventsQueryDocumentSchema,
} from '../../src/schemas/events.js';
import { type FaultProxy, type FaultRule, s3Call, startFaultProxy } from '../helpers/fault-proxy.js';
import { CLI, runCli, testS3, uniqueSuffix } from '../helpers/run-cli.js';

/*
 * Issue 12 §1: an answer is complete, or the run exits 2 after delivering everything it could, naming
 * each object it could not read completely (stderr, and `complete: false` + `incomplete` in the JSON
 * documents). Faults moto never produces come from the loopback fault proxy in front of it.
 */

const endpoint = inject('motoEndpoint');
let s3: S3Client;
let bucket: string;

const T0 = Date.parse('2026-11-10T00:00:00Z');
/** `n` JSON Lines records of one object; each carries its key and index so duplicates show. */
function lines(tag: string, n: number, startMs = T0): string {
  let text = '';
  for (let i = 0; i < n; i++) {
    text += `${JSON.stringify({
      opType: 'commit',
      createdAt: startMs + i * 1000,
      userEmail: `user${i % 7}@acme.io`,
      requestParams: { tag, i: String(i), pad: 'x'.repeat(40) },
    })}\n`;
  }
  return text;
}

// Four objects of 200 records: plain and gzip JSON Lines, 2026-11-10.
const OBJECTS: Record<string, Buffer> = {
  'audit/2026/11/10/a.jsonl': Buffer.from(lines('a', 200)),
  'audit/2026/11/10/b.jsonl.gz': gzipSync(lines('b', 200)),
  'audit/2026/11/10/c.jsonl': Buffer.from(lines('c', 200)),
  'audit/2026/11/10/d.jsonl.gz': gzipSync(lines('d', 200)),
};
const TOTAL = 800;

function ndjson(stdout: string): AuditEventDocument[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => auditEventSchema.parse(JSON.parse(l)));
}

/** "key#i" of every event: the same object and record twice shows as a duplicate. */
const ids = (events: AuditEventDocument[]) =>
  events.map((e) => `${e.source.key}#${(e.params as { i: string }).i}`);

async function withProxy<T>(rules: FaultRule[], fn: (p: FaultProxy) => Promise<T>): Promise<T> {
  const proxy = await startFaultProxy(endpoint, rules);
  try {
    return await fn(proxy);
  } finally {
    await proxy.close();
  }
}

const query = (url: string, args: string[], b = bucket) =>
  runCli(['events', 'query', '--bucket', b, ...args], { endpoint: url });

beforeAll(async () => {
  s3 = testS3(endpoint);
  bucket = `ev-${uniqueSuffix('integrity')}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [key, body] of Object.entries(OBJECTS)) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }
});

describe('a body stream cut half-way', () => {
  it.each([
    ['plain', 'audit/2026/11/10/a.jsonl'],
    ['gzip', 'audit/2026/11/10/b.jsonl.gz'],
  ])(
    '(%s) is re-read once with IfMatch, after the records already delivered: nothing lost or duplicated',
    async (_kind, key) => {
      const half = Math.floor((OBJECTS[key] as Buffer).length / 2);
      await withProxy(
        [{ match: s3Call.getObject(key), fault: { kind: 'cut-body', afterBytes: half }, times: 1 }],
        async (proxy) => {
          const r = await query(proxy.url, ['--concurrency', '1']);
          expect(r.code, r.stderr).toBe(0);
          expect(r.stderr).not.toMatch(/Unexpected error|This is a bug/);
          const got = ids(ndjson(r.stdout));
          expect(got).toHaveLength(TOTAL);
          expect(new Set(got).size).toBe(TOTAL);
          const gets = proxy.seen.filter(s3Call.getObject(key));
          expect(gets).toHaveLength(2);
          expect(gets[0]?.headers['if-match']).toBeUndefined();
          expect(gets[1]?.headers['if-match']).toMatch(/^"?[0-9a-f]{32}"?$/);
        },
      );
    },
  );

  it('cut again on the re-read: exit 2 naming the object, everything else delivered once', async () => {
    const key = 'audit/2026/11/10/c.jsonl';
    const half = Math.floor((OBJECTS[key] as Buffer).length / 2);
    await withProxy(
      [{ match: s3Call.getObject(key), fault: { kind: 'cut-body', afterBytes: half } }],
      async (proxy) => {
        const r = await query(proxy.url, ['--concurrency', '1']);
        expect(r.code).toBe(2);
        expect(r.stderr).not.toMatch(/Unexpected error|This is a bug/);
        expect(r.stderr).toContain('the answer is incomplete: 1 object could not be read completely');
        expect(r.stderr).toMatch(/audit\/2026\/11\/10\/c\.jsonl: the transfer broke.*re-reading it failed/);
        expect(proxy.seen.filter(s3Call.getObject(key))).toHaveLength(2);
        const got = ids(ndjson(r.stdout));
        expect(new Set(got).size).toBe(got.length);
        expect(got.filter((k) => !k.startsWith(key))).toHaveLength(600);
        // What was read of the cut object before the cut was delivered, once.
        const ofCut = got.filter((k) => k.startsWith(key)).length;
        expect(ofCut).toBeGreaterThan(0);
        expect(ofCut).toBeLessThan(200);
      },
    );
  });

  it('an object rewritten between the cut and the re-read is not mixed: exit 2 naming it', async () => {
    const key = 'audit/2026/11/10/a.jsonl';
    const half = Math.floor((OBJECTS[key] as Buffer).length / 2);
    await withProxy(
      [
        { match: s3Call.getObject(key), fault: { kind: 'cut-body', afterBytes: half }, times: 1 },
        {
          match: (r) => s3Call.getObject(key)(r) && r.headers['if-match'] !== undefined,
          fault: { kind: 'error', status: 412, code: 'PreconditionFailed' },
        },
      ],
      async (proxy) => {
        const r = await query(proxy.url, ['--count', '--output', 'json']);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(
          /a\.jsonl: the transfer broke.*re-reading it failed: changed while being read/,
        );
        const doc = eventsCountDocumentSchema.parse(JSON.parse(r.stdout));
        expect(doc.complete).toBe(false);
        expect(doc.incomplete?.map((o) => o.key)).toEqual([key]);
      },
    );
  });
});

describe('GetObject failing for a listed object', () => {
  it('404 for one object: exit 2 naming it, the rest delivered, complete:false in the documents', async () => {
    const key = 'audit/2026/11/10/d.jsonl.gz';
    await withProxy(
      [{ match: s3Call.getObject(key), fault: { kind: 'error', status: 404, code: 'NoSuchKey' } }],
      async (proxy) => {
        const r = await query(proxy.url, []);
        expect(r.code).toBe(2);
        expect(ndjson(r.stdout)).toHaveLength(600);
        expect(r.stderr).toContain(`${key}: not found (listed, then gone)`);
        expect(r.stderr).toMatch(/1 incomplete/);

        const json = await query(proxy.url, ['--output', 'json']);
        expect(json.code).toBe(2);
        const doc = eventsQueryDocumentSchema.parse(JSON.parse(json.stdout));
        expect(doc.events).toHaveLength(600);
        expect(doc.complete).toBe(false);
        expect(doc.incomplete).toEqual([{ key, what: 'object', reason: 'not found (listed, then gone)' }]);

        const count = await query(proxy.url, ['--count', '--output', 'json']);
        expect(count.code).toBe(2);
        const c = eventsCountDocumentSchema.parse(JSON.parse(count.stdout));
        expect([c.total, c.complete, c.incomplete?.length]).toEqual([600, false, 1]);
      },
    );
  });

  it('404 for every object: never "0 events, exit 0"', async () => {
    await withProxy(
      [{ match: s3Call.getObject(), fault: { kind: 'error', status: 404, code: 'NoSuchKey' } }],
      async (proxy) => {
        const r = await query(proxy.url, ['--count', '--output', 'json']);
        expect(r.code).toBe(2);
        const c = eventsCountDocumentSchema.parse(JSON.parse(r.stdout));
        expect(c.total).toBe(0);
        expect(c.complete).toBe(false);
        expect(c.incomplete?.map((o) => o.key).sort()).toEqual(Object.keys(OBJECTS).sort());
        expect(r.stderr).toContain('4 objects could not be read completely');
      },
    );
  });

  it('a complete answer carries no completeness fields and exits 0', async () => {
    const r = await query(endpoint, ['--count', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const raw = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(['schemaVersion', 'total', 'groups']);
    expect(raw.total).toBe(TOTAL);
  });
});

describe('a listing that says it is truncated but gives no continuation token', () => {
  it('is never a silent end: what was listed is delivered, then exit 2 naming the listing', async () => {
    const dropToken = (xml: string) =>
      xml
        .replace(/<IsTruncated>false<\/IsTruncated>/, '<IsTruncated>true</IsTruncated>')
        .replace(/<NextContinuationToken>[^<]*<\/NextContinuationToken>/, '');
    await withProxy(
      [{ match: s3Call.listObjects, fault: { kind: 'rewrite', body: dropToken } }],
      async (proxy) => {
        const r = await query(proxy.url, ['--output', 'json']);
        expect(r.code).toBe(2);
        const doc = eventsQueryDocumentSchema.parse(JSON.parse(r.stdout));
        expect(doc.events).toHaveLength(TOTAL);
        expect(doc.complete).toBe(false);
        expect(doc.incomplete?.[0]).toMatchObject({ key: '', what: 'listing' });
        expect(doc.incomplete?.[0]?.reason).toMatch(
          /IsTruncated.*no NextContinuationToken after audit\/2026\/11\/10\/d\.jsonl\.gz/,
        );
        expect(r.stderr).toMatch(/listing of \(everything\): .*IsTruncated/);
      },
    );
  });
});

describe('a corrupt or truncated gzip object', () => {
  it('is incomplete (exit 2, named), not "1 unparseable"', async () => {
    const b = `ev-${uniqueSuffix('gz')}`;
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    const gz = gzipSync(lines('z', 300));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'x/ok.jsonl', Body: lines('ok', 5) }));
    await s3.send(
      new PutObjectCommand({
        Bucket: b,
        Key: 'x/cut.jsonl.gz',
        Body: gz.subarray(0, Math.floor(gz.length / 2)),
      }),
    );
    const r = await query(endpoint, [], b);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/x\/cut\.jsonl\.gz: gzip data is corrupt or truncated/);
    expect(r.stderr).toMatch(/0 unparseable/);
    expect(ids(ndjson(r.stdout)).filter((k) => k.startsWith('x/ok'))).toHaveLength(5);
  });
});

describe('pruning never changes an answer', () => {
  // Keys carrying the sync date (2026-11-24) while the objects hold October events.
  const october = Date.parse('2026-10-05T00:00:00Z');
  const SYNCED: Record<string, string> = {
    '2026-11-24/part-0.jsonl': lines('p0', 50, october),
    '2026-11-24/part-1.jsonl': lines('p1', 50, october + 86_400_000),
    '2026-11-25/part-2.jsonl': lines('p2', 50, october + 2 * 86_400_000),
  };
  const WINDOW = ['--since', '2026-10-01', '--until', '2026-11-01'];

  it('--dir: keys with the sync date holding October events, --since/--until October → all events, and a note', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-sync-date-'));
    try {
      for (const [key, text] of Object.entries(SYNCED)) {
        mkdirSync(join(dir, key.split('/')[0] as string), { recursive: true });
        writeFileSync(join(dir, key), text);
      }
      const r = await runCli(['events', 'query', '--dir', dir, ...WINDOW, '--count', '--output', 'json']);
      expect(r.code, r.stderr).toBe(0);
      expect(eventsCountDocumentSchema.parse(JSON.parse(r.stdout)).total).toBe(150);
      expect(r.stderr).toMatch(
        /Not skipping objects by key date after the window in this run: 2026-11-24\/part-0\.jsonl holds an event at 2026-10-05T00:00:00\.000Z, outside its key date 2026-11-24/,
      );
      expect(r.stderr).toMatch(/0 skipped by date/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the bucket: the same export → all events', async () => {
    const b = `ev-${uniqueSuffix('sync')}`;
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    for (const [key, text] of Object.entries(SYNCED)) {
      await s3.send(new PutObjectCommand({ Bucket: b, Key: key, Body: text }));
    }
    const r = await query(endpoint, [...WINDOW, '--count', '--output', 'json'], b);
    expect(r.code, r.stderr).toBe(0);
    expect(eventsCountDocumentSchema.parse(JSON.parse(r.stdout)).total).toBe(150);
    expect(r.stderr).toMatch(/Not skipping objects by key date/);
  });

  it('--dir: files whose mtime was set back (a restored copy) are still read when they hold the window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-old-mtime-'));
    try {
      writeFileSync(join(dir, 'restored.jsonl'), lines('r', 20));
      const old = new Date('2020-01-01T00:00:00Z');
      utimesSync(join(dir, 'restored.jsonl'), old, old);
      const r = await runCli([
        'events',
        'query',
        '--dir',
        dir,
        '--since',
        '2026-11-09',
        '--count',
        '--output',
        'json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(eventsCountDocumentSchema.parse(JSON.parse(r.stdout)).total).toBe(20);
      expect(r.stderr).toMatch(
        /Not skipping objects by file modification time in this run: restored\.jsonl holds an event at 2026-11-10/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a layout the samples confirm is still pruned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-dated-'));
    try {
      for (let d = 1; d <= 9; d++) {
        const day = `2026-11-0${d}`;
        mkdirSync(join(dir, day));
        writeFileSync(join(dir, day, 'e.jsonl'), lines(day, 10, Date.parse(`${day}T06:00:00Z`)));
      }
      const r = await runCli([
        'events',
        'query',
        '--dir',
        dir,
        '--since',
        '2026-11-05',
        '--until',
        '2026-11-06',
        '--count',
        '--output',
        'json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(eventsCountDocumentSchema.parse(JSON.parse(r.stdout)).total).toBe(10);
      expect(r.stderr).not.toMatch(/Not skipping/);
      // 11-01..11-03 and 11-07..11-09 lie outside the window with a day of slack.
      expect(r.stderr).toMatch(/6 skipped by date/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// As root, permissions do not apply: the CLI then runs as an unprivileged user, who must be able to reach
// this checkout (a clone inside a private folder, such as one made by `mktemp -d`, is out of its reach).
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
const userReachesCli =
  asUser.uid === undefined ||
  spawnSync(process.execPath, ['-e', `require('node:fs').accessSync(${JSON.stringify(CLI)}, 4)`], asUser)
    .status === 0;

describe.skipIf(!userReachesCli)('--dir that cannot be read (EACCES)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pa-eacces-'));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'ok.jsonl'), lines('ok', 3));
    writeFileSync(join(dir, 'secret.jsonl'), lines('s', 3));
    chmodSync(join(dir, 'secret.jsonl'), 0o000);
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'locked', 'x.jsonl'), lines('x', 3));
    chmodSync(join(dir, 'locked'), 0o000);
    mkdirSync(join(dir, 'closed'));
    chmodSync(join(dir, 'closed'), 0o000);
  });
  afterAll(() => {
    chmodSync(join(dir, 'locked'), 0o755);
    chmodSync(join(dir, 'closed'), 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  it('an unreadable file or sub-folder: exit 2 naming them, everything else delivered; no "bug"', async () => {
    const r = await runCli(['events', 'query', '--dir', dir], asUser);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/Unexpected error|This is a bug/);
    expect(ids(ndjson(r.stdout))).toEqual(['ok.jsonl#0', 'ok.jsonl#1', 'ok.jsonl#2']);
    expect(r.stderr).toContain('secret.jsonl: permission denied');
    expect(r.stderr).toContain('listing of locked/: folder could not be listed: permission denied');
  });

  it('on worker threads (one listing handed out) and on one thread: the same counts, gaps and exit code', async () => {
    const [many, one] = await Promise.all(
      ['2', '0'].map((workers) =>
        runCli(['events', 'query', '--dir', dir, '--count', '--output', 'json'], {
          ...asUser,
          env: { PROPHECY_AUDIT_WORKERS: workers },
        }),
      ),
    );
    for (const r of [many, one]) {
      expect(r?.code, r?.stderr).toBe(2);
      expect(r?.stderr).toContain('listing of locked/: folder could not be listed: permission denied');
      expect(r?.stderr).toContain('listing of closed/: folder could not be listed');
      expect(r?.stderr).toContain('secret.jsonl: permission denied');
      expect(r?.stderr).toMatch(/1 objects read \(2 listed/);
    }
    // The incomplete objects in key order: threads may meet them in another order.
    const doc = (r: typeof many) => {
      const d = eventsCountDocumentSchema.parse(JSON.parse(r?.stdout ?? ''));
      return { ...d, incomplete: d.incomplete?.toSorted((a, b) => a.key.localeCompare(b.key)) };
    };
    expect(doc(many).total).toBe(3);
    expect(doc(many).incomplete).toHaveLength(3);
    expect(doc(many)).toEqual(doc(one));
  });

  it('an unreadable --dir itself: one clear line, exit 2', async () => {
    const r = await runCli(['events', 'query', '--dir', join(dir, 'closed')], asUser);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/Unexpected error|This is a bug/);
    expect(r.stderr).toMatch(/^Error: Cannot list --dir .*closed: permission denied\.\n$/);
  });
});
