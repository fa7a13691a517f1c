/** S3's four Block Public Access settings. */
export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

export type BucketExistence = 'yours' | 'not-found' | 'forbidden' | 'exists-not-yours';

/**
 * What we read about a bucket, as plain data. `undefined` means "not set" (e.g. no policy);
 * reads that were refused are recorded in `denied`, so checks can tell "absent" from "could not see".
 */
export interface BucketState {
  bucket: string;
  existence: BucketExistence;
  /** Normalized: S3's empty/null LocationConstraint becomes us-east-1, legacy "EU" becomes eu-west-1. */
  region?: string | undefined;
  objectOwnership?: string | undefined;
  publicAccessBlock?: PublicAccessBlock | undefined;
  /** The policy text exactly as S3 returned it. */
  policyText?: string | undefined;
  /** Whether the bucket holds at least one object (only read when asked). */
  hasObjects?: boolean | undefined;
  /** Reads that answered AccessDenied, by the IAM permission they need (e.g. s3:GetBucketPolicy). */
  denied: string[];
}

/** GetBucketLocation's LocationConstraint → a region code. */
export function normalizeLocation(constraint: string | undefined | null): string {
  if (!constraint) return 'us-east-1';
  if (constraint === 'EU') return 'eu-west-1';
  return constraint;
}

/** HeadBucket's answer: 200, 404, or 403. */
export type HeadStatus = 'found' | 'not-found' | 'forbidden';

/**
 * HeadBucket's answer (and, when asked, whether ListBuckets lists the bucket as the caller's) → whose bucket
 * it is. The one place that mapping lives: setup asks ListBuckets too, verify does not (`owned` undefined).
 */
export function bucketExistence(head: HeadStatus, owned?: boolean | undefined): BucketExistence {
  if (head === 'not-found') return 'not-found';
  if (owned === false) return 'exists-not-yours';
  if (head === 'forbidden') return 'forbidden';
  return 'yours';
}
