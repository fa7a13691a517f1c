import type { PublicAccessBlock } from './bucket-state.js';
import { type Finding, finding, isUnreadable, type Unreadable } from './finding.js';
import { PolicyParseError, policyStatements, publicStatements, statementLabel } from './policy-eval.js';
import { VENDOR_ACCOUNT_ID } from './vendor.js';

/**
 * Bucket settings other than the policy that decide whether DataSync can deliver, each judged from the plain
 * value the matching S3 Get… call returns. `{ unreadable }` stands for a read that was refused.
 */

/** GetBucketRequestPayment's Payer: "BucketOwner" (S3's default) or "Requester". */
export function judgeRequestPayment(payer: string | undefined | Unreadable): Finding {
  if (isUnreadable(payer)) {
    return finding(
      'warn',
      `could not read the payment setting (${payer.unreadable}); your identity needs s3:GetBucketRequestPayment`,
    );
  }
  if (payer === 'Requester') {
    return finding(
      'fail',
      "Requester Pays is on: DataSync sends no x-amz-request-payer header, so S3 refuses every request of Prophecy's; switch the bucket back to BucketOwner pays",
      { payer },
    );
  }
  return finding('pass', 'the bucket owner pays for requests', { payer: payer ?? 'BucketOwner' });
}

export interface VersioningInput {
  /** GetBucketVersioning's Status: undefined when versioning was never turned on. */
  versioning?: 'Enabled' | 'Suspended' | string | undefined | Unreadable;
  /** GetObjectLockConfiguration: undefined when the bucket has no Object Lock. */
  objectLock?:
    | {
        enabled: boolean;
        /** The default retention, if any. */
        mode?: 'GOVERNANCE' | 'COMPLIANCE' | string | undefined;
        days?: number | undefined;
        years?: number | undefined;
      }
    | undefined
    | Unreadable;
}

/**
 * Versioning and Object Lock do not stop DataSync, but they change what its writes do: DataSync overwrites
 * and deletes objects in the destination, so each overwrite keeps the old version, each delete leaves a
 * delete marker, and with a default retention the locked versions cannot be overwritten or removed. All of
 * it is billed storage. Worth knowing, never a failure.
 */
export function judgeVersioning(input: VersioningInput): Finding {
  const notes: string[] = [];
  const unreadable: string[] = [];
  const v = input.versioning;
  if (isUnreadable(v)) unreadable.push(`versioning (${v.unreadable}; needs s3:GetBucketVersioning)`);
  else if (v === 'Enabled') {
    notes.push(
      'versioning is on: every object DataSync overwrites keeps its old version and every delete leaves a delete marker, all billed as storage (a lifecycle rule that expires noncurrent versions keeps it in check)',
    );
  } else if (v === 'Suspended') {
    notes.push('versioning is suspended: versions kept from before still cost storage');
  }
  const lock = input.objectLock;
  if (isUnreadable(lock)) {
    unreadable.push(`Object Lock (${lock.unreadable}; needs s3:GetBucketObjectLockConfiguration)`);
  } else if (lock?.enabled) {
    const period =
      lock.days !== undefined
        ? `${lock.days} days`
        : lock.years !== undefined
          ? `${lock.years} years`
          : undefined;
    notes.push(
      lock.mode && period
        ? `Object Lock is on with ${lock.mode} retention for ${period}: DataSync cannot overwrite or delete locked versions in that time (its task may report errors for them), and each one is billed until it expires`
        : 'Object Lock is on without a default retention: versions locked by other means cannot be overwritten or deleted by DataSync',
    );
  }
  const details = {
    versioning: isUnreadable(v) ? null : (v ?? null),
    objectLock: isUnreadable(lock) ? null : (lock ?? null),
  };
  if (notes.length > 0 || unreadable.length > 0) {
    const parts = [...notes];
    if (unreadable.length > 0) parts.push(`could not read ${unreadable.join(', ')}`);
    return finding('warn', parts.join('; '), details);
  }
  return finding('pass', 'versioning and Object Lock are off', details);
}

/**
 * With RestrictPublicBuckets on, a bucket whose policy S3 considers public is cut off from every principal
 * outside the bucket owner's account (AWS services aside), Prophecy's included — even though the vendor
 * statements themselves are not public.
 */
export function judgeRestrictPublicBuckets(
  publicAccessBlock: PublicAccessBlock | undefined,
  policyText: string | undefined,
): Finding {
  if (!publicAccessBlock?.RestrictPublicBuckets) {
    return finding('pass', 'RestrictPublicBuckets is off, so a public statement does not cut off Prophecy');
  }
  if (policyText === undefined || policyText.trim() === '') {
    return finding('pass', 'RestrictPublicBuckets is on and the bucket has no policy');
  }
  let open: ReturnType<typeof publicStatements>;
  try {
    open = publicStatements(policyStatements(policyText));
  } catch (err) {
    if (err instanceof PolicyParseError) {
      return finding('warn', `not checked: the bucket policy cannot be read (${err.message})`);
    }
    throw err;
  }
  if (open.length === 0) {
    return finding('pass', 'RestrictPublicBuckets is on and no statement is public');
  }
  const list = open.map((p) => `statement ${statementLabel(p)} (${p.reason})`).join(', ');
  return finding(
    'fail',
    `RestrictPublicBuckets is on while ${list} makes the policy public: S3 then refuses every other account, Prophecy's included; remove or restrict the public statement`,
    { public: open },
  );
}

/**
 * Said once in the human output and the JSON: what the bucket owner's credentials cannot see. Service
 * control policies and resource control policies live in the organization's management account; a member
 * account can neither list them nor evaluate them, yet an RCP on S3 or KMS applies to Prophecy's requests.
 */
export const ORGANIZATION_GUARDRAILS_NOTE = `Not visible from this account: your organization's service control policies (SCPs) and resource control policies (RCPs). An RCP that limits S3 or KMS to your organization's principals blocks Prophecy too, whatever the bucket and key policies say; ask your AWS organization's administrators whether one applies to this bucket and, if so, to add an exception for Prophecy's account ${VENDOR_ACCOUNT_ID}.`;
