/**
 * What we read about a bucket, as plain data. `undefined` means "not set" (e.g. no policy);
 * reads that were refused are recorded in `denied`, so checks can tell "absent" from "could not see".
 */
export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

export type BucketExistence = 'yours' | 'not-found' | 'forbidden' | 'exists-not-yours';

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
  /** Calls that answered AccessDenied, by S3 action name. */
  denied: string[];
}

export function normalizeLocation(constraint: string | undefined | null): string {
  if (!constraint) return 'us-east-1';
  if (constraint === 'EU') return 'eu-west-1';
  return constraint;
}
