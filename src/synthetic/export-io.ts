import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SyntheticObject } from './export.js';

/** Writes objects as files under `dir` (key → path), with mtime set to when each object "arrived". */
export async function writeObjectsToDir(dir: string, objects: Iterable<SyntheticObject>): Promise<number> {
  let n = 0;
  for (const o of objects) {
    const path = join(dir, ...o.key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, o.body);
    const t = new Date(o.mtimeMs);
    await utimes(path, t, t);
    n++;
  }
  return n;
}

/** Uploads objects with PutObject, `concurrency` at a time; objects are pulled from the iterable lazily. */
export async function uploadObjects(
  s3: S3Client,
  bucket: string,
  objects: Iterable<SyntheticObject>,
  concurrency = 16,
): Promise<number> {
  const it = objects[Symbol.iterator]();
  let n = 0;
  const worker = async () => {
    for (let next = it.next(); !next.done; next = it.next()) {
      const o = next.value;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: o.key,
          Body: o.body,
          ContentType:
            o.key.endsWith('.jsonl') || o.key.endsWith('.jsonl.gz')
              ? 'application/x-ndjson'
              : 'application/json',
        }),
      );
      n++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return n;
}
