import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type FaultProxy, type SeenRequest, s3Call, startFaultProxy } from '../helpers/fault-proxy.js';
import { runCli, testS3, uniqueSuffix } from '../helpers/run-cli.js';

/**
 * Issue 12 §3 against moto through the fault proxy: setup cannot delete a customer statement through any
 * read failure of the policy, nor through a concurrent edit between its plan and its write.
 */

const endpoint = inject('motoEndpoint');
const PREFIX = 'prophecy-customer-backend-events-';

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

/** A bucket of the caller's holding one customer statement; ACLs and Block Public Access left as created. */
async function customerBucket(tag: string): Promise<{ suffix: string; bucket: string; policy: string }> {
  const suffix = uniqueSuffix(tag);
  const bucket = PREFIX + suffix;
  const s3 = testS3(endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const text = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: text }));
  const stored = (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy as string;
  return { suffix, bucket, policy: stored };
}

const writes = (seen: SeenRequest[]) => seen.filter((r) => r.method === 'PUT' || r.method === 'DELETE');

describe('setup fails closed (fault proxy)', () => {
  it.each([
    ['a 404 NoSuchBucket', { kind: 'error', status: 404, code: 'NoSuchBucket' }],
    ['a 500 InternalError on every attempt', { kind: 'error', status: 500, code: 'InternalError' }],
    ['a 403 AccessDenied', { kind: 'error', status: 403, code: 'AccessDenied' }],
  ] as const)(
    'GetBucketPolicy answering %s: exit 2, no write sent, the customer statement kept',
    async (_, fault) => {
      const { suffix, bucket, policy } = await customerBucket('fc');
      proxy = await startFaultProxy(endpoint, [{ match: s3Call.getBucketPolicy, fault }]);
      const r = await runCli(['setup', '--suffix', suffix, '--yes'], { endpoint: proxy.url });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/GetBucketPolicy/);
      expect(writes(proxy.seen).map((w) => `${w.method} ${w.url.search}`)).toEqual([]);
      const after = await testS3(endpoint).send(new GetBucketPolicyCommand({ Bucket: bucket }));
      expect(after.Policy).toBe(policy);
    },
  );

  it('a policy edited between the plan and the write: exit 2 "changed since the plan", no PutBucketPolicy sent', async () => {
    const { suffix, bucket, policy } = await customerBucket('race');
    const edited = policy.replace('DenyInsecureTransport', 'DenyInsecureTransportEdited');
    let reads = 0;
    // The first GetBucketPolicy is the look the plan is based on; the second (the re-read just before
    // PutBucketPolicy) sees someone else's edit.
    proxy = await startFaultProxy(endpoint, [
      {
        match: (req) => s3Call.getBucketPolicy(req) && ++reads === 2,
        fault: { kind: 'rewrite', body: () => edited },
      },
    ]);
    const r = await runCli(['setup', '--suffix', suffix, '--yes'], { endpoint: proxy.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Setup stopped at "Bucket policy: [^"]+": The policy of prophecy-customer-backend-events-race-\S+ changed since the plan; run again\./,
    );
    expect(proxy.seen.filter(s3Call.putBucketPolicy)).toEqual([]);
    const after = await testS3(endpoint).send(new GetBucketPolicyCommand({ Bucket: bucket }));
    expect(after.Policy).toBe(policy);

    // Run again: planned on the current policy, merged, the customer statement kept.
    const again = await runCli(['setup', '--suffix', suffix, '--yes'], { endpoint });
    expect(again.code, again.stderr).toBe(0);
    const merged = await testS3(endpoint).send(new GetBucketPolicyCommand({ Bucket: bucket }));
    expect(JSON.parse(merged.Policy as string).Statement.map((s: { Sid: string }) => s.Sid)).toContain(
      'DenyInsecureTransport',
    );
  });
});
