import type { BucketState } from '../../../core/bucket-state.js';
import { CliError } from '../../../errors.js';
import { lookAtBucket } from '../../shared/steps/look.js';
import { need, type RevokeStepFn } from '../state.js';

function refuse(found: BucketState, account: string): CliError | undefined {
  const b = found.bucket;
  switch (found.existence) {
    case 'yours':
      return undefined;
    case 'exists-not-yours':
      return new CliError(
        `${b} belongs to another AWS account, not to ${account}; revoke changes only buckets of the account you are signed in to. Nothing was changed.`,
        { hint: 'Run revoke with credentials of the account that owns the bucket (--profile).' },
      );
    case 'not-found':
      return new CliError(`${b} does not exist, so there is no access to revoke. Nothing was changed.`, {
        hint: 'Check --suffix / --bucket (and --endpoint-url).',
      });
    case 'forbidden':
      return new CliError(
        `${b} exists, but HeadBucket was refused (403): it is not in account ${account}, or your identity lacks s3:ListBucket on it. Nothing was changed.`,
        {
          hint: 'Use credentials of the account that owns the bucket (--profile), with s3:ListBucket on it.',
        },
      );
  }
}

/**
 * 2. Look before leaping: whose the bucket is (ListBuckets and HeadBucket) and its configuration, every read
 * with ExpectedBucketOwner = the caller's account. Anything but a bucket of this account stops the run
 * (exit 2); so does a policy revoke may not read, since it would not know what to remove.
 */
export const look: RevokeStepFn = async (ctx, state) => {
  const account = need(state, 'identity').account;
  const found = await lookAtBucket(ctx, await state.aws.s3(), state.input.bucket, account);
  const refused = refuse(found, account);
  if (refused) throw refused;
  if (found.denied.includes('s3:GetBucketPolicy')) {
    throw new CliError(
      `Could not read the bucket policy of ${found.bucket}: access denied, so revoke cannot tell what to remove. Nothing was changed.`,
      {
        hint: 'Your identity needs s3:GetBucketPolicy (and s3:PutBucketPolicy, s3:DeleteBucketPolicy) on the bucket.',
      },
    );
  }
  state.found = found;
  state.s3 = await state.aws.s3(found.region);
  return undefined;
};
