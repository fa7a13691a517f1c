import { describe, expect, it } from 'vitest';
import { type ReadEnv, readBucketState } from '../../src/aws/bucket-read.js';
import type { AwsClientFactory, AwsSettings } from '../../src/aws/factory.js';
import type { VerifyFlags } from '../../src/commands/verify/flags.js';
import { parse, run } from '../../src/commands/verify/run.js';
import type { Context } from '../../src/context.js';
import { ORGANIZATION_GUARDRAILS_NOTE } from '../../src/core/bucket-features.js';
import { generatePolicy, type PolicyStatement } from '../../src/core/policy.js';
import { verifyResultSchema } from '../../src/schemas/verify.js';
import { InterruptNote } from '../../src/ui/interrupt.js';

/*
 * verify driven in-process: a fake context (streams that collect, a pinned clock) and fake AWS clients whose
 * `send(command)` answers by the command's class name, the way the SDK's clients are called.
 */

const ACCOUNT = '111122223333';
const SUFFIX = 'acme';
const BUCKET = `prophecy-customer-backend-events-${SUFFIX}`;
const NOW = Date.parse('2026-11-25T12:00:00Z');

type Answer = unknown | ((input: Record<string, unknown>) => unknown);
type Script = Record<string, Answer>;

/** An SDK-shaped error, as the translator sees it (name + HTTP status). */
function awsError(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

interface Sent {
  command: string;
  input: Record<string, unknown>;
}

function fakeClient(script: Script, sent: Sent[]) {
  return {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = command.constructor.name;
      sent.push({ command: name, input: command.input });
      if (!(name in script)) throw new Error(`fake client: no answer for ${name}`);
      const answer = script[name];
      const value = typeof answer === 'function' ? answer(command.input) : answer;
      if (value instanceof Error) throw value;
      return value;
    },
  };
}

function healthyS3(policy: unknown = generatePolicy(BUCKET)): Script {
  return {
    HeadBucketCommand: { BucketRegion: 'us-east-1' },
    GetBucketLocationCommand: { LocationConstraint: undefined },
    GetBucketOwnershipControlsCommand: {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    },
    GetPublicAccessBlockCommand: {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    },
    GetBucketPolicyCommand: { Policy: JSON.stringify(policy) },
    GetBucketEncryptionCommand: {
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    },
    GetBucketRequestPaymentCommand: { Payer: 'BucketOwner' },
    GetBucketVersioningCommand: {},
    GetObjectLockConfigurationCommand: awsError('ObjectLockConfigurationNotFoundError', 404),
  };
}

function stream() {
  let text = '';
  const s = {
    isTTY: false,
    write(chunk: string) {
      text += chunk;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { s, text: () => text };
}

function fakeContext(s3Script: Script, stsScript?: Script, kmsScript?: Script) {
  const out = stream();
  const err = stream();
  const s3Sent: Sent[] = [];
  const stsSent: Sent[] = [];
  const kmsSent: (Sent & { region: string | undefined })[] = [];
  const s3 = fakeClient(s3Script, s3Sent);
  const sts = fakeClient(
    stsScript ?? {
      GetCallerIdentityCommand: {
        Account: ACCOUNT,
        Arn: `arn:aws:iam::${ACCOUNT}:user/me`,
        UserId: 'AIDAME',
      },
    },
    stsSent,
  );
  const ctx: Context = {
    stdout: out.s,
    stderr: err.s,
    stdinIsTTY: false,
    env: {},
    now: () => NOW,
    prompts: () => Promise.reject(new Error('verify asks no questions')),
    interrupt: new InterruptNote(),
    aws: (settings: AwsSettings): AwsClientFactory => ({
      settings,
      s3: async () => s3 as never,
      sts: async () => sts as never,
      kms: async (region?: string) => {
        if (!kmsScript) throw new Error('this bucket needs no KMS read');
        const sent: Sent[] = [];
        const client = fakeClient(kmsScript, sent);
        return {
          async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
            kmsSent.push({ command: command.constructor.name, input: command.input, region });
            return client.send(command);
          },
        } as never;
      },
      athena: () => Promise.reject(new Error('verify runs no query')),
    }),
    signal: new AbortController().signal,
    debug: false,
  };
  return { ctx, stdout: out.text, stderr: err.text, s3Sent, stsSent, kmsSent };
}

async function verify(s3Script: Script, flags: Partial<VerifyFlags> = {}, kmsScript?: Script) {
  const f = fakeContext(s3Script, undefined, kmsScript);
  const input = parse({ suffix: SUFFIX, ...flags } as VerifyFlags, f.ctx);
  const code = await run(f.ctx, input);
  return { code, ...f };
}

describe('verify run(ctx, input) with fake clients', () => {
  it('a healthy bucket: exit 0, every check passes, only through ctx.stdout', async () => {
    const r = await verify(healthyS3());
    expect(r.code).toBe(0);
    expect(r.stdout()).toBe(
      [
        `✔ bucket           ${BUCKET} exists and is reachable`,
        '✔ name             follows prophecy-customer-backend-events-<suffix>',
        '✔ region           us-east-1',
        '✔ ownership        BucketOwnerEnforced (ACLs disabled)',
        "✔ policy           all 11 required grants are allowed for Prophecy's requests",
        '✔ least-privilege  the vendor principals get only the required actions',
        '✔ public-access    all four Block Public Access settings are on',
        "✔ encryption       SSE-S3 (AES256): S3 encrypts Prophecy's uploads with no key to share",
        '✔ requester-pays   the bucket owner pays for requests',
        '✔ versioning       versioning and Object Lock are off',
        `Note: ${ORGANIZATION_GUARDRAILS_NOTE}`,
        'OK: 10 passed, 0 warnings, 0 failed',
        '',
      ].join('\n'),
    );
    expect(r.stderr()).toBe('');
  });

  it('performs exactly the reads the checks declare: HeadBucket without an owner, the rest with the caller account', async () => {
    const r = await verify(healthyS3());
    expect(r.stsSent.map((s) => s.command)).toEqual(['GetCallerIdentityCommand']);
    expect(r.s3Sent.map((s) => s.command).sort()).toEqual([
      'GetBucketEncryptionCommand',
      'GetBucketLocationCommand',
      'GetBucketOwnershipControlsCommand',
      'GetBucketPolicyCommand',
      'GetBucketRequestPaymentCommand',
      'GetBucketVersioningCommand',
      'GetObjectLockConfigurationCommand',
      'GetPublicAccessBlockCommand',
      'HeadBucketCommand',
    ]);
    // SSE-S3: no KMS call at all.
    expect(r.kmsSent).toEqual([]);
    for (const s of r.s3Sent) {
      expect(s.input.Bucket).toBe(BUCKET);
      expect(s.input.ExpectedBucketOwner).toBe(s.command === 'HeadBucketCommand' ? undefined : ACCOUNT);
    }
  });

  it('--max-age adds the listing (and only then), judged against ctx.now()', async () => {
    const script: Script = {
      ...healthyS3(),
      ListObjectsV2Command: {
        Contents: [
          { Key: 'a.json', LastModified: new Date('2026-11-25T02:00:00Z') },
          { Key: 'b.json', LastModified: new Date('2026-11-24T02:00:00Z') },
        ],
        IsTruncated: false,
      },
    };
    const r = await verify(script, { maxAge: '26h' });
    expect(r.code).toBe(0);
    expect(r.s3Sent.filter((s) => s.command === 'ListObjectsV2Command')).toHaveLength(1);
    expect(r.s3Sent.find((s) => s.command === 'ListObjectsV2Command')?.input.ExpectedBucketOwner).toBe(
      ACCOUNT,
    );
    expect(r.stdout()).toContain(
      '✔ freshness        newest object written 2026-11-25T02:00:00.000Z (10h ago)',
    );
  });

  it('a missing action: exit 1, the policy check names it', async () => {
    const p = generatePolicy(BUCKET);
    const st = p.Statement[0] as PolicyStatement;
    st.Action = (st.Action as string[]).filter((a) => a !== 's3:PutObject');
    const r = await verify(healthyS3(p));
    expect(r.code).toBe(1);
    expect(r.stdout()).toMatch(
      /^✖ policy +1 of 11 required grants missing — role\/AWSDataSyncS3BucketAccessCustomerBackendEventsRole: s3:PutObject on arn:aws:s3:::prophecy-customer-backend-events-acme\/\* \(no statement allows it\)$/m,
    );
    expect(r.stdout().trimEnd().split('\n').at(-1)).toBe('FAILED: 9 passed, 0 warnings, 1 failed');
  });

  it('--json: one document that parses against verifyResultSchema', async () => {
    const r = await verify(healthyS3(), { json: true });
    expect(r.code).toBe(0);
    const doc = verifyResultSchema.parse(JSON.parse(r.stdout()));
    expect(doc).toMatchObject({ schemaVersion: 1, ok: true, bucket: BUCKET, region: 'us-east-1' });
    expect(doc.checks.map((c) => [c.id, c.status])).toEqual([
      ['bucket', 'pass'],
      ['name', 'pass'],
      ['region', 'pass'],
      ['ownership', 'pass'],
      ['policy', 'pass'],
      ['least-privilege', 'pass'],
      ['public-access', 'pass'],
      ['encryption', 'pass'],
      ['requester-pays', 'pass'],
      ['versioning', 'pass'],
    ]);
    // Additive within schemaVersion 1: said once, whenever the bucket checks ran.
    expect(doc.organizationGuardrails).toBe(ORGANIZATION_GUARDRAILS_NOTE);
    expect(r.stdout().endsWith('}\n')).toBe(true);
  });

  it('a refused read fails its check naming the permission; a missing bucket skips the bucket checks', async () => {
    const denied = await verify({ ...healthyS3(), GetBucketPolicyCommand: awsError('AccessDenied', 403) });
    expect(denied.code).toBe(1);
    expect(denied.stdout()).toMatch(
      /✖ policy +could not read it: access denied \(your identity needs s3:GetBucketPolicy/,
    );
    expect(denied.stdout()).toMatch(/⚠ least-privilege +not checked/);

    const gone = awsError('NoSuchBucket', 404);
    const missing = await verify(
      {
        HeadBucketCommand: awsError('NotFound', 404),
        GetBucketLocationCommand: gone,
        GetBucketOwnershipControlsCommand: gone,
        GetPublicAccessBlockCommand: gone,
        GetBucketPolicyCommand: gone,
        GetBucketEncryptionCommand: gone,
        GetBucketRequestPaymentCommand: gone,
        GetBucketVersioningCommand: gone,
        GetObjectLockConfigurationCommand: gone,
      },
      { json: true },
    );
    expect(missing.code).toBe(1);
    const doc = verifyResultSchema.parse(JSON.parse(missing.stdout()));
    expect(doc.checks.map((c) => [c.id, c.status])).toEqual([
      ['bucket', 'fail'],
      ['name', 'pass'],
    ]);
    expect(doc.region).toBe('us-east-1');
    expect(doc.organizationGuardrails).toBeUndefined();
  });

  it('a failed identity call stops the run, and no owner-bound read is sent without the owner', async () => {
    const f = fakeContext(healthyS3(), { GetCallerIdentityCommand: awsError('ExpiredToken', 400) });
    await expect(run(f.ctx, parse({ suffix: SUFFIX } as VerifyFlags, f.ctx))).rejects.toThrow();
    expect(f.s3Sent.map((s) => s.command)).toEqual(['HeadBucketCommand']);
    expect(f.stdout()).toBe('');
  });

  it('a network failure stops the run instead of judging', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await expect(verify({ ...healthyS3(), GetBucketPolicyCommand: down })).rejects.toThrow();
  });
});

describe('readBucketState (setup) through the same read table', () => {
  it('records refused reads by permission and keeps absent settings undefined', async () => {
    const sent: Sent[] = [];
    const s3 = fakeClient(
      {
        ...healthyS3(),
        GetBucketOwnershipControlsCommand: awsError('OwnershipControlsNotFoundError', 404),
        GetPublicAccessBlockCommand: awsError('AccessDenied', 403),
        ListObjectsV2Command: { KeyCount: 1, Contents: [{ Key: 'x' }] },
      },
      sent,
    );
    const state = await readBucketState(s3 as unknown as ReadEnv['s3'], BUCKET, {
      owner: ACCOUNT,
      checkObjects: true,
    });
    expect(state).toEqual({
      bucket: BUCKET,
      existence: 'yours',
      denied: ['s3:GetBucketPublicAccessBlock'],
      region: 'us-east-1',
      objectOwnership: undefined,
      publicAccessBlock: undefined,
      policyText: JSON.stringify(generatePolicy(BUCKET)),
      hasObjects: true,
    });
    expect(sent.every((s) => s.input.ExpectedBucketOwner === ACCOUNT)).toBe(true);
  });
});

describe('verify: can Prophecy actually deliver? (encryption chain, bucket features, conditions)', () => {
  const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const ROLE = 'arn:aws:iam::133450206866:role/AWSDataSyncS3BucketAccessCustomerBackendEventsRole';
  const adminOnly = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
  const granting = {
    ...adminOnly,
    Statement: [
      ...adminOnly.Statement,
      {
        Sid: 'ProphecyDataSyncKmsAccess',
        Effect: 'Allow',
        Principal: { AWS: ROLE },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
      },
    ],
  };
  const sseKms = (keyId?: string, algorithm = 'aws:kms'): Script => ({
    ...healthyS3(),
    GetBucketEncryptionCommand: {
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: {
              SSEAlgorithm: algorithm,
              ...(keyId ? { KMSMasterKeyID: keyId } : {}),
            },
          },
        ],
      },
    },
  });
  const kms = (policy: unknown, metadata: Record<string, unknown> = {}): Script => ({
    DescribeKeyCommand: {
      KeyMetadata: { Arn: KEY, KeyManager: 'CUSTOMER', KeyState: 'Enabled', ...metadata },
    },
    GetKeyPolicyCommand: policy instanceof Error ? policy : { Policy: JSON.stringify(policy) },
  });
  const line = (out: string, id: string) => out.split('\n').find((l) => new RegExp(`^. ${id} `).test(l));

  it('a customer managed key whose policy grants Prophecy: passes, shows the key ARN, reads the key in its region', async () => {
    const r = await verify(sseKms(KEY), {}, kms(granting));
    expect(r.code).toBe(0);
    expect(line(r.stdout(), 'encryption')).toMatch(
      new RegExp(`^✔ encryption +SSE-KMS with the customer managed key ${KEY}.*Tell Prophecy the key ARN`),
    );
    expect(r.kmsSent.map((k) => [k.command, k.input.KeyId, k.region])).toEqual(
      expect.arrayContaining([
        ['DescribeKeyCommand', KEY, 'us-east-1'],
        ['GetKeyPolicyCommand', KEY, 'us-east-1'],
      ]),
    );
    expect(r.kmsSent.find((k) => k.command === 'GetKeyPolicyCommand')?.input.PolicyName).toBe('default');
  });

  it('DSSE-KMS is judged like SSE-KMS', async () => {
    const r = await verify(sseKms(KEY, 'aws:kms:dsse'), {}, kms(granting));
    expect(r.code).toBe(0);
    expect(r.kmsSent.map((k) => k.command).sort()).toEqual(['DescribeKeyCommand', 'GetKeyPolicyCommand']);
  });

  it('a customer managed key without Prophecy in its policy: exit 1, the actions named, the statement printed', async () => {
    const r = await verify(sseKms(KEY), {}, kms(adminOnly));
    expect(r.code).toBe(1);
    const out = r.stdout();
    expect(line(out, 'encryption')).toMatch(
      /^✖ encryption +the key policy of arn:aws:kms:\S+ does not let Prophecy's role use the key for kms:Encrypt, kms:Decrypt, kms:ReEncrypt\*, kms:GenerateDataKey\* .*add statement "ProphecyDataSyncKmsAccess" \(setup --update-key-policy\)/,
    );
    expect(out).toContain(`    Add this statement to the key policy of ${KEY}`);
    expect(out).toContain('"kms:ViaService": "s3.us-east-1.amazonaws.com"');
    const json = await verify(sseKms(KEY), { json: true }, kms(adminOnly));
    const enc = verifyResultSchema.parse(JSON.parse(json.stdout())).checks.find((c) => c.id === 'encryption');
    expect(enc?.status).toBe('fail');
    expect(enc?.details).toMatchObject({ keyArn: KEY, statement: { Sid: 'ProphecyDataSyncKmsAccess' } });
  });

  it.each([
    ['the AWS managed key by omission (aws:kms, no key id)', undefined],
    ['the AWS managed key by alias', 'alias/aws/s3'],
  ])('%s: exit 1 with the fix, and no KMS call', async (_name, keyId) => {
    const r = await verify(sseKms(keyId));
    expect(r.code).toBe(1);
    expect(line(r.stdout(), 'encryption')).toMatch(
      /✖ encryption +default encryption uses the AWS managed key aws\/s3, which another account can never use.*use SSE-S3 \(AES256\) or a customer managed key/,
    );
    expect(r.kmsSent).toEqual([]);
  });

  it('an AWS managed key named by ARN (DescribeKey says KeyManager AWS) fails', async () => {
    const r = await verify(sseKms(KEY), {}, kms(adminOnly, { KeyManager: 'AWS' }));
    expect(r.code).toBe(1);
    expect(line(r.stdout(), 'encryption')).toMatch(
      /✖ encryption +default encryption uses an AWS managed key/,
    );
  });

  it('a key given by a customer alias fails: an alias resolves in the requester account', async () => {
    const r = await verify(sseKms('alias/audit-key'));
    expect(r.code).toBe(1);
    expect(line(r.stdout(), 'encryption')).toMatch(
      /names the key by alias \(alias\/audit-key\).*full key ARN/,
    );
  });

  it.each([
    ['Disabled', /is disabled/],
    ['PendingDeletion', /is pending deletion/],
  ])('a %s key fails', async (state, text) => {
    const r = await verify(sseKms(KEY), {}, kms(granting, { KeyState: state }));
    expect(r.code).toBe(1);
    expect(line(r.stdout(), 'encryption')).toMatch(text);
  });

  it('a key in another region than the bucket fails, and is asked for in its own region', async () => {
    const other = KEY.replace('us-east-1', 'us-west-2');
    const r = await verify(sseKms(other), {}, kms(granting, { Arn: other }));
    expect(r.code).toBe(1);
    expect(line(r.stdout(), 'encryption')).toMatch(/is in us-west-2, the bucket in us-east-1/);
    expect(r.kmsSent.every((k) => k.region === 'us-west-2')).toBe(true);
  });

  it('a key that does not exist fails naming it', async () => {
    const r = await verify(
      sseKms(KEY),
      {},
      {
        DescribeKeyCommand: awsError('NotFoundException', 400),
        GetKeyPolicyCommand: awsError('NotFoundException', 400),
      },
    );
    expect(r.code).toBe(1);
    expect(line(r.stdout(), 'encryption')).toMatch(/which does not exist in us-east-1/);
  });

  it('a key policy it may not read (e.g. a key of another account) warns naming kms:GetKeyPolicy and the key; --strict fails', async () => {
    const r = await verify(sseKms(KEY), {}, kms(awsError('AccessDeniedException', 400)));
    expect(r.code).toBe(0);
    expect(line(r.stdout(), 'encryption')).toMatch(
      new RegExp(
        `^⚠ encryption +could not read the key policy of ${KEY} \\(access denied\\).*kms:GetKeyPolicy`,
      ),
    );
    const strict = await verify(sseKms(KEY), { strict: true }, kms(awsError('AccessDeniedException', 400)));
    expect(strict.code).toBe(1);
  });

  it('a refused GetBucketEncryption warns naming s3:GetEncryptionConfiguration', async () => {
    const r = await verify({ ...healthyS3(), GetBucketEncryptionCommand: awsError('AccessDenied', 403) });
    expect(r.code).toBe(0);
    expect(line(r.stdout(), 'encryption')).toMatch(
      /⚠ encryption +could not read the default encryption.*s3:GetEncryptionConfiguration/,
    );
  });

  it('no default encryption configuration passes (S3 uses SSE-S3)', async () => {
    const r = await verify({
      ...healthyS3(),
      GetBucketEncryptionCommand: awsError('ServerSideEncryptionConfigurationNotFoundError', 404),
    });
    expect(r.code).toBe(0);
    expect(line(r.stdout(), 'encryption')).toMatch(/^✔ encryption/);
  });

  it('Requester Pays: exit 1 with the reason', async () => {
    const r = await verify({ ...healthyS3(), GetBucketRequestPaymentCommand: { Payer: 'Requester' } });
    expect(r.code).toBe(1);
    expect(line(r.stdout(), 'requester-pays')).toMatch(
      /^✖ requester-pays +Requester Pays is on: DataSync sends no x-amz-request-payer header/,
    );
  });

  it('versioning and Object Lock warn with what they mean for DataSync (exit 0; --strict 1)', async () => {
    const script: Script = {
      ...healthyS3(),
      GetBucketVersioningCommand: { Status: 'Enabled' },
      GetObjectLockConfigurationCommand: {
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
        },
      },
    };
    const r = await verify(script);
    expect(r.code).toBe(0);
    expect(line(r.stdout(), 'versioning')).toMatch(
      /^⚠ versioning +versioning is on: every object DataSync overwrites keeps its old version.*Object Lock is on with GOVERNANCE retention for 30 days/,
    );
    expect((await verify(script, { strict: true })).code).toBe(1);
  });

  it('RestrictPublicBuckets on while a statement is public: public-access fails (Prophecy is cut off too)', async () => {
    const p = generatePolicy(BUCKET);
    p.Statement.push({
      Sid: 'Open',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
    });
    const r = await verify(healthyS3(p));
    expect(r.code).toBe(1);
    expect(line(r.stdout(), 'public-access')).toMatch(
      /^✖ public-access +RestrictPublicBuckets is on while statement "Open" \(Principal "\*"\) makes the policy public/,
    );
  });

  it('an org-id guardrail: the policy check fails naming statement and key, and prints the exception (human and JSON)', async () => {
    const p = generatePolicy(BUCKET) as unknown as { Statement: unknown[] };
    p.Statement.push({
      Sid: 'OrgOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
    });
    const r = await verify(healthyS3(p));
    expect(r.code).toBe(1);
    const out = r.stdout();
    expect(line(out, 'policy')).toContain(
      `Deny "OrgOnly": aws:PrincipalOrgID is not the customer's org for Prophecy's role`,
    );
    expect(out).toContain('    Statement "OrgOnly" blocks Prophecy. Keep it and add an exception');
    expect(out).toContain('"StringNotEqualsIfExists"');
    const json = await verify(healthyS3(p), { json: true });
    const policy = verifyResultSchema.parse(JSON.parse(json.stdout())).checks.find((c) => c.id === 'policy');
    expect(JSON.stringify(policy?.details)).toContain('"aws:PrincipalAccount":["133450206866"]');
    // The JSON message stays one line; the snippet lives in details.
    expect(policy?.message).not.toContain('\n');
  });

  it('--quiet prints no note when nothing failed (cron mails any output)', async () => {
    const r = await verify(healthyS3(), { quiet: true });
    expect(r.stdout()).toBe('');
  });
});
