import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectRef } from '../core/objects.js';
import { awsCall } from './errors.js';

export interface ListingOptions {
  prefix?: string | undefined;
  /** Sent as ExpectedBucketOwner: S3 refuses to list another account's bucket. */
  owner?: string | undefined;
  /** Aborting it cancels the request in flight and ends the listing. */
  signal?: AbortSignal | undefined;
}

/**
 * The one ListObjectsV2 pager: every object of `bucket` (under `prefix`), a page at a time as S3 returns
 * them (1,000 keys). The next page is requested while the caller works on the current one, and nothing
 * more is listed once `signal` aborts. Entries without a key are left out.
 */
export async function* listObjectPages(
  s3: S3Client,
  bucket: string,
  opts: ListingOptions = {},
): AsyncGenerator<ObjectRef[]> {
  const { prefix, owner, signal } = opts;
  const page = (token: string | undefined): Promise<ListObjectsV2CommandOutput> =>
    awsCall({ operation: 'ListObjectsV2', action: 's3:ListBucket', resource: bucket }, () =>
      s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(token ? { ContinuationToken: token } : {}),
          ...(owner ? { ExpectedBucketOwner: owner } : {}),
        }),
        signal ? { abortSignal: signal } : {},
      ),
    );
  let next: Promise<ListObjectsV2CommandOutput> | undefined = page(undefined);
  while (next && !signal?.aborted) {
    const res: ListObjectsV2CommandOutput = await next;
    const token: string | undefined = res.IsTruncated ? res.NextContinuationToken : undefined;
    next = token ? page(token) : undefined;
    // Keep an unawaited prefetch from becoming an unhandled rejection if the caller stops early.
    next?.catch(() => undefined);
    const refs: ObjectRef[] = [];
    for (const o of res.Contents ?? []) {
      if (o.Key)
        refs.push({ key: o.Key, size: o.Size ?? 0, lastModifiedMs: o.LastModified?.getTime(), etag: o.ETag });
    }
    yield refs;
  }
}

/** Every object under `prefix`, one at a time (the pager's pages flattened); stops as `signal` aborts. */
export async function* listObjects(
  s3: S3Client,
  bucket: string,
  prefix: string | undefined,
  signal: AbortSignal,
): AsyncGenerator<ObjectRef> {
  for await (const refs of listObjectPages(s3, bucket, { prefix, signal })) {
    for (const ref of refs) {
      if (signal.aborted) return;
      yield ref;
    }
  }
}

/** The body of one object as a byte stream; aborting `signal` cancels the request and the stream. */
export async function openObject(
  s3: S3Client,
  bucket: string,
  key: string,
  signal: AbortSignal,
): Promise<AsyncIterable<Uint8Array>> {
  const res = await awsCall(
    { operation: 'GetObject', action: 's3:GetObject', resource: `${bucket}/${key}` },
    () => s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }),
  );
  const body = res.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
  if (!body) return (async function* () {})();
  return body;
}
