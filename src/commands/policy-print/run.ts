import type { Context } from '../../context.js';
import { renderKmsStatement } from '../../core/kms.js';
import { generatePolicy, renderPolicy, type VendorPrincipals } from '../../core/policy.js';
import { isKnownRegion } from '../../core/regions.js';
import { DEFAULT_REGION } from '../../core/vendor.js';
import { ExitCode, UsageError } from '../../errors.js';
import { resolveBucket, resolvePrincipals } from '../shared/input.js';
import type { PolicyPrintFlags } from './flags.js';

export type PolicyPrintInput =
  | { kind: 'bucket-policy'; bucket: string; principals: VendorPrincipals }
  | { kind: 'kms-statement'; region: string; principals: VendorPrincipals };

export function parse(flags: PolicyPrintFlags, ctx: Context): PolicyPrintInput {
  if (flags.kmsStatement) {
    // The statement names no bucket; --suffix/--bucket are checked when given, for the same command line.
    resolveBucket(flags, ctx, { required: false });
    const region = flags.region ?? DEFAULT_REGION;
    if (!isKnownRegion(region)) {
      throw new UsageError(
        `Invalid --region: "${region}" is not an AWS region this tool knows (commercial regions only, e.g. us-east-1, eu-west-1).`,
        "Pass the bucket's region, e.g. --region us-east-1.",
      );
    }
    return { kind: 'kms-statement', region, principals: resolvePrincipals(flags) };
  }
  if (flags.region !== undefined) {
    throw new UsageError('--region goes with --kms-statement only.', 'The bucket policy names no region.');
  }
  return {
    kind: 'bucket-policy',
    bucket: resolveBucket(flags, ctx).bucket,
    principals: resolvePrincipals(flags),
  };
}

export async function run(ctx: Context, input: PolicyPrintInput): Promise<number> {
  ctx.stdout.write(
    input.kind === 'kms-statement'
      ? renderKmsStatement(input.principals, input.region)
      : renderPolicy(generatePolicy(input.bucket, input.principals)),
  );
  return ExitCode.ok;
}
