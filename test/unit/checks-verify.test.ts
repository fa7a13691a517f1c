import { describe, expect, it } from 'vitest';
import { type ReadEnv, readBucketState } from '../../src/aws/bucket-read.js';
import type { AwsClientFactory, AwsSettings } from '../../src/aws/factory.js';
import type { VerifyFlags } from '../../src/commands/verify/flags.js';
import { parse, run } from '../../src/commands/verify/run.js';
import type { Context } from '../../src/context.js';
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

function fakeContext(s3Script: Script, stsScript?: Script) {
  const out = stream();
  const err = stream();
  const s3Sent: Sent[] = [];
  const stsSent: Sent[] = [];
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
      kms: () => Promise.reject(new Error('verify reads no KMS key')),
      athena: () => Promise.reject(new Error('verify runs no query')),
    }),
    signal: new AbortController().signal,
    debug: false,
  };
  return { ctx, stdout: out.text, stderr: err.text, s3Sent, stsSent };
}

async function verify(s3Script: Script, flags: Partial<VerifyFlags> = {}) {
  const f = fakeContext(s3Script);
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
        '✔ policy           all 11 required grants are allowed',
        '✔ least-privilege  the vendor principals get only the required actions',
        '✔ public-access    all four Block Public Access settings are on',
        'OK: 7 passed, 0 warnings, 0 failed',
        '',
      ].join('\n'),
    );
    expect(r.stderr()).toBe('');
  });

  it('performs exactly the reads the checks declare: HeadBucket without an owner, the rest with the caller account', async () => {
    const r = await verify(healthyS3());
    expect(r.stsSent.map((s) => s.command)).toEqual(['GetCallerIdentityCommand']);
    expect(r.s3Sent.map((s) => s.command).sort()).toEqual([
      'GetBucketLocationCommand',
      'GetBucketOwnershipControlsCommand',
      'GetBucketPolicyCommand',
      'GetPublicAccessBlockCommand',
      'HeadBucketCommand',
    ]);
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
    expect(r.stdout().trimEnd().split('\n').at(-1)).toBe('FAILED: 6 passed, 0 warnings, 1 failed');
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
    ]);
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
