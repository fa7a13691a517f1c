import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  type CreateBucketCommandInput,
  DeleteBucketPolicyCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { PublicAccessBlock } from '../core/bucket-state.js';
import { awsErrorName, type DeclaredCall, declared, isAwsFailure, toAwsFailure } from './errors.js';

/**
 * One function per S3 write `setup` and `revoke` make. Every call that takes ExpectedBucketOwner gets the
 * caller's account, so S3 itself refuses to change a bucket of another account (CreateBucket has
 * no such parameter: a name owned elsewhere answers BucketAlreadyExists instead).
 */

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * S3 answers 409 OperationAborted when two configuration changes race on the same (often just
 * created) bucket. The SDK does not retry it, so we do: `attempts` tries with doubling delays.
 */
export async function retryOperationAborted<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseDelayMs ?? 500;
  const sleep = opts.sleep ?? wait;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (awsErrorName(err) !== 'OperationAborted' || i >= attempts) throw err;
      await sleep(base * 2 ** (i - 1));
    }
  }
}

/** One write: OperationAborted retried, then any failure becomes an AwsFailure with the call's context. */
async function write<T>(ctx: DeclaredCall, fn: () => Promise<T>, retry?: RetryOptions): Promise<T> {
  try {
    return await retryOperationAborted(fn, retry);
  } catch (err) {
    throw toAwsFailure(err, declared(ctx));
  }
}

export type CreateOutcome = 'created' | 'already-yours';

/**
 * Creates the bucket with ACLs disabled; outside us-east-1 the region goes in LocationConstraint. A name
 * another account holds fails with kind `bucket-taken`.
 */
export async function createBucket(
  s3: S3Client,
  bucket: string,
  region: string,
  retry?: RetryOptions,
): Promise<CreateOutcome> {
  const input: CreateBucketCommandInput = {
    Bucket: bucket,
    ObjectOwnership: 'BucketOwnerEnforced',
    ...(region === 'us-east-1'
      ? {}
      : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
  };
  try {
    await write(
      { operation: 'CreateBucket', action: 's3:CreateBucket', resource: bucket, region },
      () => s3.send(new CreateBucketCommand(input)),
      retry,
    );
    return 'created';
  } catch (err) {
    if (isAwsFailure(err, 'bucket-already-yours')) return 'already-yours';
    throw err;
  }
}

/** Fails with kind `acl-in-use` while the bucket ACL grants access to another account. */
export async function putOwnershipControls(
  s3: S3Client,
  bucket: string,
  owner: string,
  retry?: RetryOptions,
): Promise<void> {
  await write(
    { operation: 'PutBucketOwnershipControls', action: 's3:PutBucketOwnershipControls', resource: bucket },
    () =>
      s3.send(
        new PutBucketOwnershipControlsCommand({
          Bucket: bucket,
          ExpectedBucketOwner: owner,
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        }),
      ),
    retry,
  );
}

export async function putPublicAccessBlock(
  s3: S3Client,
  bucket: string,
  owner: string,
  config: PublicAccessBlock,
  retry?: RetryOptions,
): Promise<void> {
  await write(
    { operation: 'PutPublicAccessBlock', action: 's3:PutBucketPublicAccessBlock', resource: bucket },
    () =>
      s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket,
          ExpectedBucketOwner: owner,
          PublicAccessBlockConfiguration: { ...config },
        }),
      ),
    retry,
  );
}

/**
 * S3 checks every principal of a policy when it is stored: a role or user that does not exist fails with
 * kind `malformed-policy` ("Invalid principal in policy"); a policy Block Public Access treats as public
 * with kind `public-policy-blocked`.
 */
export async function putBucketPolicy(
  s3: S3Client,
  bucket: string,
  owner: string,
  policyText: string,
  retry?: RetryOptions,
): Promise<void> {
  await write(
    { operation: 'PutBucketPolicy', action: 's3:PutBucketPolicy', resource: bucket },
    () =>
      s3.send(new PutBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: owner, Policy: policyText })),
    retry,
  );
}

/** `revoke`: removes the whole bucket policy (when Prophecy's statements were all of it). */
export async function deleteBucketPolicy(
  s3: S3Client,
  bucket: string,
  owner: string,
  retry?: RetryOptions,
): Promise<void> {
  await write(
    { operation: 'DeleteBucketPolicy', action: 's3:DeleteBucketPolicy', resource: bucket },
    () => s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: owner })),
    retry,
  );
}
