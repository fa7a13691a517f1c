import type { BucketExistence, PublicAccessBlock } from '../bucket-state.js';

/**
 * What verify's checks may read about a bucket, by name. A check declares the keys it reads; verify performs
 * exactly the union of the selected checks' reads (src/aws/bucket-read.ts maps each key to one function).
 * Each entry says which AWS call answers it and which IAM permission the caller needs, for the messages
 * and for docs/checks.md.
 */

import type { NewestObject } from '../objects.js';

export type { NewestObject };

/** A read's value type travels with its catalogue entry (a phantom field, never set at run time). */
export interface ReadSpec<T> {
  /** The AWS API call(s) that answer it. */
  call: string;
  /** The IAM permission(s) the caller needs; a refused read is reported with the first. */
  permissions: readonly [string, ...string[]];
  /** Sent without ExpectedBucketOwner, before the caller's account is known (only HeadBucket). */
  beforeIdentity?: boolean;
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
