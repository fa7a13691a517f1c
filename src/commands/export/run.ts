import type { Context } from '../../context.js';
import { renderCloudFormation } from '../../core/iac/cloudformation.js';
import type { IacOptions } from '../../core/iac/model.js';
import { renderTerraform } from '../../core/iac/terraform.js';
import { keyRegion } from '../../core/kms.js';
import { isKnownRegion } from '../../core/regions.js';
import { DEFAULT_REGION } from '../../core/vendor.js';
import { ExitCode, UsageError } from '../../errors.js';
import { resolveBucket, resolvePrincipals } from '../shared/input.js';
import type { ExportFlags, ExportFormat } from './flags.js';

export interface ExportInput {
  format: ExportFormat;
  options: IacOptions;
}

/** The bucket by the same rules as `policy print`; the region and key ARN checked before anything prints. */
export function parse(flags: ExportFlags, ctx: Context): ExportInput {
  const { bucket } = resolveBucket(flags, ctx);
  const principals = resolvePrincipals(flags);
  const region = flags.region ?? DEFAULT_REGION;
  if (!isKnownRegion(region)) {
    throw new UsageError(
      `--region "${region}" is not an AWS region this tool knows (commercial regions only, e.g. us-east-1, eu-west-1).`,
    );
  }
  const kmsKeyArn = flags.kmsKeyArn;
  if (kmsKeyArn !== undefined) {
    const keyAt = keyRegion(kmsKeyArn);
    if (keyAt === undefined) {
      throw new UsageError(
        `--kms-key-arn "${kmsKeyArn}" is not a KMS key ARN.`,
        "Expected arn:aws:kms:<region>:<account>:key/<key id> (a full key ARN: an alias or a bare key id is resolved in the requester's account, not yours).",
      );
    }
    if (keyAt !== region) {
      throw new UsageError(
        `--kms-key-arn is a key in ${keyAt}, but the bucket is in ${region}: S3 can only encrypt with a key in the bucket's region.`,
        `Pass --region ${keyAt}, or the ARN of a key in ${region}.`,
      );
    }
  }
  return {
    format: flags.format,
    options: {
      // The suffix is kept as such, so the templates take it as a variable / parameter.
      ...(flags.suffix !== undefined ? { suffix: flags.suffix } : { bucket }),
      region,
      principals,
      policyOnly: flags.policyOnly === true,
      kmsKeyArn,
    },
  };
}

export async function run(ctx: Context, input: ExportInput): Promise<number> {
  const text =
    input.format === 'terraform' ? renderTerraform(input.options) : renderCloudFormation(input.options);
  ctx.stdout.write(text);
  return ExitCode.ok;
}
