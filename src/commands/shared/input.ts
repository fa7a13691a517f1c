import type { Context } from '../../context.js';
import { checkBucketName, checkSuffix } from '../../core/bucket-name.js';
import { DEFAULT_PRINCIPALS, type VendorPrincipals } from '../../core/policy.js';
import { isPrincipalArn } from '../../core/principal.js';
import { UsageError } from '../../errors.js';
import { paint } from '../../ui/color.js';

export interface BucketFlags {
  suffix?: string | undefined;
  bucket?: string | undefined;
}

export interface PrincipalFlags {
  datasyncRoleArn?: string | undefined;
  locationUserArn?: string | undefined;
}

export interface ResolvedBucket {
  bucket: string;
  warnings: string[];
}

/** --suffix or --bucket, exactly one, validated by the naming rules; warnings go to stderr. */
export function resolveBucket(
  opts: BucketFlags,
  ctx: Pick<Context, 'stderr'>,
  { required = true } = {},
): ResolvedBucket {
  if (opts.suffix !== undefined && opts.bucket !== undefined) {
    throw new UsageError('Give either --suffix or --bucket, not both.');
  }
  if (opts.suffix === undefined && opts.bucket === undefined) {
    if (!required) return { bucket: '', warnings: [] };
    throw new UsageError(
      'Missing bucket.',
      'Pass --suffix <suffix> (bucket prophecy-customer-backend-events-<suffix>) or --bucket <name>.',
    );
  }
  const check = opts.suffix !== undefined ? checkSuffix(opts.suffix) : checkBucketName(opts.bucket as string);
  if (!check.ok)
    throw new UsageError(
      `Invalid ${opts.suffix !== undefined ? '--suffix' : '--bucket'} [${check.rule}]: ${check.message}`,
    );
  for (const w of check.warnings) ctx.stderr.write(`${paint(ctx.stderr).yellow('Warning:')} ${w}\n`);
  return { bucket: check.bucket, warnings: check.warnings };
}

function checkPrincipalArn(flag: string, value: string): string {
  if (!isPrincipalArn(value)) {
    throw new UsageError(
      `${flag} "${value}" is not an IAM role or user ARN.`,
      'Expected arn:aws:iam::<12-digit account>:role/<name> or :user/<name>, as Prophecy gave it to you.',
    );
  }
  return value;
}

export function resolvePrincipals(opts: PrincipalFlags): VendorPrincipals {
  return {
    datasyncRoleArn:
      opts.datasyncRoleArn === undefined
        ? DEFAULT_PRINCIPALS.datasyncRoleArn
        : checkPrincipalArn('--datasync-role-arn', opts.datasyncRoleArn),
    locationUserArn:
      opts.locationUserArn === undefined
        ? DEFAULT_PRINCIPALS.locationUserArn
        : checkPrincipalArn('--location-user-arn', opts.locationUserArn),
  };
}
