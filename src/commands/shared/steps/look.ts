import type { S3Client } from '@aws-sdk/client-s3';
import { readBucketState } from '../../../aws/bucket-read.js';
import { isAwsFailure } from '../../../aws/errors.js';
import type { Context } from '../../../context.js';
import type { BucketState } from '../../../core/bucket-state.js';
import { CliError } from '../../../errors.js';
import { startStep } from '../../../ui/progress.js';

const SAYS: Record<BucketState['existence'], (state: BucketState) => string> = {
  'not-found': () => 'does not exist yet',
  yours: (state) => `exists in your account${state.region ? ` (${state.region})` : ''}`,
  'exists-not-yours': () => 'exists in another account',
  forbidden: () => 'exists, but you may not read it',
};

/**
 * Look before leaping, with a spinner: whose the bucket is (ListBuckets and HeadBucket) and, when it is the
 * caller's, its configuration and whether it holds objects — every read with ExpectedBucketOwner = `owner`.
 */
export async function lookAtBucket(
  ctx: Context,
  s3: S3Client,
  bucket: string,
  owner: string,
): Promise<BucketState> {
  const step = await startStep(`Looking at ${bucket}`, ctx.stderr);
  try {
    const state = await readBucketState(s3, bucket, { owner, checkOwnership: true, checkObjects: true });
    step.succeed(`${bucket} ${SAYS[state.existence](state)}`);
    return state;
  } catch (e) {
    step.fail(`Could not look at ${bucket}`);
    // Only "not configured" answers (NoSuchBucketPolicy, ...) mean "not set"; any other 404 is no answer.
    if (isAwsFailure(e, 'not-found')) {
      throw new CliError(
        `Could not read ${bucket}: ${e.operation} answered ${e.code || 'a 404'}${e.status ? ` (HTTP ${e.status})` : ''} although the bucket exists. A setting that cannot be read is not taken as "not set", so nothing was changed.`,
        {
          cause: e,
          hint: 'Run again in a moment; if it persists, check --endpoint-url and --region (a proxy or S3-compatible endpoint may answer differently).',
        },
      );
    }
    throw e;
  }
}
