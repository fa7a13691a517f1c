import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { newestObject } from '../../src/aws/bucket-read.js';
import { listObjectPages, listObjects } from '../../src/aws/objects.js';

type Sent = { input: Record<string, unknown>; signal: AbortSignal | undefined };

/** An S3 client whose ListObjectsV2 answers `pages` in turn, recording each request. */
function fakeS3(pages: { Key?: string; Size?: number; LastModified?: Date }[][]) {
  const sent: Sent[] = [];
  const s3 = {
    send: async (cmd: { input: Record<string, unknown> }, opts?: { abortSignal?: AbortSignal }) => {
      sent.push({ input: cmd.input, signal: opts?.abortSignal });
      const i = cmd.input.ContinuationToken === undefined ? 0 : Number(cmd.input.ContinuationToken);
      const last = i === pages.length - 1;
      return {
        Contents: pages[i],
        IsTruncated: !last,
        ...(last ? {} : { NextContinuationToken: String(i + 1) }),
      };
    },
  };
  return { s3: s3 as unknown as S3Client, sent };
}

const at = (iso: string) => new Date(iso);
const PAGES = [
  [
    { Key: 'a/1.json', Size: 10, LastModified: at('2026-11-24T10:00:00Z') },
    { Size: 5 },
    { Key: 'a/2.json', Size: 0, LastModified: at('2026-11-25T10:00:00Z') },
  ],
  [{ Key: 'b/3.json', Size: 7 }],
  [{ Key: 'c/4.json', Size: 1, LastModified: at('2026-11-24T12:00:00Z') }],
];

describe('the one ListObjectsV2 pager', () => {
  it('follows continuation tokens, leaves out entries without a key, and passes prefix, owner and signal', async () => {
    const { s3, sent } = fakeS3(PAGES);
    const signal = new AbortController().signal;
    const pages = [];
    for await (const p of listObjectPages(s3, 'bkt', { prefix: 'a/', owner: '123456789012', signal }))
      pages.push(p);
    expect(pages.map((p) => p.map((r) => r.key))).toEqual([
      ['a/1.json', 'a/2.json'],
      ['b/3.json'],
      ['c/4.json'],
    ]);
    expect(pages[1]).toEqual([{ key: 'b/3.json', size: 7, lastModifiedMs: undefined }]);
    expect(sent.map((s) => s.input)).toEqual([
      { Bucket: 'bkt', Prefix: 'a/', ExpectedBucketOwner: '123456789012' },
      { Bucket: 'bkt', Prefix: 'a/', ContinuationToken: '1', ExpectedBucketOwner: '123456789012' },
      { Bucket: 'bkt', Prefix: 'a/', ContinuationToken: '2', ExpectedBucketOwner: '123456789012' },
    ]);
    expect(sent.every((s) => s.signal === signal)).toBe(true);
  });

  it('requests the next page before the caller is done with the current one', async () => {
    const { s3, sent } = fakeS3(PAGES);
    const it = listObjectPages(s3, 'bkt')[Symbol.asyncIterator]();
    await it.next();
    expect(sent).toHaveLength(2);
    await it.return?.(undefined);
  });

  it('listObjects yields entries one by one and stops listing once aborted', async () => {
    const { s3, sent } = fakeS3(PAGES);
    const ctl = new AbortController();
    const keys: string[] = [];
    for await (const ref of listObjects(s3, 'bkt', undefined, ctl.signal)) {
      keys.push(ref.key);
      ctl.abort();
    }
    expect(keys).toEqual(['a/1.json']);
    expect(sent.length).toBeLessThanOrEqual(2);
  });

  it('newestObject reads every page through it: the newest object and how many have a time', async () => {
    const { s3, sent } = fakeS3(PAGES);
    expect(await newestObject(s3, 'bkt', '123456789012')).toEqual({
      key: 'a/2.json',
      lastModified: at('2026-11-25T10:00:00Z'),
      count: 3,
    });
    expect(sent).toHaveLength(3);
    expect(sent[0]?.input).toEqual({ Bucket: 'bkt', ExpectedBucketOwner: '123456789012' });
    expect(await newestObject(fakeS3([[]]).s3, 'bkt')).toBeUndefined();
  });
});
