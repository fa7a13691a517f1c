import { GetBucketPolicyCommand, GetPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FaultProxy, s3Call, startFaultProxy } from '../helpers/fault-proxy.js';
import { runCli, testS3, uniqueSuffix } from '../helpers/run-cli.js';

const endpoint = inject('motoEndpoint');

describe('setup stopped half-way', () => {
  // Moto accepts every policy, so a refused PutBucketPolicy is the only way to see setup fail half-way.
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(endpoint, [
      {
        match: s3Call.putBucketPolicy,
        fault: { kind: 'error', status: 403, code: 'AccessDenied', message: 'Access Denied' },
      },
    ]);
  });
  afterAll(() => proxy.close());

  it('says what completed and what failed, and a re-run resumes', async () => {
    const suffix = uniqueSuffix('resume');
    const bucket = `prophecy-customer-backend-events-${suffix}`;

    const first = await runCli(['setup', '--suffix', suffix, '--yes'], { endpoint: proxy.url });
    expect(first.code).toBe(2);
    expect(first.stdout).toBe('');
    expect(first.stderr).toMatch(/Completed: Bucket .*; Block Public Access.*\. Failed: Bucket policy/);
    expect(first.stderr).toMatch(
      /Access denied calling PutBucketPolicy: your identity is missing s3:PutBucketPolicy/,
    );
    expect(first.stderr).toMatch(/Running setup again resumes/);
    // The steps before the failure really happened; the policy did not.
    const pab = await testS3(endpoint).send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(pab.PublicAccessBlockConfiguration?.BlockPublicPolicy).toBe(true);
    await expect(testS3(endpoint).send(new GetBucketPolicyCommand({ Bucket: bucket }))).rejects.toMatchObject(
      {
        name: expect.stringMatching(/NoSuchBucketPolicy|S3ServiceException/),
      },
    );

    const second = await runCli(['setup', '--suffix', suffix, '--yes'], { endpoint });
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/1\. \[no change\] Bucket/);
    expect(second.stderr).toMatch(/3\. \[no change\] Block Public Access/);
    expect(second.stderr).toMatch(/4\. \[create\] Bucket policy/);
    const policy = await testS3(endpoint).send(new GetBucketPolicyCommand({ Bucket: bucket }));
    expect(JSON.parse(policy.Policy as string).Statement).toHaveLength(2);
  });
});
