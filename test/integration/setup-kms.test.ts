import { stripVTControlCharacters as plainText } from 'node:util';
import { DeleteBucketPolicyCommand, GetBucketPolicyCommand } from '@aws-sdk/client-s3';
import { describe, expect, inject, it } from 'vitest';
import { setupResultDocumentSchema } from '../../src/schemas/setup.js';
import { ADMIN, customerKey, keyPolicyOf, vendorBucket } from '../helpers/kms-buckets.js';
import { runCli } from '../helpers/run-cli.js';

/*
 * setup on buckets whose default encryption uses a KMS key, against moto (which serves KMS): the key-policy
 * step with and without --update-key-policy, and the stop on the AWS managed key.
 */

const endpoint = inject('motoEndpoint');

function setup(suffix: string, ...extra: string[]) {
  return runCli(['setup', '--suffix', suffix, '--yes', ...extra], { endpoint });
}

describe('setup and the bucket KMS key (CLI against moto)', () => {
  it('--update-key-policy merges our statement (other statements kept), the final check passes, a second run changes nothing', async () => {
    const key = await customerKey(endpoint, [ADMIN]);
    const b = await vendorBucket(endpoint, 'skms', {
      encryption: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key },
    });

    const r = await setup(b.suffix, '--update-key-policy', '--json');
    expect(r.code, r.stderr).toBe(0);
    const err = plainText(r.stderr);
    expect(err).toMatch(/✖ encryption: the key policy of .* does not let Prophecy's role use the key/);
    expect(err).toMatch(
      /\[update\] KMS key policy: merge statement "ProphecyDataSyncKmsAccess" .* keeping its 1 other statement as it is/,
    );
    expect(err).toMatch(/\+ add "ProphecyDataSyncKmsAccess"/);
    const doc = setupResultDocumentSchema.parse(JSON.parse(r.stdout));
    expect(doc.ok).toBe(true);
    expect(doc.steps.find((s) => s.id === 'kms-key-policy')).toMatchObject({
      change: 'update',
      status: 'applied',
    });
    expect(doc.checks.find((c) => c.id === 'encryption')).toMatchObject({ status: 'pass' });
    expect(doc.handOff.kmsKeyArn).toBe(key);

    const policy = await keyPolicyOf(endpoint, key);
    expect(policy.Statement[0]).toStrictEqual(ADMIN);
    expect(policy.Statement[1]).toMatchObject({
      Sid: 'ProphecyDataSyncKmsAccess',
      Principal: { AWS: 'arn:aws:iam::133450206866:role/AWSDataSyncS3BucketAccessCustomerBackendEventsRole' },
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });

    const again = await setup(b.suffix, '--update-key-policy');
    expect(again.code, again.stderr).toBe(0);
    expect(plainText(again.stderr)).toMatch(
      /\[no change\] KMS key policy: statement "ProphecyDataSyncKmsAccess" is already in the key policy/,
    );
    expect(plainText(again.stderr)).toMatch(/Nothing to change: the bucket is already set up/);
    expect(await keyPolicyOf(endpoint, key)).toStrictEqual(policy);

    const verify = await runCli(['verify', '--suffix', b.suffix], { endpoint });
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toMatch(new RegExp(`✔ encryption +SSE-KMS with the customer managed key ${key}`));
  });

  it('without --update-key-policy: the statement printed as a manual step, the key policy untouched, exit 1', async () => {
    const key = await customerKey(endpoint, [ADMIN]);
    const b = await vendorBucket(endpoint, 'skmsman', {
      encryption: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key },
    });
    const r = await setup(b.suffix);
    expect(r.code).toBe(1);
    const err = plainText(r.stderr);
    expect(err).toMatch(
      /\[manual\] KMS key policy: add statement "ProphecyDataSyncKmsAccess" to the key policy of arn:aws:kms:/,
    );
    expect(err).toContain('"Sid": "ProphecyDataSyncKmsAccess"');
    expect(err).toContain('"kms:ViaService": "s3.us-east-1.amazonaws.com"');
    expect(err).toMatch(/✖ encryption +the key policy of/);
    expect(err).toMatch(/A check of the finished bucket failed/);
    expect((await keyPolicyOf(endpoint, key)).Statement).toStrictEqual([ADMIN]);
  });

  it('the AWS managed key: stops before applying anything (exit 2) with the fix', async () => {
    const b = await vendorBucket(endpoint, 'skmsaws', { encryption: { SSEAlgorithm: 'aws:kms' } });
    await b.s3.send(new DeleteBucketPolicyCommand({ Bucket: b.bucket }));
    const r = await setup(b.suffix);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(plainText(r.stderr)).toMatch(/Setup stops before changing anything/);
    expect(plainText(r.stderr)).toMatch(
      /AWS managed key aws\/s3.*setup does not change the bucket's default encryption/,
    );
    // The policy step was planned but not applied.
    await expect(b.s3.send(new GetBucketPolicyCommand({ Bucket: b.bucket }))).rejects.toThrow();
  });
});
