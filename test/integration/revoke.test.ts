import { stripVTControlCharacters } from 'node:util';
import { CreateKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type IPty, spawn } from 'node-pty';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateKmsStatement } from '../../src/core/kms.js';
import { DEFAULT_PRINCIPALS } from '../../src/core/policy.js';
import { DATASYNC_SID, KMS_SID, LOCATION_SID } from '../../src/core/vendor.js';
import { revokePlanSchema, revokeResultSchema } from '../../src/schemas/revoke.js';
import { type FaultProxy, s3Call, startFaultProxy } from '../helpers/fault-proxy.js';
import { CLI, cliEnv, otherAccountS3, runCli, testS3, uniqueSuffix } from '../helpers/run-cli.js';
import { vendorPolicyFor } from '../helpers/vendor-page.js';

const endpoint = inject('motoEndpoint');
const PREFIX = 'prophecy-customer-backend-events-';
const ACCOUNT = '123456789012';

const s3 = () => testS3(endpoint);

/** The stored policy text, or null when the bucket has none. */
async function policyOf(bucket: string, client: S3Client = s3()): Promise<string | null> {
  try {
    return (await client.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? null;
  } catch (err) {
    if (/NoSuchBucketPolicy/.test(String((err as Error).name) + String((err as Error).message))) return null;
    throw err;
  }
}

/** The customer's own statement. (Not a Deny of plain HTTP: moto enforces it, and the tests talk HTTP.) */
const auditorRead = (bucket: string) => ({
  Sid: 'AuditorRead',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::111122223333:role/Auditor' },
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${bucket}/*`,
});

const revoke = (bucket: string, ...extra: string[]) =>
  runCli(['revoke', '--bucket', bucket, ...extra], { endpoint });

/** A bucket made by setup, with an object in it and the customer's own statement first in its policy. */
async function setUpWithCustomerStatement(tag: string): Promise<{ bucket: string; text: string }> {
  const suffix = uniqueSuffix(tag);
  const bucket = PREFIX + suffix;
  const r = await runCli(['setup', '--suffix', suffix, '--yes'], { endpoint });
  expect(r.code, r.stderr).toBe(0);
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'events/2026/11/27/a.json', Body: '{"a":1}' }));
  const vendor = vendorPolicyFor(bucket);
  const text = JSON.stringify({
    Version: '2012-10-17',
    Statement: [auditorRead(bucket), ...vendor.Statement],
  });
  await s3().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: text }));
  return { bucket, text };
}

describe('revoke (CLI against moto)', () => {
  it("keeps exactly the customer's statement and the objects; dry runs, no TTY and a second run change nothing; verify then says so", async () => {
    const { bucket, text } = await setUpWithCustomerStatement('revoke');

    const dry = await revoke(bucket, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe('');
    expect(dry.stderr).toMatch(/AWS account 123456789012 as arn:aws:sts::123456789012:/);
    expect(dry.stderr).toMatch(/1\. \[update\] Bucket policy: remove Prophecy's statements/);
    expect(dry.stderr).toMatch(/= keep "AuditorRead" \(yours\)/);
    expect(dry.stderr).toMatch(new RegExp(`- remove "${DATASYNC_SID}"`));
    expect(dry.stderr).toMatch(/objects and the bucket are kept: 1 object, newest \d{4}-\d\d-\d\dT/);
    expect(dry.stderr).toMatch(/Dry run: nothing was changed/);
    expect(await policyOf(bucket)).toBe(text);

    const json = await revoke(bucket, '--dry-run', '--json');
    expect(json.code, json.stderr).toBe(0);
    const plan = revokePlanSchema.parse(JSON.parse(json.stdout));
    expect(plan).toMatchObject({ bucket, satisfied: false, identity: { account: ACCOUNT } });
    expect(plan.steps).toMatchObject([
      {
        id: 'bucket-policy',
        change: 'update',
        before: ['AuditorRead', DATASYNC_SID, LOCATION_SID],
        after: ['AuditorRead'],
      },
    ]);
    expect(await policyOf(bucket)).toBe(text);

    const noTty = await revoke(bucket);
    expect(noTty.code).toBe(2);
    expect(noTty.stdout).toBe('');
    expect(noTty.stderr).toMatch(/stdin is not a terminal.*--yes/);
    expect(await policyOf(bucket)).toBe(text);

    const r = await revoke(bucket, '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = revokeResultSchema.parse(JSON.parse(r.stdout));
    expect(result).toMatchObject({
      ok: true,
      remaining: [],
      steps: [{ change: 'update', status: 'applied' }],
    });
    expect(r.stderr).toMatch(/Prophecy's access was removed/);
    const after = await policyOf(bucket);
    expect(JSON.parse(after as string)).toStrictEqual({
      Version: '2012-10-17',
      Statement: [auditorRead(bucket)],
    });
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: 'events/2026/11/27/a.json' }));
    expect(head.ContentLength).toBe(7);

    const again = await revoke(bucket, '--yes');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/1\. \[no change\] Bucket policy/);
    expect(again.stderr).not.toMatch(/\[(update|delete)\]/);
    expect(again.stderr).toMatch(/Nothing to revoke/);
    expect(await policyOf(bucket)).toBe(after);

    const verify = await runCli(['verify', '--bucket', bucket], { endpoint });
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/✖ policy +Prophecy's access was removed/);
  });

  it('deletes a policy that held only the vendor statements', async () => {
    const suffix = uniqueSuffix('vendoronly');
    const bucket = PREFIX + suffix;
    expect((await runCli(['setup', '--suffix', suffix, '--yes'], { endpoint })).code).toBe(0);
    expect(JSON.parse((await policyOf(bucket)) as string)).toStrictEqual(vendorPolicyFor(bucket));
    const r = await runCli(['revoke', '--suffix', suffix, '--yes'], { endpoint });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[delete\] Bucket policy.*delete the bucket policy/);
    expect(await policyOf(bucket)).toBeNull();
    const verify = await runCli(['verify', '--bucket', bucket], { endpoint });
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/✖ policy +the bucket has no policy.*Prophecy's access was removed/);
  });

  it("refuses another account's bucket with exit 2 and leaves its policy untouched", async () => {
    const bucket = PREFIX + uniqueSuffix('theirs');
    const theirs = await otherAccountS3(endpoint, '222233334444');
    await theirs.send(new CreateBucketCommand({ Bucket: bucket }));
    const text = JSON.stringify(vendorPolicyFor(bucket));
    await theirs.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: text }));
    const r = await revoke(bucket, '--yes');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/belongs to another AWS account, not to 123456789012/);
    expect(await policyOf(bucket, theirs)).toBe(text);
  });

  it('--key-policy removes only the KMS statement setup adds; without it, a warning', async () => {
    const kms = new KMSClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const key = await kms.send(new CreateKeyCommand({ Description: 'revoke test' }));
    const keyArn = key.KeyMetadata?.Arn as string;
    const admin = {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:*',
      Resource: '*',
    };
    const keyText = JSON.stringify({
      Version: '2012-10-17',
      Statement: [admin, generateKmsStatement(DEFAULT_PRINCIPALS, 'us-east-1')],
    });
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: keyText }));
    const { bucket } = await setUpWithCustomerStatement('kms');
    await s3().send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [
            { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } },
          ],
        },
      }),
    );
    const keyPolicy = async () =>
      (await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy;

    const dry = await revoke(bucket, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(stripVTControlCharacters(dry.stderr)).toMatch(
      new RegExp(`still has Prophecy's statement "${KMS_SID}".*--key-policy`),
    );

    const r = await revoke(bucket, '--yes', '--key-policy');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2\. \[update\] KMS key policy/);
    expect(JSON.parse((await keyPolicy()) as string).Statement).toStrictEqual([admin]);
  });
});

describe('revoke in a terminal', () => {
  it('declining the confirmation (the default) exits 130 and changes nothing', async () => {
    const { bucket, text } = await setUpWithCustomerStatement('revoketty');
    const pty: IPty = spawn(process.execPath, [CLI, 'revoke', '--bucket', bucket], {
      name: 'xterm-256color',
      cols: 160,
      rows: 50,
      env: cliEnv(endpoint, { NO_COLOR: '1' }) as Record<string, string>,
    });
    let raw = '';
    pty.onData((d) => {
      raw += d;
    });
    const exit = new Promise<number>((resolve) => pty.onExit(({ exitCode }) => resolve(exitCode)));
    try {
      const deadline = Date.now() + 15_000;
      while (!/Remove Prophecy's access as planned\? \(y\/N\)/.test(stripVTControlCharacters(raw))) {
        if (Date.now() > deadline) throw new Error(`no question; screen so far:\n${raw}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      pty.write('\r'); // Enter takes the default: no
      expect(await exit).toBe(130);
      expect(stripVTControlCharacters(raw)).toMatch(/Aborted, nothing was changed/);
    } finally {
      pty.kill();
    }
    expect(await policyOf(bucket)).toBe(text);
  });
});

describe('revoke stopped half-way', () => {
  // Moto accepts every write, so a refused PutBucketPolicy (behind a fault proxy) is how revoke fails.
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

  it('says what completed and what failed, changes nothing, and a re-run finishes', async () => {
    const { bucket, text } = await setUpWithCustomerStatement('revokefail');
    const first = await runCli(['revoke', '--bucket', bucket, '--yes'], { endpoint: proxy.url });
    expect(first.code).toBe(2);
    expect(first.stdout).toBe('');
    expect(first.stderr).toMatch(/Completed: nothing\. Failed: Bucket policy: remove Prophecy's statements/);
    expect(first.stderr).toMatch(
      /Access denied calling PutBucketPolicy: your identity is missing s3:PutBucketPolicy/,
    );
    expect(first.stderr).toMatch(/Running revoke again resumes/);
    expect(await policyOf(bucket)).toBe(text);

    const second = await revoke(bucket, '--yes');
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse((await policyOf(bucket)) as string).Statement).toStrictEqual([auditorRead(bucket)]);
  });
});
