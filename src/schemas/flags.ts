import { z } from 'zod';
import { checkBucketName, checkSuffix } from '../core/bucket-name.js';
import { DEFAULT_PRINCIPALS, type VendorPrincipals } from '../core/policy.js';
import { PRINCIPAL_ARN } from '../core/principal.js';

/**
 * The rules of the flags several commands share, with their command-line wording: one place, whether a
 * command reads them with zod (setup's flag schema) or directly (src/commands/shared/input.ts).
 */

export type BucketFromFlags =
  | { ok: true; bucket: string | undefined; warnings: string[] }
  | { ok: false; message: string };

/** --suffix or --bucket, at most one, by the naming rules; `bucket` is undefined when neither is given. */
export function bucketFromFlags(flags: {
  suffix?: string | undefined;
  bucket?: string | undefined;
}): BucketFromFlags {
  if (flags.suffix !== undefined && flags.bucket !== undefined) {
    return { ok: false, message: 'Give either --suffix or --bucket, not both.' };
  }
  if (flags.suffix === undefined && flags.bucket === undefined) {
    return { ok: true, bucket: undefined, warnings: [] };
  }
  const check =
    flags.suffix !== undefined ? checkSuffix(flags.suffix) : checkBucketName(flags.bucket as string);
  if (!check.ok) {
    return {
      ok: false,
      message: `Invalid ${flags.suffix !== undefined ? '--suffix' : '--bucket'} [${check.rule}]: ${check.message}`,
    };
  }
  return { ok: true, bucket: check.bucket, warnings: check.warnings };
}

export const principalArnSchema = z
  .string()
  .regex(PRINCIPAL_ARN, 'expected arn:aws:iam::<12-digit account>:role/<name> or :user/<name>');

export const PRINCIPAL_FLAGS = {
  datasyncRoleArn: '--datasync-role-arn',
  locationUserArn: '--location-user-arn',
} as const satisfies Record<keyof VendorPrincipals, string>;

export type PrincipalFlagValues = { [K in keyof VendorPrincipals]?: string | undefined };

export type PrincipalsFromFlags =
  | { ok: true; principals: VendorPrincipals; overridden: (keyof VendorPrincipals)[] }
  | { ok: false; message: string; hint: string };

/** The principals the flags name (Prophecy's defaults for the others), or the first flag that is no role/user ARN. */
export function principalsFromFlags(flags: PrincipalFlagValues): PrincipalsFromFlags {
  const principals: VendorPrincipals = { ...DEFAULT_PRINCIPALS };
  const overridden: (keyof VendorPrincipals)[] = [];
  for (const key of ['datasyncRoleArn', 'locationUserArn'] as const) {
    const value = flags[key];
    if (value === undefined) continue;
    if (!principalArnSchema.safeParse(value).success) {
      return {
        ok: false,
        message: `${PRINCIPAL_FLAGS[key]} "${value}" is not an IAM role or user ARN.`,
        hint: 'Expected arn:aws:iam::<12-digit account>:role/<name> or :user/<name>, as Prophecy gave it to you.',
      };
    }
    principals[key] = value;
    overridden.push(key);
  }
  return { ok: true, principals, overridden };
}
