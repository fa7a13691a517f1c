import { z } from 'zod';
import { DEFAULT_PRINCIPALS, type VendorPrincipals } from '../core/policy.js';

/**
 * Prophecy's principals as flags give them: one pattern, one wording, for every command that takes
 * --datasync-role-arn / --location-user-arn.
 */
export const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

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
