import { describe, expect, it } from 'vitest';
import type { ExportFlags } from '../../src/commands/export/flags.js';
import { parse, run } from '../../src/commands/export/run.js';
import { renderCloudFormation } from '../../src/core/iac/cloudformation.js';
import { renderTerraform } from '../../src/core/iac/terraform.js';
import { UsageError } from '../../src/errors.js';
import { fakeContext } from '../helpers/fake-context.js';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ROLE = 'arn:aws:iam::111122223333:role/Other';

async function exportWith(flags: Partial<ExportFlags>) {
  const f = fakeContext();
  const code = await run(f.ctx, parse({ format: 'terraform', ...flags } as ExportFlags, f.ctx));
  expect(f.awsSettings).toEqual([]);
  return { code, stdout: f.stdout(), stderr: f.stderr() };
}

describe('export', () => {
  it('prints the Terraform renderer’s file for a suffix, on stdout only', async () => {
    const r = await exportWith({ format: 'terraform', suffix: 'acme' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(renderTerraform({ suffix: 'acme', region: 'us-east-1' }));
    expect(r.stderr).toBe('');
  });

  it('passes every option to the CloudFormation renderer', async () => {
    const r = await exportWith({
      format: 'cloudformation',
      bucket: 'prophecy-customer-backend-events-acme',
      region: 'eu-west-1',
      datasyncRoleArn: ROLE,
      policyOnly: true,
      kmsKeyArn: KEY,
    });
    expect(r.stdout).toBe(
      renderCloudFormation({
        bucket: 'prophecy-customer-backend-events-acme',
        region: 'eu-west-1',
        principals: {
          datasyncRoleArn: ROLE,
          locationUserArn: 'arn:aws:iam::133450206866:user/s3access',
        },
        policyOnly: true,
        kmsKeyArn: KEY,
      }),
    );
  });

  it('warns on stderr about a bucket name without the vendor prefix, like policy print', async () => {
    const r = await exportWith({ format: 'terraform', bucket: 'acme-audit', policyOnly: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/does not start with "prophecy-customer-backend-events-"/);
    expect(r.stdout).toContain('bucket = "acme-audit"');
  });

  it.each([
    [{}, /Missing bucket/],
    [{ suffix: 'acme', bucket: 'x-bucket' }, /either --suffix or --bucket, not both/],
    [{ suffix: 'Acme' }, /\[lowercase\]/],
    [{ suffix: 'acme', datasyncRoleArn: 'role/x' }, /is not an IAM role or user ARN/],
    [{ suffix: 'acme', region: 'mars-north-1' }, /--region "mars-north-1" is not an AWS region/],
    [{ suffix: 'acme', kmsKeyArn: 'alias/aws/s3' }, /--kms-key-arn "alias\/aws\/s3" is not a KMS key ARN/],
    [{ suffix: 'acme', kmsKeyArn: KEY }, /a key in eu-west-1, but the bucket is in us-east-1/],
  ])('refuses %j with a usage error (exit 2) before printing anything', (flags, message) => {
    const f = fakeContext();
    const call = () => parse({ format: 'terraform', ...flags } as ExportFlags, f.ctx);
    expect(call).toThrow(UsageError);
    expect(call).toThrow(message);
    expect(f.stdout()).toBe('');
  });
});
