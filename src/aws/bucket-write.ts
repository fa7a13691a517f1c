import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  type CreateBucketCommandInput,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { PublicAccessBlock } from '../core/bucket-state.js';
import type { VendorPrincipals } from '../core/policy.js';
import { CliError } from '../errors.js';
import { type AwsCallContext, awsErrorName, translateAwsError } from './errors.js';

/**
 * One function per S3 write `setup` makes. Every call that takes ExpectedBucketOwner gets the
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

/**
 * One write: OperationAborted retried, then `explain` gets the first word on a failure S3 answers in its
 * own way for this call; anything it leaves alone is translated with the call's context.
 */
async function write<T>(
  ctx: AwsCallContext,
  fn: () => Promise<T>,
  retry?: RetryOptions,
  explain?: (err: unknown) => CliError | undefined,
): Promise<T> {
  try {
    return await retryOperationAborted(fn, retry);
  } catch (err) {
    throw explain?.(err) ?? translateAwsError(err, ctx);
  }
}

export type CreateOutcome = 'created' | 'already-yours';

/** Creates the bucket with ACLs disabled; outside us-east-1 the region goes in LocationConstraint. */
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
    await retryOperationAborted(() => s3.send(new CreateBucketCommand(input)), retry);
    return 'created';
  } catch (err) {
    const name = awsErrorName(err);
    if (name === 'BucketAlreadyOwnedByYou') return 'already-yours';
    if (name === 'BucketAlreadyExists') {
      throw new CliError(`The bucket name ${bucket} is taken by another AWS account.`, {
        cause: err,
        hint: 'Bucket names are global across all accounts: run setup again with another --suffix.',
      });
    }
    throw translateAwsError(err, {
      operation: 'CreateBucket',
      action: 's3:CreateBucket',
      resource: bucket,
      region,
    });
  }
}

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
    (err) =>
      awsErrorName(err) === 'InvalidBucketAclWithObjectOwnership'
        ? new CliError(
            `S3 refused to disable ACLs on ${bucket}: its bucket ACL grants access to someone other than you.`,
            {
              cause: err,
              hint: 'Move those grants into the bucket policy and reset the ACL to private (S3 console → Permissions → ACL), then run setup again.',
            },
          )
        : undefined,
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
 * S3 checks every principal of a policy when it is stored; a role or user that does not exist
 * answers MalformedPolicy "Invalid principal in policy" without saying which one. We name the
 * principals we wrote and which of them came from a flag, since a mistyped flag is the usual cause.
 */
export function invalidPrincipalError(
  err: unknown,
  bucket: string,
  principals: VendorPrincipals,
  overridden: (keyof VendorPrincipals)[],
): CliError {
  const flags: Record<keyof VendorPrincipals, string> = {
    datasyncRoleArn: '--datasync-role-arn',
    locationUserArn: '--location-user-arn',
  };
  const suspects = overridden.length
    ? overridden.map((k) => `${principals[k]} (from ${flags[k]})`)
    : [principals.datasyncRoleArn, principals.locationUserArn];
  return new CliError(
    `S3 refused the policy for ${bucket}: a principal does not exist in IAM. Check ${suspects.join(' and ')}.`,
    {
      cause: err,
      hint: overridden.length
        ? `Correct ${overridden.map((k) => flags[k]).join(' / ')} (copy the ARN exactly as Prophecy gave it) and run setup again.`
        : 'If Prophecy gave you other ARNs, pass them with --datasync-role-arn / --location-user-arn; otherwise ask Prophecy whether their role was renamed.',
    },
  );
}

/** What S3's answers to PutBucketPolicy mean for the person running setup. */
function explainPolicyRefusal(
  err: unknown,
  bucket: string,
  principals: VendorPrincipals,
  overridden: (keyof VendorPrincipals)[],
): CliError | undefined {
  const name = awsErrorName(err);
  const message = (err as Error)?.message ?? '';
  if (name === 'MalformedPolicy' && /invalid principal/i.test(message)) {
    return invalidPrincipalError(err, bucket, principals, overridden);
  }
  if (name === 'MalformedPolicy') {
    return new CliError(`S3 refused the policy for ${bucket}: ${message.split('\n')[0]}`, {
      cause: err,
      hint: 'Run `prophecy-audit setup --dry-run --json` to see the policy setup tried to write, and report it if it is ours.',
    });
  }
  if (name === 'AccessDenied' && /public access block|BlockPublicPolicy/i.test(message)) {
    return new CliError(
      `S3 refused the policy for ${bucket} because Block Public Access treats it as public.`,
      {
        cause: err,
        hint: 'A statement in the current policy grants public access; remove it and run setup again.',
      },
    );
  }
  return undefined;
}

export async function putBucketPolicy(
  s3: S3Client,
  bucket: string,
  owner: string,
  policyText: string,
  principals: VendorPrincipals,
  overridden: (keyof VendorPrincipals)[],
  retry?: RetryOptions,
): Promise<void> {
  await write(
    { operation: 'PutBucketPolicy', action: 's3:PutBucketPolicy', resource: bucket },
    () =>
      s3.send(new PutBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: owner, Policy: policyText })),
    retry,
    (err) => explainPolicyRefusal(err, bucket, principals, overridden),
  );
}
