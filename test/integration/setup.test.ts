import {
  CreateBucketCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, inject, it } from 'vitest';
import { setupPlanDocumentSchema, setupResultDocumentSchema } from '../../src/schemas/setup.js';
import { otherAccountS3, runCli, testS3, uniqueSuffix } from '../helpers/run-cli.js';
import { vendorPolicyFor } from '../helpers/vendor-page.js';

const endpoint = inject('motoEndpoint');
const PREFIX = 'prophecy-customer-backend-events-';

function s3(region = 'us-east-1'): S3Client {
  return testS3(endpoint, region);
}

async function policyOf(bucket: string, client = s3()): Promise<string> {
  return (await client.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy as string;
}

async function ownershipOf(bucket: string): Promise<string | undefined> {
  const out = await s3().send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
  return out.OwnershipControls?.Rules?.[0]?.ObjectOwnership;
}

async function exists(bucket: string): Promise<boolean> {
  try {
    await s3().send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch {
    return false;
  }
}

function setup(suffix: string, ...extra: string[]) {
  return runCli(['setup', '--suffix', suffix, ...extra], { endpoint });
}

const denyInsecure = (bucket: string) => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

describe('setup (CLI against moto)', () => {
  it('creates the bucket in us-east-1 non-interactively, then a re-run changes nothing', async () => {
    const suffix = uniqueSuffix('use1');
    const bucket = PREFIX + suffix;
    const r = await setup(suffix, '--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/AWS account 123456789012 as arn:aws:sts::123456789012:/);
    expect(r.stdout).toContain(`Bucket ARN: arn:aws:s3:::${bucket}`);
    expect(r.stdout).toMatch(/Region: +us-east-1/);
    expect(r.stdout).not.toMatch(/Note:/);

    const loc = await s3().send(new GetBucketLocationCommand({ Bucket: bucket }));
    expect(loc.LocationConstraint ?? '').toBe('');
    expect(await ownershipOf(bucket)).toBe('BucketOwnerEnforced');
    const pab = await s3().send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(pab.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const policyBefore = await policyOf(bucket);
    expect(JSON.parse(policyBefore)).toStrictEqual(vendorPolicyFor(bucket));

    const again = await setup(suffix, '--yes');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/Nothing to change/);
    expect(again.stderr).not.toMatch(/\[(create|update)\]/);
    expect(await policyOf(bucket)).toBe(policyBefore);
    expect(await ownershipOf(bucket)).toBe('BucketOwnerEnforced');

    const plan = await setup(suffix, '--dry-run', '--json');
    expect(plan.code).toBe(0);
    const doc = setupPlanDocumentSchema.parse(JSON.parse(plan.stdout));
    expect(doc.satisfied).toBe(true);
    expect(doc.steps.map((s) => s.change)).toEqual(['none', 'none', 'none', 'none']);
  });

  it('creates the bucket in eu-west-1 with the right location and says Prophecy needs the region', async () => {
    const suffix = uniqueSuffix('euw1');
    const bucket = PREFIX + suffix;
    const r = await setup(suffix, '--region', 'eu-west-1', '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = setupResultDocumentSchema.parse(JSON.parse(r.stdout));
    expect(doc).toMatchObject({
      ok: true,
      bucket,
      region: 'eu-west-1',
      handOff: { bucketArn: `arn:aws:s3:::${bucket}`, region: 'eu-west-1', needsProphecyRegionSetup: true },
    });
    expect(doc.steps.map((s) => `${s.id}:${s.status}`)).toContain('create-bucket:applied');
    expect(doc.checks.every((c) => c.status !== 'fail')).toBe(true);
    expect(r.stderr).toMatch(/Region eu-west-1: Prophecy recommends us-east-1/);
    const loc = await s3('eu-west-1').send(new GetBucketLocationCommand({ Bucket: bucket }));
    expect(loc.LocationConstraint).toBe('eu-west-1');
    expect(await ownershipOf(bucket)).toBe('BucketOwnerEnforced');
  });

  it('keeps a foreign statement of an existing bucket untouched and in place', async () => {
    const bucket = PREFIX + uniqueSuffix('foreign');
    await s3().send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: 'BucketOwnerEnforced' }));
    const foreign = denyInsecure(bucket);
    await s3().send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [foreign] }),
      }),
    );
    const r = await runCli(['setup', '--bucket', bucket, '--yes'], { endpoint });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/= keep "DenyInsecureTransport" \(yours\)/);
    const policy = JSON.parse(await policyOf(bucket));
    expect(policy.Version).toBe('2012-10-17');
    expect(policy.Statement[0]).toStrictEqual(foreign);
    expect(policy.Statement.slice(1)).toStrictEqual(vendorPolicyFor(bucket).Statement);
  });

  it('fixes ObjectWriter ownership on an existing bucket', async () => {
    const bucket = PREFIX + uniqueSuffix('writer');
    await s3().send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: 'ObjectWriter' }));
    expect(await ownershipOf(bucket)).toBe('ObjectWriter');
    const r = await runCli(['setup', '--bucket', bucket, '--yes'], { endpoint });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[update\] Object Ownership.*ObjectWriter → BucketOwnerEnforced/);
    expect(await ownershipOf(bucket)).toBe('BucketOwnerEnforced');
  });

  it('warns about a non-empty bucket and leaves its objects alone', async () => {
    const bucket = PREFIX + uniqueSuffix('full');
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'old/data.json', Body: '{}' }));
    const r = await runCli(['setup', '--bucket', bucket, '--yes'], { endpoint });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/is not empty\. Prophecy asks for an empty bucket/);
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: 'old/data.json' }));
    expect(head.ContentLength).toBe(2);
  });

  it('refuses a bucket of another account and leaves its policy untouched', async () => {
    const bucket = PREFIX + uniqueSuffix('theirs');
    const theirs = await otherAccountS3(endpoint, '222233334444');
    await theirs.send(new CreateBucketCommand({ Bucket: bucket }));
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [denyInsecure(bucket)] });
    await theirs.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: text }));

    const r = await runCli(['setup', '--bucket', bucket, '--yes'], { endpoint });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/is taken: it exists in another AWS account/);
    expect(await policyOf(bucket, theirs)).toBe(text);
  });

  it('refuses to overwrite a policy it cannot parse', async () => {
    const bucket = PREFIX + uniqueSuffix('garbled');
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    await s3().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: '{"Statement": [' }));
    const r = await runCli(['setup', '--bucket', bucket, '--yes'], { endpoint });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/setup cannot read \(not valid JSON.*setup will not overwrite it/);
    expect(await policyOf(bucket)).toBe('{"Statement": [');
  });

  it('refuses to use an existing bucket in another region than --region', async () => {
    const suffix = uniqueSuffix('moved');
    await s3('eu-west-1').send(
      new CreateBucketCommand({
        Bucket: PREFIX + suffix,
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    const r = await setup(suffix, '--region', 'us-east-1', '--yes');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists in eu-west-1, not in us-east-1.*\n.*--region eu-west-1/);
  });

  it('prints the plan as JSON with --dry-run --json and creates nothing', async () => {
    const suffix = uniqueSuffix('dry');
    const r = await setup(suffix, '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = setupPlanDocumentSchema.parse(JSON.parse(r.stdout));
    expect(doc.steps.map((s) => `${s.id}:${s.change}`)).toEqual([
      'create-bucket:create',
      'ownership:none',
      'public-access-block:create',
      'policy:create',
    ]);
    expect(doc.steps[3]?.policy).toStrictEqual(vendorPolicyFor(PREFIX + suffix));
    expect(r.stderr).toMatch(/Dry run: nothing was changed/);
    expect(await exists(PREFIX + suffix)).toBe(false);
  });

  it('exits 2 with the fix when there are no credentials', async () => {
    const r = await runCli(['setup', '--suffix', uniqueSuffix('nocreds'), '--yes'], {
      endpoint,
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/No AWS credentials were found\.\n.*aws configure/);
  });

  it('exits 2 without a terminal and without --yes, naming the flags, and creates nothing', async () => {
    const suffix = uniqueSuffix('notty');
    const r = await setup(suffix);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/stdin is not a terminal.*--yes/);
    expect(await exists(PREFIX + suffix)).toBe(false);
    const bare = await runCli(['setup'], { endpoint });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/pass --suffix <suffix> \(or --bucket <name>\) and --yes/);
  });

  it('rejects a bad suffix or region before calling AWS', async () => {
    const bad = await setup('Acme', '--yes');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\[lowercase\]/);
    const region = await setup(uniqueSuffix('r'), '--region', 'mars-1', '--yes');
    expect(region.code).toBe(2);
    expect(region.stderr).toMatch(/"mars-1" is not an AWS region/);
  });
});
