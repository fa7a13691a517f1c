import { randomBytes } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectRef } from '../../src/core/objects.js';
import { UsageError } from '../../src/errors.js';
import {
  dirSource,
  fileFailure,
  listLocalObjects,
  openLocalObject,
  openLocalObjectBlocking,
  WHOLE_FILE_MAX,
} from '../../src/events/sources/dir.js';
import type { OpenOptions } from '../../src/events/sources/source.js';
import { WholeObject } from '../../src/events/sources/source.js';

/*
 * A local copy is read with promises on the main thread and with blocking calls in worker threads: the two
 * must list the same objects and open the same bytes, and fail the same way the stream-only reader did.
 */

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'dir-source-'));
  writeFileSync(join(root, 'a.jsonl'), '{"opType":"commit"}\n');
  writeFileSync(join(root, 'zero.jsonl'), '');
  writeFileSync(join(root, 'exact.bin'), randomBytes(WHOLE_FILE_MAX));
  writeFileSync(join(root, 'over.bin'), randomBytes(WHOLE_FILE_MAX + 1));
  writeFileSync(join(root, 'big.jsonl.gz'), randomBytes(3 * WHOLE_FILE_MAX + 123));
  mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
  writeFileSync(join(root, 'sub', 'b.jsonl'), '{"opType":"checkout"}\n');
  writeFileSync(join(root, 'sub', 'deeper', 'c.jsonl'), '{"opType":"addJob"}\n');
  writeFileSync(join(root, 'sub-file.jsonl'), 'x\n');
  mkdirSync(join(root, 'empty'));
  symlinkSync('a.jsonl', join(root, 'link-to-file'));
  symlinkSync('sub', join(root, 'link-to-dir'));
  symlinkSync('nowhere', join(root, 'dangling'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

type Open = (root: string, key: string, opts?: OpenOptions) => Promise<AsyncIterable<Uint8Array>>;

const VARIANTS: [string, Open][] = [
  ['async', openLocalObject],
  // Wrapped so that a synchronous throw is a rejection, as `await source.open()` in the reader sees it.
  ['blocking', async (r, k, o) => openLocalObjectBlocking(r, k, o)],
];

/** How a file was opened before small files were read whole: a stream, opening errors surfacing first. */
async function openBefore(r: string, key: string): Promise<AsyncIterable<Uint8Array>> {
  const stream = createReadStream(join(r, ...key.split('/')), { highWaterMark: 64 * 1024 });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => {
      stream.off('error', reject);
      resolve();
    });
    stream.once('error', reject);
  });
  return stream;
}

async function bytesOf(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/** Why opening and reading `key` fails, as the list of incomplete objects would say it; undefined if it does not. */
async function failureOf(open: Open, key: string, opts?: OpenOptions): Promise<string | undefined> {
  try {
    await bytesOf(await open(root, key, opts));
    return undefined;
  } catch (err) {
    return fileFailure(err) ?? `not a file error: ${String(err)}`;
  }
}

const etagOf = (key: string) => {
  const st = statSync(join(root, key));
  return `${st.size}-${st.mtimeMs}`;
};

async function listed(
  prefix: string | undefined,
  needStat: boolean,
  blocking: boolean,
): Promise<ObjectRef[]> {
  const out: ObjectRef[] = [];
  for await (const o of listLocalObjects(
    root,
    prefix,
    new AbortController().signal,
    needStat,
    undefined,
    blocking,
  ))
    out.push(o);
  return out;
}

const openFds = () => readdirSync('/proc/self/fd').length;

describe.each(VARIANTS)('openLocalObject (%s)', (_name, open) => {
  it.each([
    ['a.jsonl', true],
    ['zero.jsonl', true],
    ['exact.bin', true],
    ['over.bin', false],
    ['big.jsonl.gz', false],
    ['link-to-file', true],
    ['sub/deeper/c.jsonl', true],
  ])('%s: the file’s bytes, whole only up to WHOLE_FILE_MAX', async (key, whole) => {
    const body = await open(root, key);
    expect(body instanceof WholeObject).toBe(whole);
    if (!whole) expect(body).toBeInstanceOf(Readable);
    expect((await bytesOf(body)).equals(readFileSync(join(root, key)))).toBe(true);
  });

  it.each([
    ['gone.jsonl', 'not found (listed, then gone)'],
    ['sub/gone/x.jsonl', 'not found (listed, then gone)'],
    ['sub', 'is a folder'],
    ['link-to-dir', 'is a folder'],
    ['dangling', 'not found (listed, then gone)'],
  ])('%s: fails as the stream-only reader did (%s)', async (key, reason) => {
    expect(await failureOf(open, key)).toBe(reason);
    expect(await failureOf(openBefore, key)).toBe(reason);
  });

  it.each(['a.jsonl', 'big.jsonl.gz'])(
    '%s: tells its version as size-mtime, and reads only that version',
    async (key) => {
      const told: (string | undefined)[] = [];
      await bytesOf(await open(root, key, { onETag: (e) => told.push(e) }));
      expect(told).toEqual([etagOf(key)]);
      const again: (string | undefined)[] = [];
      const body = await open(root, key, { ifMatch: etagOf(key), onETag: (e) => again.push(e) });
      expect((await bytesOf(body)).length).toBe(statSync(join(root, key)).size);
      expect(again).toEqual([etagOf(key)]);
      const before = `${statSync(join(root, key)).size}-1`;
      await expect(open(root, key, { ifMatch: before })).rejects.toMatchObject({ code: 'ECHANGED' });
      expect(await failureOf(open, key, { ifMatch: before })).toBe('changed while being read');
    },
  );

  it.runIf(existsSync('/proc/self/fd'))(
    'leaves no file open after refusals, errors and abandoned reads',
    async () => {
      const settle = () => new Promise((r) => setTimeout(r, 50));
      await settle();
      const before = openFds();
      for (let i = 0; i < 40; i++) {
        await failureOf(open, 'a.jsonl', { ifMatch: 'other' });
        await failureOf(open, 'big.jsonl.gz', { ifMatch: 'other' });
        await failureOf(open, 'sub');
        await bytesOf(await open(root, 'big.jsonl.gz'));
        for await (const _ of await open(root, 'big.jsonl.gz')) break;
      }
      await settle();
      expect(openFds() - before).toBeLessThan(5);
    },
  );
});

describe('listLocalObjects with blocking calls', () => {
  it('lists the tree as expected: links to files read, links to folders and dangling links not', async () => {
    const refs = await listed(undefined, true, true);
    expect(refs.map((r) => r.key)).toEqual([
      'a.jsonl',
      'big.jsonl.gz',
      'exact.bin',
      'link-to-file',
      'over.bin',
      'sub/b.jsonl',
      'sub/deeper/c.jsonl',
      'sub-file.jsonl',
      'zero.jsonl',
    ]);
    for (const r of refs) {
      const st = statSync(join(root, r.key));
      expect([r.key, r.size, r.lastModifiedMs]).toEqual([r.key, st.size, st.mtimeMs]);
    }
  });

  it.each([
    [undefined],
    [''],
    ['sub/'],
    ['sub'],
    ['su'],
    ['sub/deeper/'],
    ['sub/deeper/c'],
    ['link'],
    ['empty/'],
    ['a.jsonl'],
    ['nope/'],
  ])('prefix %j: the same refs as listing with promises, with and without stat', async (prefix) => {
    for (const needStat of [true, false]) {
      const blocking = await listed(prefix, needStat, true);
      const promised = await listed(prefix, needStat, false);
      expect(blocking).toEqual(promised);
      for (const r of blocking) {
        if (prefix) expect(r.key.startsWith(prefix)).toBe(true);
        if (!needStat) expect([r.size, r.lastModifiedMs]).toEqual([Number.NaN, undefined]);
      }
    }
    expect((await listed('sub/', true, true)).map((r) => r.key)).toEqual([
      'sub/b.jsonl',
      'sub/deeper/c.jsonl',
    ]);
  });

  it('stops listing once aborted, either way', async () => {
    for (const blocking of [true, false]) {
      const ac = new AbortController();
      const keys: string[] = [];
      for await (const o of listLocalObjects(root, undefined, ac.signal, true, undefined, blocking)) {
        keys.push(o.key);
        if (keys.length === 2) ac.abort();
      }
      expect(keys).toEqual(['a.jsonl', 'big.jsonl.gz']);
    }
  });

  it('fails a listing of a root that cannot be read, either way', async () => {
    for (const blocking of [true, false]) {
      const refs = listLocalObjects(
        join(root, 'a.jsonl'),
        undefined,
        new AbortController().signal,
        true,
        () => {
          throw new Error('a gap is only for folders below the root');
        },
        blocking,
      );
      await expect(refs.next()).rejects.toThrow(/Cannot list --dir/);
    }
  });
});

describe('dirSource', () => {
  it.each([
    [false, 'promises'],
    [true, 'blocking calls'],
  ])('blocking=%s: lists and opens the same as the other (%s)', async (blocking) => {
    const { source, close } = await dirSource(root, 'sub', true, blocking);
    const refs: ObjectRef[] = [];
    for await (const o of source.list(new AbortController().signal)) refs.push(o);
    expect(refs).toEqual(await listed('sub', true, !blocking));
    const opened = source.open('sub/b.jsonl', new AbortController().signal);
    // Blocking reads hand back the small file itself, with no promise round trip.
    expect(opened instanceof WholeObject).toBe(blocking);
    expect((await bytesOf(await opened)).toString()).toBe('{"opType":"checkout"}\n');
    await expect(
      Promise.resolve().then(() => source.open('sub/gone', new AbortController().signal)),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    expect(source.objectFailure(Object.assign(new Error('x'), { code: 'EISDIR' }))).toBe('is a folder');
    expect(source.timesAreUploads).toBe(false);
    close();
  });

  it('refuses a --dir that is not a directory', async () => {
    await expect(dirSource(join(root, 'a.jsonl'), undefined, false, true)).rejects.toBeInstanceOf(UsageError);
    await expect(dirSource(join(root, 'missing'), undefined, false)).rejects.toBeInstanceOf(UsageError);
  });
});
