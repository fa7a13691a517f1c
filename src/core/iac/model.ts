/**
 * What both IaC renderers share: which bucket, which principals, and the policy they embed. The policy is
 * `generatePolicy`'s — the one `policy print` writes — with only the Version changed (see IAC_POLICY_VERSION).
 */
import { bucketForSuffix } from '../bucket-name.js';
import { generateKmsStatement } from '../kms.js';
import { DEFAULT_PRINCIPALS, generatePolicy, type PolicyDocument, type VendorPrincipals } from '../policy.js';
import { KMS_SID } from '../vendor.js';

/**
 * Templates use 2012-10-17 because linters (cfn-lint among them) warn on the vendor page's 2008-10-17.
 * The two versions differ only in policy variables (`${aws:username}` and the like), which this policy
 * does not use, so for this policy they are equivalent.
 */
export const IAC_POLICY_VERSION = '2012-10-17';

export const IAC_VERSION_NOTE =
  'Version 2012-10-17: the vendor page writes 2008-10-17; the two differ only in policy variables, which this policy does not use, so for this policy they are equivalent.';

export interface IacOptions {
  /** The bucket is prophecy-customer-backend-events-<suffix>; give this or `bucket`, not both. */
  suffix?: string | undefined;
  /** A full bucket name, for a bucket that does not follow the naming scheme. */
  bucket?: string | undefined;
  region: string;
  principals?: VendorPrincipals | undefined;
  /** Only the bucket policy (for a bucket that already exists in the user's code). */
  policyOnly?: boolean | undefined;
  /** A customer-managed KMS key encrypting the bucket: also emit the key-policy statement to merge. */
  kmsKeyArn?: string | undefined;
}

export type IacTarget =
  | { kind: 'suffix'; suffix: string; bucket: string }
  | { kind: 'bucket'; bucket: string };

/** Which bucket the options name; throws unless exactly one of suffix and bucket is given. */
export function iacTarget(options: IacOptions): IacTarget {
  const { suffix, bucket } = options;
  if (suffix !== undefined && bucket !== undefined)
    throw new Error('give either a suffix or a bucket, not both');
  if (suffix !== undefined) return { kind: 'suffix', suffix, bucket: bucketForSuffix(suffix) };
  if (bucket !== undefined) return { kind: 'bucket', bucket };
  throw new Error('a suffix or a bucket is required');
}

/** The policy the templates embed: `generatePolicy`'s, Version 2012-10-17. */
export function iacPolicy(bucket: string, principals: VendorPrincipals = DEFAULT_PRINCIPALS): PolicyDocument {
  return { ...generatePolicy(bucket, principals), Version: IAC_POLICY_VERSION };
}

export { KMS_SID };

/**
 * The statement a customer-managed key's policy needs so DataSync's role can read and write objects
 * encrypted with it, only through S3 in the bucket's region.
 * (Local stand-in: replaced by the shared KMS statement generator when the branches merge.)
 */
/** The key-policy statement, from the one generator `setup --update-key-policy` and `policy print --kms-statement` use. */
export const kmsStatementFor = generateKmsStatement;

/** `x` or `[x, y]` → `[x]` / `[x, y]`. */
export function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
