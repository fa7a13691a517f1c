import type { BucketExistence, PublicAccessBlock } from '../bucket-state.js';
import type { BucketEncryptionRule, KmsKeyInfo } from '../kms-judge.js';

/**
 * What verify's checks may read about a bucket, by name. A check declares the keys it reads; verify performs
 * exactly the union of the selected checks' reads (src/aws/bucket-read.ts maps each key to one function).
 * Each entry says which AWS call answers it and which IAM permission the caller needs, for the messages
 * and for docs/checks.md.
 */

import type { NewestObject } from '../objects.js';

export type { NewestObject };

/** GetObjectLockConfiguration, as the versioning check judges it. */
export interface ObjectLockState {
  enabled: boolean;
  mode?: string | undefined;
  days?: number | undefined;
  years?: number | undefined;
}

/**
 * kms:DescribeKey of the key the bucket's default encryption names by full ARN. `null`: there is no such key
 * to describe (no SSE-KMS, no key ARN, or the encryption could not be read). `notFound`: KMS knows no key of
 * that ARN (deleted, or a typo in the default encryption).
 */
export type KmsKeyRead = { arn: string; key: KmsKeyInfo } | { arn: string; notFound: true } | null;

/** kms:GetKeyPolicy (policy name `default`) of that key; `null` when there is no key to read. */
export type KmsKeyPolicyRead = { arn: string; policy: string } | null;

/** A read's value type travels with its catalogue entry (a phantom field, never set at run time). */
export interface ReadSpec<T> {
  /** The AWS API call(s) that answer it. */
  call: string;
  /** The IAM permission(s) the caller needs; a refused read is reported with the first. */
  permissions: readonly [string, ...string[]];
  /** Sent without ExpectedBucketOwner, before the caller's account is known (only HeadBucket). */
  beforeIdentity?: boolean;
  /**
   * A read that needs another read's answer first (the KMS reads need the key the default encryption names);
   * it starts the moment that read is done, in the same round.
   */
  after?: 'encryption';
  /** One line for docs/checks.md. */
  description: string;
  readonly value?: T;
}

function read<T>(spec: Omit<ReadSpec<T>, 'value'>): ReadSpec<T> {
  return spec;
}

export const READS = {
  head: read<BucketExistence>({
    call: 'HeadBucket',
    permissions: ['s3:ListBucket'],
    beforeIdentity: true,
    description: 'whether the bucket exists and answers the caller',
  }),
  location: read<string>({
    call: 'GetBucketLocation',
    permissions: ['s3:GetBucketLocation'],
    description: "the bucket's region (empty/`EU` normalized to us-east-1/eu-west-1)",
  }),
  ownership: read<string | undefined>({
    call: 'GetBucketOwnershipControls',
    permissions: ['s3:GetBucketOwnershipControls'],
    description: 'the Object Ownership setting; undefined when none is set',
  }),
  publicAccessBlock: read<PublicAccessBlock | undefined>({
    call: 'GetPublicAccessBlock',
    permissions: ['s3:GetBucketPublicAccessBlock'],
    description: "the bucket's four Block Public Access settings; undefined when none are set",
  }),
  policy: read<string | undefined>({
    call: 'GetBucketPolicy',
    permissions: ['s3:GetBucketPolicy'],
    description: 'the bucket policy text exactly as S3 returns it; undefined when there is none',
  }),
  encryption: read<BucketEncryptionRule[] | undefined>({
    call: 'GetBucketEncryption',
    permissions: ['s3:GetEncryptionConfiguration'],
    description: "the default encryption's rules; undefined when none is configured (S3 then uses SSE-S3)",
  }),
  kmsKey: read<KmsKeyRead>({
    call: 'kms:DescribeKey (after GetBucketEncryption, only for SSE-KMS/DSSE-KMS with a key ARN)',
    permissions: ['kms:DescribeKey'],
    after: 'encryption',
    description:
      "the default key's manager (AWS or CUSTOMER) and state, asked in the key's own region (from its ARN)",
  }),
  kmsKeyPolicy: read<KmsKeyPolicyRead>({
    call: 'kms:GetKeyPolicy, policy name `default` (after GetBucketEncryption, as for kmsKey)',
    permissions: ['kms:GetKeyPolicy'],
    after: 'encryption',
    description: "the default key's key policy text (only readable in the key's own account)",
  }),
  requestPayment: read<string | undefined>({
    call: 'GetBucketRequestPayment',
    permissions: ['s3:GetBucketRequestPayment'],
    description: "who pays for requests: `BucketOwner` (S3's default) or `Requester`",
  }),
  versioning: read<string | undefined>({
    call: 'GetBucketVersioning',
    permissions: ['s3:GetBucketVersioning'],
    description: '`Enabled`, `Suspended`, or undefined when versioning was never turned on',
  }),
  objectLock: read<ObjectLockState | undefined>({
    call: 'GetObjectLockConfiguration',
    permissions: ['s3:GetBucketObjectLockConfiguration'],
    description: 'whether Object Lock is on, and its default retention; undefined when the bucket has none',
  }),
  hasObjects: read<boolean>({
    call: 'ListObjectsV2, MaxKeys 1',
    permissions: ['s3:ListBucket'],
    description: 'whether the bucket holds at least one object (setup asks before changing a full bucket)',
  }),
  newest: read<NewestObject | null>({
    call: 'ListObjectsV2, every page',
    permissions: ['s3:ListBucket'],
    description: 'the most recently written object; null when the bucket is empty',
  }),
} as const;

export type ReadKey = keyof typeof READS;
export type ReadValue<K extends ReadKey> = (typeof READS)[K] extends ReadSpec<infer T> ? T : never;
export const READ_KEYS = Object.keys(READS) as ReadKey[];

/**
 * How a read went. `denied`: AWS answered AccessDenied (a missing permission is reported, not fatal, so one
 * refusal does not hide the rest). `missing`: nothing was read — not requested, or the bucket vanished
 * between HeadBucket and the read. Any other failure (network, credentials) stops the run before judging.
 */
export type ReadResult<T> =
  | { status: 'ok'; value: T }
  | { status: 'denied'; permission: string }
  | { status: 'missing' };

export type ReadResults = { [K in ReadKey]?: ReadResult<ReadValue<K>> };
