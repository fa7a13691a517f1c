#!/usr/bin/env node
// The floor for `events query`: the least any reader must do. Run by bench/events.mjs under /usr/bin/time.
//   node bench/events-floor.mjs s3 <endpoint> <bucket>   list + GetObject + gunzip every object, discard
//   node bench/events-floor.mjs dir <path>               read + gunzip + split lines of every file, discard
// Same concurrency (16) as the command's default. Prints the number of lines seen.
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const CONCURRENCY = 16;
let lines = 0;

/**
 * S3 floor: consume the gunzipped bytes (newlines are counted to report events; nothing is decoded).
 * @param {AsyncIterable<Buffer>} gunzipped
 */
async function countLines(gunzipped) {
  for await (const chunk of gunzipped) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
}

/**
 * Local floor: decode to text and split into line strings, the least a line reader must do.
 * @param {NodeJS.ReadableStream & AsyncIterable<string>} gunzipped
 */
async function splitLines(gunzipped) {
  gunzipped.setEncoding('utf8');
  let rest = '';
  for await (const chunk of gunzipped) {
    const text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (text.slice(start, nl).length > 0) lines++;
      start = nl + 1;
    }
    rest = text.slice(start);
  }
}

/**
 * @template T
 * @param {AsyncIterable<T>} items
 * @param {(item: T) => Promise<void>} fn
 */
async function pool(items, fn) {
  const it = items[Symbol.asyncIterator]();
  const worker = async () => {
    for (let n = await it.next(); !n.done; n = await it.next()) await fn(n.value);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/**
 * @param {import('@aws-sdk/client-s3').S3Client} s3
 * @param {string} bucket
 */
async function* listKeys(s3, bucket) {
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  /** @type {string | undefined} */
  let token;
  do {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of res.Contents ?? []) if (o.Key) yield o.Key;
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
}

/**
 * @param {string} dir
 * @returns {AsyncGenerator<string>}
 */
async function* walk(dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

const [mode, a, b] = process.argv.slice(2);
if (mode === 's3' && a && b) {
  // Loaded only here, as the command loads it only for a bucket.
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({ endpoint: a, region: 'us-east-1', forcePathStyle: true });
  await pool(listKeys(s3, b), async (key) => {
    const res = await s3.send(new GetObjectCommand({ Bucket: b, Key: key }));
    const gunzip = createGunzip();
    await Promise.all([
      pipeline(/** @type {NodeJS.ReadableStream} */ (res.Body), gunzip),
      countLines(gunzip),
    ]);
  });
  s3.destroy();
} else if (mode === 'dir' && a) {
  await pool(walk(a), async (path) => {
    const gunzip = createGunzip();
    await Promise.all([pipeline(createReadStream(path), gunzip), splitLines(gunzip)]);
  });
} else {
  process.stderr.write('usage: events-floor.mjs s3 <endpoint> <bucket> | dir <path>\n');
  process.exit(2);
}
process.stdout.write(`${lines}\n`);
