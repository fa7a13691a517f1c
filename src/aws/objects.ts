import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { awsCall } from './errors.js';

export interface ObjectRef {
  key: string;
  size: number;
  lastModifiedMs: number | undefined;
}

/**
 * Every object under `prefix`, page by page as ListObjectsV2 returns them; the next page is requested
 * while the caller works on the current one, and nothing more is listed once `signal` aborts.
 */
export async function* listObjects(
  s3: S3Client,
  bucket: string,
  prefix: string | undefined,
  signal: AbortSignal,
): AsyncGenerator<ObjectRef> {
  const page = (token: string | undefined): Promise<ListObjectsV2CommandOutput> =>
    awsCall({ operation: 'ListObjectsV2', action: 's3:ListBucket', resource: bucket }, () =>
      s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        }),
        { abortSignal: signal },
      ),
    );
  let next: Promise<ListObjectsV2CommandOutput> | undefined = page(undefined);
  while (next && !signal.aborted) {
    const res: ListObjectsV2CommandOutput = await next;
    const token: string | undefined = res.IsTruncated ? res.NextContinuationToken : undefined;
    next = token ? page(token) : undefined;
    // Keep an unawaited prefetch from becoming an unhandled rejection if the caller stops early.
    next?.catch(() => undefined);
    for (const o of res.Contents ?? []) {
      if (signal.aborted) return;
      if (!o.Key) continue;
      yield { key: o.Key, size: o.Size ?? 0, lastModifiedMs: o.LastModified?.getTime() };
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
