import type { Operator } from '../../aws/operations.js';
import type { Context } from '../../context.js';
import { keyRegion } from '../../core/kms-arn.js';
import { generatePolicy, renderPolicy, type VendorPrincipals } from '../../core/policy.js';
import { ExitCode, UsageError } from '../../errors.js';
import { paint } from '../../ui/color.js';
import { resolveBucket, resolvePrincipals } from '../shared/input.js';
import type { PolicyPrintFlags } from './flags.js';

export interface PolicyPrintInput {
  bucket: string;
  principals: VendorPrincipals;
  /** --operator: print this command's identity policy instead of the bucket policy. */
  operator?: { command: Operator; kmsKeyArn: string | undefined } | undefined;
}

export function parse(flags: PolicyPrintFlags, ctx: Context): PolicyPrintInput {
  const input: PolicyPrintInput = {
    bucket: resolveBucket(flags, ctx).bucket,
    principals: resolvePrincipals(flags),
  };
  if (flags.operator === undefined) {
    if (flags.kmsKeyArn !== undefined) {
      throw new UsageError(
        '--kms-key-arn only applies with --operator.',
        'Example: prophecy-audit policy print --suffix acme --operator verify --kms-key-arn arn:aws:kms:us-east-1:111122223333:key/…',
      );
    }
    return input;
  }
  if (flags.kmsKeyArn !== undefined && keyRegion(flags.kmsKeyArn) === undefined) {
    throw new UsageError(
      `--kms-key-arn "${flags.kmsKeyArn}" is not a KMS key ARN.`,
      'Expected arn:aws:kms:<region>:<12-digit account>:key/<key id> (an alias is not a key ARN).',
    );
  }
  return { ...input, operator: { command: flags.operator, kmsKeyArn: flags.kmsKeyArn } };
}

export async function run(ctx: Context, input: PolicyPrintInput): Promise<number> {
  if (!input.operator) {
    ctx.stdout.write(renderPolicy(generatePolicy(input.bucket, input.principals)));
    return ExitCode.ok;
  }
  const { command, kmsKeyArn } = input.operator;
  // The operations table is only needed for --operator: plain `policy print` stays as light as --help.
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
