import type { Context } from '../../context.js';
import type { VendorPrincipals } from '../../core/policy.js';
import { terminalSafe } from '../../core/sanitize.js';
import { UsageError } from '../../errors.js';
import { bucketFromFlags, principalsFromFlags } from '../../schemas/flags.js';
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

/** Warnings about the input (an unusual bucket name), on stderr, before anything else happens. */
export function showWarnings(ctx: Pick<Context, 'stderr'>, warnings: readonly string[]): void {
  for (const w of warnings)
    ctx.stderr.write(`${paint(ctx.stderr).yellow('Warning:')} ${terminalSafe(w, { newlines: true })}\n`);
}

/** --suffix or --bucket, exactly one, validated by the naming rules; warnings go to stderr. */
export function resolveBucket(
  opts: BucketFlags,
  ctx: Pick<Context, 'stderr'>,
  { required = true } = {},
): ResolvedBucket {
  const named = bucketFromFlags(opts);
  if (!named.ok) throw new UsageError(named.message);
  if (named.bucket === undefined) {
    if (!required) return { bucket: '', warnings: [] };
    throw new UsageError(
      'Missing bucket.',
      'Pass --suffix <suffix> (bucket prophecy-customer-backend-events-<suffix>) or --bucket <name>.',
    );
  }
  showWarnings(ctx, named.warnings);
  return { bucket: named.bucket, warnings: named.warnings };
}

/** --datasync-role-arn / --location-user-arn, checked by the one rule in src/schemas/principals.ts. */
export function resolvePrincipals(opts: PrincipalFlags): VendorPrincipals {
  const named = principalsFromFlags(opts);
  if (!named.ok) throw new UsageError(named.message, named.hint);
  return named.principals;
}
