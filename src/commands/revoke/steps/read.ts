import type { S3Client } from '@aws-sdk/client-s3';
import { countObjects, getBucketEncryption } from '../../../aws/bucket-read.js';
import { type AwsFailure, isAwsFailure } from '../../../aws/errors.js';
import { getKeyPolicy } from '../../../aws/kms.js';
import type { Context } from '../../../context.js';
import { type BucketEncryptionRule, KMS_SID, keyRegion, keyToDescribe } from '../../../core/kms.js';
import type { ObjectSummary } from '../../../core/revoke-plan.js';
import { describeAwsFailure } from '../../../ui/aws-failure.js';
import { paint, symbols } from '../../../ui/color.js';
import { type KeyPolicyRead, need, type RevokeState, type RevokeStepFn } from '../state.js';

/** At most this many pages of 1,000 keys are listed to count the objects the plan says are kept. */
export const MAX_COUNT_PAGES = 10;

/** A read that only feeds a warning may fail for want of permission without stopping the run. */
function tolerable(err: unknown): err is AwsFailure {
  return (
    isAwsFailure(err) && (err.kind === 'access-denied' || err.kind === 'not-found' || err.kind === 'unknown')
  );
}

async function objectSummary(s3: S3Client, bucket: string, owner: string): Promise<ObjectSummary | null> {
  try {
    const n = await countObjects(s3, bucket, owner, MAX_COUNT_PAGES);
    return { count: n.count, newest: n.newest, lowerBound: n.lowerBound };
  } catch (err) {
    if (isAwsFailure(err, 'access-denied')) return null;
    throw err;
  }
}

interface KeyRead {
  key: KeyPolicyRead | null;
  warnings: string[];
  notes: string[];
}

function kmsDefault(rules: readonly BucketEncryptionRule[] | undefined) {
  const d = rules?.find(
    (r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm !== undefined,
  )?.ApplyServerSideEncryptionByDefault;
  return d && (d.SSEAlgorithm === 'aws:kms' || d.SSEAlgorithm === 'aws:kms:dsse') ? d : undefined;
}

/**
 * The bucket's default KMS key and its policy. With --key-policy every failure stops the run (the user asked
 * for that policy to change); without it the key policy only feeds warnings, so a refused read becomes one.
 */
async function keyPolicy(state: RevokeState, s3: S3Client, owner: string): Promise<KeyRead> {
  const { bucket, keyPolicy: remove } = state.input;
  const notChecked = (what: string, err: AwsFailure): KeyRead => ({
    key: null,
    warnings: [
      `Could not read ${what} (${describeAwsFailure(err).message}), so revoke did not check the key policy for Prophecy's statement "${KMS_SID}".`,
    ],
    notes: [],
  });
  let rules: BucketEncryptionRule[] | undefined;
  try {
    rules = await getBucketEncryption(s3, bucket, owner);
  } catch (err) {
    if (!remove && tolerable(err)) return notChecked(`the default encryption of ${bucket}`, err);
    throw err;
  }
  const kms = kmsDefault(rules);
  const keyId = kms?.KMSMasterKeyID;
  if (!kms || !keyId || /(^|:)alias\/aws\/s3$/.test(keyId)) {
    const notes = remove
      ? [
          `--key-policy: ${bucket} is not encrypted with a customer managed KMS key, so there is no key policy to change.`,
        ]
      : [];
    return { key: null, warnings: [], notes };
  }
  const arn = keyToDescribe(rules);
  if (!arn) {
    return {
      key: null,
      warnings: [
        `The default encryption of ${bucket} names its KMS key as ${keyId}, not by key ARN, so revoke did not read that key's policy; check it for Prophecy's statement "${KMS_SID}" by hand.`,
      ],
      notes: [],
    };
  }
  const region = keyRegion(arn);
  try {
    const text = await getKeyPolicy(await state.aws.kms(region), arn);
    return { key: { keyId: arn, region, text }, warnings: [], notes: [] };
  } catch (err) {
    if (!remove && tolerable(err)) return notChecked(`the key policy of ${arn}`, err);
    throw err;
  }
}

/**
 * 3. Read what the plan is made from: the bucket policy (read by look), how many objects the bucket keeps,
 * and the bucket's KMS key policy (to remove our statement with --key-policy, or to warn about it).
 */
export const read: RevokeStepFn = async (ctx: Context, state) => {
  const found = need(state, 'found');
  const s3 = need(state, 's3');
  const owner = need(state, 'identity').account;
  state.policyText = found.policyText ?? null;
  const [objects, key] = await Promise.all([
    objectSummary(s3, found.bucket, owner),
    keyPolicy(state, s3, owner),
  ]);
  state.objects = objects;
  state.key = key.key;
  state.readWarnings = key.warnings;
  for (const n of key.notes) ctx.stderr.write(`${paint(ctx.stderr).dim(`${symbols.info} ${n}`)}\n`);
  return undefined;
};
