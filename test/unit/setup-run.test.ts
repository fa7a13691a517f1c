import { stripVTControlCharacters as plain } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SetupFlags } from '../../src/commands/setup/flags.js';
import { parse, run } from '../../src/commands/setup/run.js';
import { DEFAULT_PRINCIPALS, generatePolicy } from '../../src/core/policy.js';
import { ALL_BLOCKED } from '../../src/core/setup-plan.js';
import { CliError, ExitCode, InterruptedError, UsageError } from '../../src/errors.js';
import { setupPlanDocumentSchema, setupResultDocumentSchema } from '../../src/schemas/setup.js';
import { fakeContext } from '../helpers/fake-context.js';

const ACCOUNT = '123456789012';
const BUCKET = 'prophecy-customer-backend-events-acme';

/** parse then run, in-process, the way src/cli.ts does; a thrown CliError is returned as its exit code. */
async function setup(f: ReturnType<typeof fakeContext>, flags: SetupFlags): Promise<number> {
  try {
    return await run(f.ctx, parse(flags, f.ctx));
  } catch (err) {
    if (err instanceof CliError) return err.exitCode;
    throw err;
  }
}

function finishedBucket(f: ReturnType<typeof fakeContext>): void {
  f.s3.buckets.set(BUCKET, {
    owner: ACCOUNT,
    region: 'us-east-1',
    ownership: 'BucketOwnerEnforced',
    publicAccessBlock: ALL_BLOCKED,
    policy: JSON.stringify(generatePolicy(BUCKET)),
    objects: [],
  });
}

describe('setup in-process (fake context, fake AWS clients)', () => {
  it('creates a new bucket with --yes: the writes in order, each with ExpectedBucketOwner where S3 takes it', async () => {
    const f = fakeContext();
    expect(await setup(f, { suffix: 'acme', yes: true })).toBe(ExitCode.ok);
    expect(f.s3.writes.map((c) => c.name)).toEqual([
      'CreateBucket',
      'PutPublicAccessBlock',
      'PutBucketPolicy',
    ]);
    const [create, pab, policy] = f.s3.writes;
    // CreateBucket has no ExpectedBucketOwner parameter; S3 answers BucketAlreadyExists instead.
    expect(create?.input).toEqual({ Bucket: BUCKET, ObjectOwnership: 'BucketOwnerEnforced' });
    expect(pab?.input).toMatchObject({
      Bucket: BUCKET,
      ExpectedBucketOwner: ACCOUNT,
      PublicAccessBlockConfiguration: ALL_BLOCKED,
    });
    expect(policy?.input).toMatchObject({ Bucket: BUCKET, ExpectedBucketOwner: ACCOUNT });
    expect(JSON.parse(String(policy?.input.Policy))).toStrictEqual(generatePolicy(BUCKET));
    // Every read of the bucket after the look also names the owner.
    for (const c of f.s3.sent.filter((c) => c.name.startsWith('Get'))) {
      expect(c.input.ExpectedBucketOwner, c.name).toBe(ACCOUNT);
    }
    expect(f.sts.sent.map((c) => c.name)).toEqual(['GetCallerIdentity']);
    expect(f.stderr()).toMatch(/^AWS account 123456789012 as arn:aws:sts::123456789012:/);
    expect(f.stderr()).toMatch(/does not exist yet/);
    expect(f.stderr()).toMatch(/Checking the result:/);
    expect(f.stdout()).toContain(`Bucket ARN: arn:aws:s3:::${BUCKET}`);
    expect(f.awsSettings).toEqual([{ profile: undefined, region: undefined, endpointUrl: undefined }]);
  });

  it('re-run on a satisfied bucket sends no writes and says so', async () => {
    const f = fakeContext();
    finishedBucket(f);
    expect(await setup(f, { suffix: 'acme', yes: true, json: true })).toBe(ExitCode.ok);
    expect(f.s3.writes).toEqual([]);
    expect(plain(f.stderr())).toMatch(/Nothing to change: the bucket is already set up/);
    const doc = setupResultDocumentSchema.parse(JSON.parse(f.stdout()));
    expect(doc.steps.map((s) => s.status)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(doc.ok).toBe(true);
  });

  it('a declined confirmation exits 130 and writes nothing', async () => {
    const f = fakeContext({ tty: true, answers: [false] });
    const input = parse({ suffix: 'acme', region: 'us-east-1' }, f.ctx);
    expect(input.interactive).toBe(true);
    const err = await run(f.ctx, input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect((err as InterruptedError).exitCode).toBe(130);
    expect(f.asked).toEqual(['Apply this plan?']);
    expect(f.s3.writes).toEqual([]);
    expect(f.s3.sent.length).toBeGreaterThan(0);
  });

  it('asks first whether to use a bucket that holds objects; "no" exits 130 before the plan is applied', async () => {
    const f = fakeContext({ tty: true, answers: [false] });
    f.s3.buckets.set(BUCKET, { owner: ACCOUNT, region: 'us-east-1', objects: ['old.json'] });
    expect(await setup(f, { suffix: 'acme' })).toBe(ExitCode.interrupted);
    expect(f.asked).toEqual(['The bucket is not empty. Set it up anyway?']);
    expect(f.s3.writes).toEqual([]);
  });

  it('the wizard asks suffix and region, and asks again for a name another account holds', async () => {
    const f = fakeContext({ tty: true, answers: ['theirs', 'acme', 'us-east-1', true] });
    f.s3.buckets.set('prophecy-customer-backend-events-theirs', {
      owner: '222233334444',
      region: 'us-east-1',
      objects: [],
    });
    expect(await setup(f, {})).toBe(ExitCode.ok);
    expect(f.asked).toEqual([
      'Bucket suffix:',
      'Bucket suffix:',
      'Region for the bucket (type to filter):',
      'Apply this plan?',
    ]);
    expect(plain(f.stderr())).toMatch(
      /prophecy-customer-backend-events-theirs belongs to another AWS account/,
    );
    expect(f.s3.writes.map((c) => c.input.Bucket)).toEqual([BUCKET, BUCKET, BUCKET]);
  });

  it('without a terminal, a name another account holds is refused with exit 2 and nothing written', async () => {
    const f = fakeContext();
    f.s3.buckets.set(BUCKET, { owner: '222233334444', region: 'us-east-1', objects: [] });
    const err = await run(f.ctx, parse({ suffix: 'acme', yes: true }, f.ctx)).catch((e: unknown) => e);
    expect((err as CliError).message).toBe(
      `The bucket name ${BUCKET} is taken: it exists in another AWS account.`,
    );
    expect((err as CliError).exitCode).toBe(2);
    expect(f.s3.writes).toEqual([]);
  });

  it('no TTY without --yes exits 2 before any AWS call', async () => {
    const f = fakeContext();
    expect(() => parse({ suffix: 'acme' }, f.ctx)).toThrow(UsageError);
    expect(await setup(f, { suffix: 'acme' })).toBe(ExitCode.error);
    expect(() => parse({}, f.ctx)).toThrow(
      /pass --suffix <suffix> \(or --bucket <name>\) and --yes \(or --dry-run to only see the plan\)/,
    );
    expect(f.awsSettings).toEqual([]);
    expect(f.s3.sent).toEqual([]);
    expect(f.sts.sent).toEqual([]);
  });

  it('--dry-run --json prints the plan and sends no writes', async () => {
    const f = fakeContext();
    expect(await setup(f, { suffix: 'acme', dryRun: true, json: true })).toBe(ExitCode.ok);
    expect(JSON.parse(f.stdout())).toMatchObject({ kind: 'plan', bucket: BUCKET, satisfied: false });
    expect(f.s3.writes).toEqual([]);
    expect(plain(f.stderr())).toMatch(/Dry run: nothing was changed\.\n$/);
  });

  it("a failing step names what completed; Ctrl-C meanwhile would too (the run's interrupt note)", async () => {
    const f = fakeContext();
    const notes: string[] = [];
    const send = f.s3.send.bind(f.s3);
    f.s3.send = async (command) => {
      if (command.constructor.name === 'PutBucketPolicyCommand') {
        notes.push(f.ctx.interrupt.message());
        throw Object.assign(new Error('Access Denied'), {
          name: 'AccessDenied',
          $metadata: { httpStatusCode: 403 },
        });
      }
      return send(command);
    };
    const err = (await run(f.ctx, parse({ suffix: 'acme', yes: true }, f.ctx)).catch(
      (e: unknown) => e,
    )) as CliError;
    expect(err.message).toBe(
      `Setup stopped at "Bucket policy: grant Prophecy's DataSync role and s3access user": Access denied calling PutBucketPolicy: your identity is missing s3:PutBucketPolicy on ${BUCKET}.`,
    );
    expect(err.hint).toMatch(/Running setup again resumes/);
    expect(plain(f.stderr())).toMatch(/Completed: Bucket .*; Block Public Access.*\. Failed: Bucket policy/);
    expect(notes[0]).toMatch(
      /^Interrupted during "Bucket policy.*Completed: Bucket .* in us-east-1; Block Public Access: all four settings on\. Running setup again resumes/,
    );
    expect(f.ctx.interrupt.message()).toBe('Interrupted.');
  });

  it('an "Invalid principal" refusal names the principal that came from a flag', async () => {
    const f = fakeContext();
    const send = f.s3.send.bind(f.s3);
    f.s3.send = async (command) => {
      if (command.constructor.name === 'PutBucketPolicyCommand') {
        throw Object.assign(new Error('Invalid principal in policy'), {
          name: 'MalformedPolicy',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return send(command);
    };
    const role = 'arn:aws:iam::111122223333:role/Typo';
    const err = (await run(f.ctx, parse({ suffix: 'acme', yes: true, datasyncRoleArn: role }, f.ctx)).catch(
      (e: unknown) => e,
    )) as CliError;
    expect(err.message).toMatch(
      `a principal does not exist in IAM. Check ${role} (from --datasync-role-arn).`,
    );
    expect(err.hint).toMatch(/^Correct --datasync-role-arn/);
  });

  it('parse produces the complete input from the flags, once', () => {
    const f = fakeContext();
    const input = parse(
      {
        bucket: 'my-audit-bucket',
        region: 'eu-west-1',
        profile: 'prod',
        locationUserArn: 'arn:aws:iam::111122223333:user/s3access',
        yes: true,
      },
      f.ctx,
    );
    expect(input).toEqual({
      aws: { profile: 'prod', region: 'eu-west-1', endpointUrl: undefined },
      bucket: 'my-audit-bucket',
      warnings: [
        `"my-audit-bucket" does not start with "prophecy-customer-backend-events-", the name Prophecy's instructions ask for.`,
      ],
      region: 'eu-west-1',
      principals: { ...DEFAULT_PRINCIPALS, locationUserArn: 'arn:aws:iam::111122223333:user/s3access' },
      overridden: ['locationUserArn'],
      yes: true,
      dryRun: false,
      json: false,
      updateKeyPolicy: false,
      interactive: false,
    });
    expect(plain(f.stderr())).toMatch(/^Warning: "my-audit-bucket" does not start with/);
  });
});

describe('setup and the settings it does not change (fake S3, STS and KMS)', () => {
  const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const admin = {
    Sid: 'Enable IAM User Permissions',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    Action: 'kms:*',
    Resource: '*',
  };
  const keyPolicy = JSON.stringify({ Version: '2012-10-17', Id: 'key-default-1', Statement: [admin] });

  function cmkBucket(f: ReturnType<typeof fakeContext>, manager: 'AWS' | 'CUSTOMER' = 'CUSTOMER'): void {
    finishedBucket(f);
    const b = f.s3.buckets.get(BUCKET);
    if (b) b.encryption = { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY };
    f.kms.keys.set(KEY, { manager, state: 'Enabled', policy: keyPolicy });
  }

  it('--update-key-policy: the plan shows the step, PutKeyPolicy merges our statement (others kept), the final check passes; a re-run changes nothing', async () => {
    const f = fakeContext();
    cmkBucket(f);
    expect(await setup(f, { suffix: 'acme', yes: true, updateKeyPolicy: true })).toBe(ExitCode.ok);
    const err = plain(f.stderr());
    expect(err).toMatch(/\[update\] KMS key policy: merge statement "ProphecyDataSyncKmsAccess"/);
    expect(err).toMatch(/✖ encryption: the key policy of arn:aws:kms:/); // the finding, shown in the plan
    expect(f.kms.writes).toHaveLength(1);
    const put = f.kms.sent.find((c) => c.name === 'PutKeyPolicy');
    expect(put?.input).toMatchObject({ KeyId: KEY, PolicyName: 'default' });
    expect(put?.region).toBe('us-east-1');
    const written = JSON.parse(String(put?.input.Policy));
    expect(written.Id).toBe('key-default-1');
    expect(written.Statement[0]).toStrictEqual(admin);
    expect(written.Statement[1]).toMatchObject({
      Sid: 'ProphecyDataSyncKmsAccess',
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });
    expect(err).toMatch(/✔ encryption +SSE-KMS with the customer managed key/);
    // The key is part of what to send Prophecy: their role's policy must name it.
    expect(f.stdout()).toContain(`  KMS key:    ${KEY}  (their role's policy must name it)`);
    // The final check made verify's reads, KMS included, after the write.
    const after = f.kms.sent.slice(f.kms.sent.indexOf(put as never) + 1).map((c) => c.name);
    expect(after).toEqual(expect.arrayContaining(['DescribeKey', 'GetKeyPolicy']));

    const again = fakeContext();
    cmkBucket(again);
    again.kms.keys.set(KEY, { manager: 'CUSTOMER', state: 'Enabled', policy: String(put?.input.Policy) });
    expect(await setup(again, { suffix: 'acme', yes: true, updateKeyPolicy: true, json: true })).toBe(
      ExitCode.ok,
    );
    expect(again.kms.writes).toEqual([]);
    expect(plain(again.stderr())).toMatch(/\[no change\] KMS key policy/);
    const doc = setupResultDocumentSchema.parse(JSON.parse(again.stdout()));
    expect(doc.steps.map((s) => `${s.id}:${s.status}`)).toContain('kms-key-policy:unchanged');
  });

  it('without --update-key-policy: a manual step with the exact statement, no key policy write, the final check fails (exit 1)', async () => {
    const f = fakeContext();
    cmkBucket(f);
    expect(await setup(f, { suffix: 'acme', yes: true })).toBe(ExitCode.checkFailed);
    expect(f.kms.writes).toEqual([]);
    const err = plain(f.stderr());
    expect(err).toMatch(
      /\[manual\] KMS key policy: add statement "ProphecyDataSyncKmsAccess" to the key policy of/,
    );
    expect(err).toContain('"Sid": "ProphecyDataSyncKmsAccess"');
    expect(err).not.toMatch(/Nothing to change/);
    expect(err).toMatch(/✖ encryption +the key policy of/);
  });

  it('--dry-run --json: the plan document carries the findings and the manual step', async () => {
    const f = fakeContext();
    cmkBucket(f);
    const b = f.s3.buckets.get(BUCKET);
    if (b) b.versioning = 'Enabled';
    expect(await setup(f, { suffix: 'acme', dryRun: true, json: true })).toBe(ExitCode.ok);
    const doc = setupPlanDocumentSchema.parse(JSON.parse(f.stdout()));
    expect(doc.findings?.map((x) => [x.id, x.status])).toEqual([
      ['encryption', 'fail'],
      ['requester-pays', 'pass'],
      ['versioning', 'warn'],
    ]);
    expect(doc.manual?.[0]).toMatchObject({
      id: 'kms-key-policy',
      statement: { Sid: 'ProphecyDataSyncKmsAccess' },
    });
    expect(f.kms.writes).toEqual([]);
  });

  it.each([
    [true, 1, ExitCode.ok],
    [false, 0, ExitCode.checkFailed],
  ])(
    'the wizard asks its own default-no question (answer %s): %i key policy writes, exit %i',
    async (answer, writes, code) => {
      const f = fakeContext({ tty: true, answers: [answer, true] });
      cmkBucket(f);
      expect(await setup(f, { suffix: 'acme' })).toBe(code);
      // After a "no" nothing is left to apply on this otherwise finished bucket, so there is no second question.
      expect(f.asked).toEqual([
        `Also change the key policy of ${KEY} (add statement "ProphecyDataSyncKmsAccess" with PutKeyPolicy)?`,
        ...(answer ? ['Apply this plan?'] : []),
      ]);
      expect(f.kms.writes).toHaveLength(writes);
      if (!answer) expect(plain(f.stderr())).toMatch(/\[manual\] KMS key policy: .*\(you answered no\)/);
    },
  );

  it('the AWS managed key: stops before applying (exit 2) with the fix, nothing written', async () => {
    const f = fakeContext();
    finishedBucket(f);
    const b = f.s3.buckets.get(BUCKET);
    if (b) {
      b.encryption = { SSEAlgorithm: 'aws:kms' };
      b.policy = undefined; // there would be a policy step to apply
    }
    const err = await run(f.ctx, parse({ suffix: 'acme', yes: true }, f.ctx)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toMatch(/Setup stops before changing anything/);
    expect((err as CliError).hint).toMatch(
      /AWS managed key aws\/s3.*setup does not change the bucket's default encryption/,
    );
    expect(f.s3.writes).toEqual([]);
    expect(f.stdout()).toBe('');
  });

  it('Requester Pays: stops before applying (exit 2) with the fix, nothing written', async () => {
    const f = fakeContext();
    finishedBucket(f);
    const b = f.s3.buckets.get(BUCKET);
    if (b) b.payer = 'Requester';
    const err = await run(f.ctx, parse({ suffix: 'acme', yes: true }, f.ctx)).catch((e: unknown) => e);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).hint).toMatch(/Requester Pays is on.*put-bucket-request-payment/);
    expect(plain(f.stderr())).toMatch(/✖ requester-pays: Requester Pays is on/);
    expect(f.s3.writes).toEqual([]);
  });

  it('a guardrail Deny of yours survives the merge: the plan shows the policy finding with its fix, the final check fails', async () => {
    const f = fakeContext();
    finishedBucket(f);
    const b = f.s3.buckets.get(BUCKET);
    const policy = generatePolicy(BUCKET) as unknown as { Statement: unknown[] };
    policy.Statement.unshift({
      Sid: 'OrgOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
    });
    if (b) b.policy = JSON.stringify(policy);
    expect(await setup(f, { suffix: 'acme', yes: true })).toBe(ExitCode.checkFailed);
    const err = plain(f.stderr());
    const planPart = err.slice(0, err.indexOf('Checking the result:'));
    expect(planPart).toMatch(
      /✖ policy: with the merged policy: 11 of 11 required grants missing — .*Deny "OrgOnly": aws:PrincipalOrgID is not the customer's org/,
    );
    expect(err).toContain('Statement "OrgOnly" blocks Prophecy. Keep it and add an exception');
  });

  it('a new bucket: no findings to read, and the final check reads what verify reads', async () => {
    const f = fakeContext();
    expect(await setup(f, { suffix: 'acme', yes: true })).toBe(ExitCode.ok);
    const reads = f.s3.sent
      .slice(f.s3.sent.findIndex((c) => c.name === 'PutBucketPolicy') + 1)
      .map((c) => c.name);
    expect(reads).toEqual(
      expect.arrayContaining([
        'GetBucketEncryption',
        'GetBucketRequestPayment',
        'GetBucketVersioning',
        'GetObjectLockConfiguration',
        'GetBucketPolicy',
      ]),
    );
    expect(f.kms.sent).toEqual([]);
  });
});
