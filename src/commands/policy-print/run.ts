import type { Context } from '../../context.js';
import { generatePolicy, renderPolicy, type VendorPrincipals } from '../../core/policy.js';
import { ExitCode } from '../../errors.js';
import { resolveBucket, resolvePrincipals } from '../shared/input.js';
import type { PolicyPrintFlags } from './flags.js';

export interface PolicyPrintInput {
  bucket: string;
  principals: VendorPrincipals;
}

export function parse(flags: PolicyPrintFlags, ctx: Context): PolicyPrintInput {
  return { bucket: resolveBucket(flags, ctx).bucket, principals: resolvePrincipals(flags) };
}

export async function run(ctx: Context, input: PolicyPrintInput): Promise<number> {
  ctx.stdout.write(renderPolicy(generatePolicy(input.bucket, input.principals)));
  return ExitCode.ok;
}
