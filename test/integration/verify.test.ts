import {
  DeleteBucketPolicyCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { generatePolicy, type PolicyStatement } from '../../src/core/policy.js';
import { verifyResultSchema } from '../../src/schemas/verify.js';
import { vendorBucket } from '../helpers/kms-buckets.js';
import { runCli, uniqueSuffix } from '../helpers/run-cli.js';

const endpoint = inject('motoEndpoint');
const PREFIX = 'prophecy-customer-backend-events-';

/** A bucket made exactly as the vendor page asks, with the SDK directly (not with `setup`). */
async function createVendorBucket(
  tag: string,
  region = 'us-east-1',
): Promise<{ suffix: string; s3: S3Client }> {
  const { suffix, s3 } = await vendorBucket(endpoint, tag, { region });
  return { suffix, s3 };
}

function verify(suffix: string, ...args: string[]) {
  return runCli(['verify', '--suffix', suffix, ...args], { endpoint });
}

/** The status mark of each check line, keyed by check id. */
function marks(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .split('\n')
      .map((l) => /^([✔⚠✖]) (\S+)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[2], m[1]]),
  );
}

describe('verify (CLI against moto)', () => {
  let healthy: string;

  beforeAll(async () => {
    healthy = (await createVendorBucket('vok')).suffix;
  });

  it('a correctly made bucket passes every check with exit 0', async () => {
    const r = await verify(healthy);
    expect(r.code).toBe(0);
    expect(marks(r.stdout)).toEqual({
      bucket: '✔',
      name: '✔',
      region: '✔',
      ownership: '✔',
      policy: '✔',
      'least-privilege': '✔',
      'public-access': '✔',
      encryption: '✔',
      'requester-pays': '✔',
      versioning: '✔',
    });
    expect(r.stdout).toMatch(
      /^Note: Not visible from this account: your organization's service control policies/m,
    );
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('OK: 10 passed, 0 warnings, 0 failed');
    expect(r.stderr).not.toMatch(/Error/);
  });

  it('--json prints one document that parses against the exported schema', async () => {
    const r = await verify(healthy, '--json');
    expect(r.code).toBe(0);
    const doc = verifyResultSchema.parse(JSON.parse(r.stdout));
    expect(doc).toMatchObject({ schemaVersion: 1, ok: true, bucket: PREFIX + healthy, region: 'us-east-1' });
    expect(doc.checks.map((c) => c.id)).toEqual([
      'bucket',
      'name',
      'region',
      'ownership',
      'policy',
      'least-privilege',
      'public-access',
      'encryption',
      'requester-pays',
      'versioning',
    ]);
    expect(doc.organizationGuardrails).toMatch(/resource control policies \(RCPs\)/);
  });

  it('drift: an action removed from the policy fails the policy check and names it', async () => {
    const { suffix, s3 } = await createVendorBucket('vact');
    const bucket = PREFIX + suffix;
    const p = generatePolicy(bucket);
    const st = p.Statement[0] as PolicyStatement;
    st.Action = (st.Action as string[]).filter((a) => a !== 's3:DeleteObject');
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(p) }));

    const r = await verify(suffix);
    expect(r.code).toBe(1);
    expect(marks(r.stdout).policy).toBe('✖');
    expect(r.stdout).toContain(
      `role/AWSDataSyncS3BucketAccessCustomerBackendEventsRole: s3:DeleteObject on arn:aws:s3:::${bucket}/*`,
    );
    const json = verifyResultSchema.parse(JSON.parse((await verify(suffix, '--json')).stdout));
    expect(json.ok).toBe(false);
    expect(json.checks.find((c) => c.id === 'policy')?.details).toEqual({
      missing: [
        {
          principal: 'arn:aws:iam::133450206866:role/AWSDataSyncS3BucketAccessCustomerBackendEventsRole',
          action: 's3:DeleteObject',
          resource: `arn:aws:s3:::${bucket}/*`,
          verdict: 'implicit-deny',
          reason: "no statement allows it for Prophecy's role",
        },
      ],
    });
  });

  it('drift: the policy deleted fails with "no policy"', async () => {
    const { suffix, s3 } = await createVendorBucket('vnopol');
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: PREFIX + suffix }));
    const r = await verify(suffix);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✖ policy +the bucket has no policy/);
  });

  it('drift: ownership set to ObjectWriter fails the ownership check', async () => {
    const { suffix, s3 } = await createVendorBucket('vown');
    await s3.send(
      new PutBucketOwnershipControlsCommand({
        Bucket: PREFIX + suffix,
        OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
      }),
    );
    const r = await verify(suffix);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✖ ownership +Object Ownership is ObjectWriter/);
  });

  it('drift: public access block turned off warns (exit 0), and fails with --strict (exit 1)', async () => {
    const { suffix, s3 } = await createVendorBucket('vpab');
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: PREFIX + suffix,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: false,
          IgnorePublicAcls: false,
          BlockPublicPolicy: false,
          RestrictPublicBuckets: false,
        },
      }),
    );
    const r = await verify(suffix);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/⚠ public-access +Block Public Access is off for BlockPublicAcls/);
    const strict = await verify(suffix, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/FAILED \(strict\)/);
  });

  it('drift: s3:* and a public statement: least-privilege fails naming both', async () => {
    const { suffix, s3 } = await createVendorBucket('vpub');
    const bucket = PREFIX + suffix;
    const p = generatePolicy(bucket);
    (p.Statement[0] as PolicyStatement).Action = 's3:*';
    p.Statement.push({
      Sid: 'Open',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${bucket}/*`,
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(p) }));
    const r = await verify(suffix, '--json');
    expect(r.code).toBe(1);
    const lp = verifyResultSchema.parse(JSON.parse(r.stdout)).checks.find((c) => c.id === 'least-privilege');
    expect(lp?.status).toBe('fail');
    expect(lp?.message).toMatch(/public.*"Open"/);
    expect(JSON.stringify(lp?.details)).toContain('s3:DeleteBucket');
  });

  it('drift: the role deleted and shown as its unique id (AROA…) is reported by name', async () => {
    const { suffix, s3 } = await createVendorBucket('varoa');
    const bucket = PREFIX + suffix;
    const text = JSON.stringify(generatePolicy(bucket)).replace(
      'arn:aws:iam::133450206866:role/AWSDataSyncS3BucketAccessCustomerBackendEventsRole',
      'AROAZ7EXAMPLE4KYQ3XJ2',
    );
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: text }));
    const r = await verify(suffix);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'the principal is a unique id (AROAZ7EXAMPLE4KYQ3XJ2), the role it named was deleted; re-run setup',
    );
  });

  it('a bucket that does not exist fails with exit 1', async () => {
    const r = await verify(uniqueSuffix('vmissing'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✖ bucket +prophecy-customer-backend-events-vmissing-\S+ does not exist/);
  });

  it('a bad suffix exits 2 with nothing on stdout', async () => {
    const r = await verify('Bad_Suffix');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Invalid --suffix/);
  });

  it('a bad --max-age exits 2 before any request', async () => {
    const r = await runCli(['verify', '--suffix', healthy, '--max-age', '26'], {
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--max-age: "26" is not a duration/);
  });

  it('--max-age: empty bucket fails, a fresh object passes, a stale one fails with its timestamp', async () => {
    const { suffix, s3 } = await createVendorBucket('vfresh');
    const empty = await verify(suffix, '--max-age', '26h');
    expect(empty.code).toBe(1);
    expect(empty.stdout).toMatch(/✖ freshness +the bucket holds no objects/);

    await s3.send(
      new PutObjectCommand({ Bucket: PREFIX + suffix, Key: '2026/11/25/events.json', Body: '{}' }),
    );
    const fresh = await verify(suffix, '--max-age', '26h');
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/✔ freshness +newest object written \d{4}-\d\d-\d\dT/);

    await new Promise((r) => setTimeout(r, 1500));
    const stale = await verify(suffix, '--max-age', '1s', '--json');
    expect(stale.code).toBe(1);
    const check = verifyResultSchema.parse(JSON.parse(stale.stdout)).checks.find((c) => c.id === 'freshness');
    expect(check?.status).toBe('fail');
    expect(check?.message).toMatch(/newest object was written \d{4}-\d\d-\d\dT[\d:.]+Z .*older than 1s/);
  });

  it('--quiet prints only the failures, and nothing when all passed', async () => {
    const { suffix, s3 } = await createVendorBucket('vquiet');
    const ok = await verify(suffix, '--quiet');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('');
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: PREFIX + suffix }));
    const bad = await verify(suffix, '--quiet');
    expect(bad.code).toBe(1);
    const lines = bad.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^✖ policy/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^FAILED: /);
  });

  it('region: a bucket in eu-west-1 warns with --region eu-west-1 and fails without it', async () => {
    const { suffix } = await createVendorBucket('vregion', 'eu-west-1');
    const right = await verify(suffix, '--region', 'eu-west-1');
    expect(right.code).toBe(0);
    expect(right.stdout).toMatch(/⚠ region +eu-west-1: Prophecy recommends us-east-1/);
    const wrong = await verify(suffix);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/✖ region +the bucket is in eu-west-1, expected us-east-1/);
  });

  it('no credentials: exit 2 with the fix, nothing on stdout', async () => {
    const r = await runCli(['verify', '--suffix', healthy], {
      endpoint,
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/No AWS credentials were found/);
  });

  it('unreachable endpoint: exit 2 naming the network', async () => {
    const r = await runCli(['verify', '--suffix', healthy], {
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Could not reach AWS/);
  });
});
