import { PutBucketPolicyCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { describe, expect, inject, it } from 'vitest';
import { generatePolicy } from '../../src/core/policy.js';
import { verifyResultSchema } from '../../src/schemas/verify.js';
import { ADMIN, customerKey, PROPHECY_KMS, ROLE, vendorBucket } from '../helpers/kms-buckets.js';
import { runCli } from '../helpers/run-cli.js';

/*
 * The buckets of issue 11's table, made with the SDK against moto, each with its passing counterpart: verify
 * must exit 1 naming the reason and the fix where Prophecy's DataSync cannot deliver, and 0 where it can.
 * (Requester Pays, disabled keys and the AWS managed key's KeyManager are not reproducible in moto 5.2 —
 * GetBucketRequestPayment ignores the setting, DisableKey answers 500, alias/aws/s3 describes as CUSTOMER —
 * so those paths are covered in test/unit/checks-verify.test.ts and setup-run.test.ts with fake clients.)
 */

const endpoint = inject('motoEndpoint');

const guardrail = (bucket: string, sid: string, condition: Record<string, unknown>) => ({
  Sid: sid,
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
  Condition: condition,
});

function verify(suffix: string, ...args: string[]) {
  return runCli(['verify', '--suffix', suffix, ...args], { endpoint });
}

function line(stdout: string, id: string): string {
  return stdout.split('\n').find((l) => new RegExp(`^. ${id} `).test(l)) ?? '';
}

describe('verify: can Prophecy actually deliver? (CLI against moto)', () => {
  it('org-id guardrail: exit 1 naming statement and key, with the exception to add; with the exception: exit 0', async () => {
    const blocked = await vendorBucket(endpoint, 'vorg');
    const deny = guardrail(blocked.bucket, 'OrgOnly', {
      StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
    });
    const policy = generatePolicy(blocked.bucket) as unknown as { Statement: unknown[] };
    policy.Statement.push(deny);
    await blocked.s3.send(
      new PutBucketPolicyCommand({ Bucket: blocked.bucket, Policy: JSON.stringify(policy) }),
    );

    const r = await verify(blocked.suffix);
    expect(r.code).toBe(1);
    expect(line(r.stdout, 'policy')).toContain(
      `Deny "OrgOnly": aws:PrincipalOrgID is not the customer's org for Prophecy's role`,
    );
    expect(line(r.stdout, 'policy')).toContain(
      'fix: keep statement "OrgOnly" and add an exception for Prophecy',
    );
    expect(r.stdout).toContain('"StringNotEqualsIfExists": {');
    expect(r.stdout).toContain('"aws:PrincipalAccount": [');
    expect(r.stdout).toMatch(
      /Note: Not visible from this account: your organization's service control policies/,
    );

    const json = verifyResultSchema.parse(JSON.parse((await verify(blocked.suffix, '--json')).stdout));
    expect(json.ok).toBe(false);
    expect(json.organizationGuardrails).toMatch(/resource control policies/);
    const details = json.checks.find((c) => c.id === 'policy')?.details as { fixes: { fixed: unknown }[] };
    const fixed = details.fixes[0]?.fixed;

    // The passing counterpart: the very statement the fix printed.
    const fixedPolicy = generatePolicy(blocked.bucket) as unknown as { Statement: unknown[] };
    fixedPolicy.Statement.push(fixed);
    await blocked.s3.send(
      new PutBucketPolicyCommand({ Bucket: blocked.bucket, Policy: JSON.stringify(fixedPolicy) }),
    );
    const ok = await verify(blocked.suffix);
    expect(ok.code, ok.stdout).toBe(0);
    expect(line(ok.stdout, 'policy')).toMatch(
      /^✔ policy +all 11 required grants are allowed for Prophecy's requests/,
    );
  });

  it('VPC endpoint guardrail: exit 1 naming the key; with an ArnNotLikeIfExists exception for both principals: exit 0', async () => {
    const b = await vendorBucket(endpoint, 'vvpce');
    const write = async (condition: Record<string, unknown>) => {
      const policy = generatePolicy(b.bucket) as unknown as { Statement: unknown[] };
      policy.Statement.push(guardrail(b.bucket, 'VpceOnly', condition));
      await b.s3.send(new PutBucketPolicyCommand({ Bucket: b.bucket, Policy: JSON.stringify(policy) }));
    };
    await write({ StringNotEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } });
    const r = await verify(b.suffix);
    expect(r.code).toBe(1);
    expect(line(r.stdout, 'policy')).toContain(
      `Deny "VpceOnly": aws:SourceVpce is not the customer's VPC endpoint (DataSync does not come through it) for Prophecy's role`,
    );
    expect(r.stdout).toContain('Statement "VpceOnly" blocks Prophecy.');

    await write({
      StringNotEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' },
      ArnNotLikeIfExists: { 'aws:PrincipalArn': [ROLE, 'arn:aws:iam::133450206866:user/s3access'] },
    });
    const ok = await verify(b.suffix);
    expect(ok.code, ok.stdout).toBe(0);
  });

  it('customer managed key without Prophecy in its key policy: exit 1 naming the actions and the statement; with it: exit 0 and the key ARN shown', async () => {
    const bare = await customerKey(endpoint, [ADMIN]);
    const b = await vendorBucket(endpoint, 'vcmk', {
      encryption: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: bare },
    });
    const r = await verify(b.suffix);
    expect(r.code).toBe(1);
    expect(line(r.stdout, 'encryption')).toMatch(
      /^✖ encryption +the key policy of arn:aws:kms:us-east-1:123456789012:key\/\S+ does not let Prophecy's role use the key for kms:Encrypt, kms:Decrypt, kms:ReEncrypt\*, kms:GenerateDataKey\*/,
    );
    expect(line(r.stdout, 'encryption')).toContain(
      'add statement "ProphecyDataSyncKmsAccess" (setup --update-key-policy)',
    );
    expect(r.stdout).toContain(`Add this statement to the key policy of ${bare}`);
    expect(r.stdout).toContain('"kms:ViaService": "s3.us-east-1.amazonaws.com"');

    const granted = await customerKey(endpoint, [ADMIN, PROPHECY_KMS]);
    const good = await vendorBucket(endpoint, 'vcmkok', {
      encryption: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: granted },
    });
    const ok = await verify(good.suffix, '--json');
    expect(ok.code, ok.stdout).toBe(0);
    const enc = verifyResultSchema.parse(JSON.parse(ok.stdout)).checks.find((c) => c.id === 'encryption');
    expect(enc?.status).toBe('pass');
    expect(enc?.message).toContain(granted);
    expect(enc?.details).toMatchObject({ keyArn: granted });
  });

  it.each([
    ['aws:kms with no key id', undefined],
    ['alias/aws/s3', 'alias/aws/s3'],
  ])('the AWS managed key (%s): exit 1 with the fix; SSE-S3 counterpart: exit 0', async (_name, keyId) => {
    const b = await vendorBucket(endpoint, 'vaws', {
      encryption: { SSEAlgorithm: 'aws:kms', ...(keyId ? { KMSMasterKeyID: keyId } : {}) },
    });
    const r = await verify(b.suffix);
    expect(r.code).toBe(1);
    expect(line(r.stdout, 'encryption')).toMatch(
      /^✖ encryption +default encryption uses the AWS managed key aws\/s3, which another account can never use, so Prophecy's uploads fail; use SSE-S3 \(AES256\) or a customer managed key/,
    );

    const s3only = await vendorBucket(endpoint, 'vsses3', { encryption: { SSEAlgorithm: 'AES256' } });
    const ok = await verify(s3only.suffix);
    expect(ok.code, ok.stdout).toBe(0);
    expect(line(ok.stdout, 'encryption')).toMatch(/^✔ encryption +SSE-S3 \(AES256\)/);
  });

  it('versioning on warns (exit 0) with what it means for DataSync; --strict fails', async () => {
    const b = await vendorBucket(endpoint, 'vver');
    await b.s3.send(
      new PutBucketVersioningCommand({ Bucket: b.bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const r = await verify(b.suffix);
    expect(r.code).toBe(0);
    expect(line(r.stdout, 'versioning')).toMatch(
      /^⚠ versioning +versioning is on: every object DataSync overwrites keeps its old version/,
    );
    expect((await verify(b.suffix, '--strict')).code).toBe(1);
  });
});
