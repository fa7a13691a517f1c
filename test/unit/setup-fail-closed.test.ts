import { describe, expect, it } from 'vitest';
import { parse, run } from '../../src/commands/setup/run.js';
import { DEFAULT_PRINCIPALS } from '../../src/core/policy.js';
import { type CliError, ExitCode } from '../../src/errors.js';
import { asCliError } from '../../src/ui/aws-failure.js';
import { fakeContext, serviceError } from '../helpers/fake-context.js';

/**
 * Issue 12 §3: only NoSuchBucketPolicy means "no policy". Any other failure reading the policy stops setup
 * before its first write, and a policy that changed between the plan and the write is not overwritten.
 */

const ACCOUNT = '123456789012';
const BUCKET = 'prophecy-customer-backend-events-acme';

const CUSTOMER = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'CustomerReadOnly',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:role/Auditor' },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
    },
  ],
});

/** A bucket of the caller's that needs every step (ACLs on, no Block Public Access) and has a customer policy. */
function withCustomerBucket(f: ReturnType<typeof fakeContext>): void {
  f.s3.buckets.set(BUCKET, {
    owner: ACCOUNT,
    region: 'us-east-1',
    ownership: 'ObjectWriter',
    policy: CUSTOMER,
    objects: [],
  });
}

/** GetBucketPolicy answers through `answer` (its n-th call, from 1); every other command as usual. */
function scriptPolicyReads(f: ReturnType<typeof fakeContext>, answer: (n: number) => unknown): void {
  const send = f.s3.send.bind(f.s3);
  let n = 0;
  f.s3.send = async (command) => {
    if (command.constructor.name === 'GetBucketPolicyCommand') {
      f.s3.sent.push({ name: 'GetBucketPolicy', input: command.input });
      const out = answer(++n);
      if (out instanceof Error) throw out;
      return out;
    }
    return send(command);
  };
}

async function setup(f: ReturnType<typeof fakeContext>): Promise<{ code: number; error?: CliError }> {
  try {
    return { code: await run(f.ctx, parse({ suffix: 'acme', yes: true }, f.ctx)) };
  } catch (err) {
    // As src/cli.ts reports it: CliErrors and AWS failures are worded, anything else is a bug.
    const cli = asCliError(err);
    if (cli) return { code: cli.exitCode, error: cli };
    throw err;
  }
}

describe('setup fails closed on the bucket policy', () => {
  it.each([
    ['a 404 that is not NoSuchBucketPolicy (NoSuchBucket)', serviceError('NoSuchBucket', 404)],
    ['a bare 404 (NotFound)', serviceError('NotFound', 404)],
    ['a 500 InternalError (after the SDK retries)', serviceError('InternalError', 500)],
    ['a 503 that stayed throttled', serviceError('SlowDown', 503)],
    ['AccessDenied', serviceError('AccessDenied', 403)],
  ])('GetBucketPolicy answering %s: exit 2 before any write, customer policy untouched', async (_, err) => {
    const f = fakeContext();
    withCustomerBucket(f);
    scriptPolicyReads(f, () => err);
    const r = await setup(f);
    expect(r.code).toBe(ExitCode.error);
    expect(f.s3.writes).toEqual([]);
    expect(f.s3.buckets.get(BUCKET)?.policy).toBe(CUSTOMER);
    expect(r.error?.message).toMatch(/GetBucketPolicy|s3:GetBucketPolicy|slow|throttl/i);
  });

  it('names the 404 and says nothing was changed', async () => {
    const f = fakeContext();
    withCustomerBucket(f);
    scriptPolicyReads(f, () => serviceError('NoSuchBucket', 404, 'The specified bucket does not exist'));
    const r = await setup(f);
    expect(r.error?.message).toBe(
      `Could not read ${BUCKET}: GetBucketPolicy answered NoSuchBucket (HTTP 404) although the bucket exists. A setting that cannot be read is not taken as "not set", so nothing was changed.`,
    );
  });

  it('NoSuchBucketPolicy (and only it) means "no policy": the vendor statements are written', async () => {
    const f = fakeContext();
    withCustomerBucket(f);
    const bucket = f.s3.buckets.get(BUCKET);
    if (bucket) bucket.policy = undefined;
    expect((await setup(f)).code).toBe(ExitCode.ok);
    const policy = JSON.parse(String(f.s3.buckets.get(BUCKET)?.policy));
    expect(policy.Statement.map((s: { Principal: { AWS: string } }) => s.Principal.AWS)).toEqual([
      DEFAULT_PRINCIPALS.datasyncRoleArn,
      DEFAULT_PRINCIPALS.locationUserArn,
    ]);
  });

  it('re-reads the policy right before PutBucketPolicy and stops (exit 2) when it changed since the plan', async () => {
    const f = fakeContext();
    withCustomerBucket(f);
    const edited = CUSTOMER.replace('CustomerReadOnly', 'CustomerReadOnlyEdited');
    // 1: the look the plan is based on; 2: the re-read just before the write sees a concurrent edit.
    scriptPolicyReads(f, (n) => ({ Policy: n === 1 ? CUSTOMER : edited }));
    const r = await setup(f);
    expect(r.code).toBe(ExitCode.error);
    expect(r.error?.message).toMatch(
      /^Setup stopped at "Bucket policy.*": The policy of prophecy-customer-backend-events-acme changed since the plan; run again\.$/,
    );
    // The steps before the policy ran; the policy write never went out.
    expect(f.s3.writes.map((c) => c.name)).toEqual(['PutBucketOwnershipControls', 'PutPublicAccessBlock']);
    expect(f.s3.sent.filter((c) => c.name === 'GetBucketPolicy')).toHaveLength(2);
  });

  it('a re-read that fails (not NoSuchBucketPolicy) also stops before the write', async () => {
    const f = fakeContext();
    withCustomerBucket(f);
    scriptPolicyReads(f, (n) => (n === 1 ? { Policy: CUSTOMER } : serviceError('NoSuchBucket', 404)));
    const r = await setup(f);
    expect(r.code).toBe(ExitCode.error);
    expect(f.s3.writes.map((c) => c.name)).not.toContain('PutBucketPolicy');
    expect(f.s3.buckets.get(BUCKET)?.policy).toBe(CUSTOMER);
  });

  it('an unchanged policy is written after the re-read (the re-read is the last call before the write)', async () => {
    const f = fakeContext();
    withCustomerBucket(f);
    expect((await setup(f)).code).toBe(ExitCode.ok);
    const names = f.s3.sent.map((c) => c.name);
    const put = names.indexOf('PutBucketPolicy');
    expect(names[put - 1]).toBe('GetBucketPolicy');
    const policy = JSON.parse(String(f.s3.buckets.get(BUCKET)?.policy));
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toContain('CustomerReadOnly');
  });
});
