import { isAwsFailure, isNotFound } from '../../aws/errors.js';
import type { AwsClientFactory } from '../../aws/factory.js';
import { isTruncatedListing, listObjects, openObject } from '../../aws/objects.js';
import { CliError } from '../../errors.js';
import type { OpenedSource } from './source.js';

const notFound = (err: unknown) => isNotFound(err) || isNotFound((err as { cause?: unknown }).cause);

/** The bucket's objects under `prefix`, through the S3 client of `aws` (created here, destroyed by close). */
export async function s3Source(
  aws: AwsClientFactory,
  bucket: string,
  prefix: string | undefined,
): Promise<OpenedSource> {
  const s3 = await aws.s3();
  return {
    source: {
      async *list(signal, onGap) {
        try {
          yield* listObjects(s3, bucket, prefix, signal);
        } catch (err) {
          if (onGap && isTruncatedListing(err)) {
            onGap({ key: prefix ?? '', what: 'listing', reason: err.detail });
            return;
          }
          if (notFound(err)) {
            throw new CliError(`Bucket ${bucket} does not exist (or is not visible to your identity).`, {
              hint: 'Check --suffix/--bucket, --region and --profile.',
            });
          }
          throw err;
        }
      },
      open: (key, signal, opts) => openObject(s3, bucket, key, signal, opts),
      objectFailure: s3ObjectFailure,
      timesAreUploads: true,
    },
    close: () => s3.destroy(),
  };
}

/** Failures that concern the whole run (who you are, where the bucket is): they stop it. */
const RUN_FAILURES = new Set([
  'credentials',
  'sso-login',
  'sso-expired',
  'expired-credentials',
  'rejected-credentials',
  'wrong-region',
]);

/**
 * Why one object could not be read completely, or undefined when the failure concerns the whole run.
 * GetObject failures come as AwsFailures; a body that breaks while streaming comes as the socket's error.
 */
export function s3ObjectFailure(err: unknown): string | undefined {
  if (isAwsFailure(err)) {
    if (RUN_FAILURES.has(err.kind)) return undefined;
    if (err.code === 'PreconditionFailed' || err.status === 412)
      return 'changed while being read (ETag no longer matches)';
    if (err.kind === 'not-found') return 'not found (listed, then gone)';
    if (err.kind === 'access-denied') return 'access denied (s3:GetObject, or the KMS key)';
    return `${err.code || err.kind}: ${err.detail}`;
  }
  // Programming errors are not the network's: they stop the run as the bug they are.
  if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError)
    return undefined;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return `the transfer broke: ${err.message.split('\n')[0]}${code && !err.message.includes(code) ? ` (${code})` : ''}`;
  }
  return undefined;
}
