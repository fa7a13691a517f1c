import type { Operator } from '../../aws/operations.js';
import type { Context } from '../../context.js';
import { keyRegion } from '../../core/kms-arn.js';
import { generatePolicy, renderPolicy, type VendorPrincipals } from '../../core/policy.js';
import { isKnownRegion } from '../../core/regions.js';
import { DEFAULT_REGION } from '../../core/vendor.js';
import { ExitCode, UsageError } from '../../errors.js';
import { paint } from '../../ui/color.js';
import { resolveBucket, resolvePrincipals } from '../shared/input.js';
import type { PolicyPrintFlags } from './flags.js';

export type PolicyPrintInput =
  | { kind: 'bucket-policy'; bucket: string; principals: VendorPrincipals }
  | { kind: 'kms-statement'; region: string; principals: VendorPrincipals }
  /** --operator: this command's identity policy instead of the bucket policy. */
  | { kind: 'operator'; bucket: string; command: Operator; kmsKeyArn: string | undefined };

export function parse(flags: PolicyPrintFlags, ctx: Context): PolicyPrintInput {
  if (flags.kmsStatement && flags.operator !== undefined) {
    throw new UsageError('Give either --kms-statement or --operator, not both.');
  }
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
  const bucket = resolveBucket(flags, ctx).bucket;
  const principals = resolvePrincipals(flags);
  if (flags.operator === undefined) {
    if (flags.kmsKeyArn !== undefined) {
      throw new UsageError(
        '--kms-key-arn only applies with --operator.',
        'Example: prophecy-audit policy print --suffix acme --operator verify --kms-key-arn arn:aws:kms:us-east-1:111122223333:key/…',
      );
    }
    return { kind: 'bucket-policy', bucket, principals };
  }
  if (flags.kmsKeyArn !== undefined && keyRegion(flags.kmsKeyArn) === undefined) {
    throw new UsageError(
      `--kms-key-arn "${flags.kmsKeyArn}" is not a KMS key ARN.`,
      'Expected arn:aws:kms:<region>:<12-digit account>:key/<key id> (an alias is not a key ARN).',
    );
  }
  return { kind: 'operator', bucket, command: flags.operator, kmsKeyArn: flags.kmsKeyArn };
}

export async function run(ctx: Context, input: PolicyPrintInput): Promise<number> {
  if (input.kind === 'bucket-policy') {
    ctx.stdout.write(renderPolicy(generatePolicy(input.bucket, input.principals)));
    return ExitCode.ok;
  }
  // The KMS statement and the operations table are loaded only when asked for: plain `policy print` stays
  // as light as --help.
  if (input.kind === 'kms-statement') {
    const { renderKmsStatement } = await import('../../core/kms-judge.js');
    ctx.stdout.write(renderKmsStatement(input.principals, input.region));
    return ExitCode.ok;
  }
  const { command, kmsKeyArn } = input;
  const { operatorPolicy } = await import('../../aws/permissions.js');
  const { policy, omitted } = operatorPolicy(command, { bucket: input.bucket, kmsKeyArn });
  ctx.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
  if (omitted.length) {
    ctx.stderr.write(
      `${paint(ctx.stderr).yellow('Note:')} left out ${omitted.join(', ')}: ${command} needs them on the bucket's KMS key only when a customer-managed key encrypts the bucket. Pass --kms-key-arn <arn> to include them.\n`,
    );
  }
  return ExitCode.ok;
}
