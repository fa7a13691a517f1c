import { stripVTControlCharacters as plain } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RevokeFlags } from '../../src/commands/revoke/flags.js';
import { parse, run } from '../../src/commands/revoke/run.js';
import type { Prompts } from '../../src/context.js';
import { runChecks } from '../../src/core/checks.js';
import { generateKmsStatement } from '../../src/core/kms.js';
import { DEFAULT_PRINCIPALS, generatePolicy, vendorStatements } from '../../src/core/policy.js';
import { ALL_BLOCKED } from '../../src/core/setup-plan.js';
import { DATASYNC_SID, KMS_SID, LOCATION_SID } from '../../src/core/vendor.js';
import { CliError, ExitCode, UsageError } from '../../src/errors.js';
import { revokePlanSchema, revokeResultSchema } from '../../src/schemas/revoke.js';
import { fakeContext, serviceError } from '../helpers/fake-context.js';

const ACCOUNT = '123456789012';
const BUCKET = 'prophecy-customer-backend-events-acme';
const ROLE = DEFAULT_PRINCIPALS.datasyncRoleArn;
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const [ds, loc] = vendorStatements(BUCKET) as [object, object];

const auditorRead = {
  Sid: 'AuditorRead',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::111122223333:role/Auditor' },
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
};

const roleExtra = {
  Sid: 'ExtraRead',
  Effect: 'Allow',
  Principal: { AWS: ROLE },
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
};

/** Customer statement first, then ours, laid out by hand: what stays must stay byte for byte. */
const mixedText = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    ${JSON.stringify(auditorRead)},\n    ${JSON.stringify(ds)},\n    ${JSON.stringify(loc)}\n  ]\n}`;
const keptText = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    ${JSON.stringify(auditorRead)}\n  ]\n}`;

type Fake = ReturnType<typeof fakeContext>;

function bucket(f: Fake, policy: string | undefined, extra: { owner?: string; objects?: string[] } = {}) {
  f.s3.buckets.set(BUCKET, {
    owner: extra.owner ?? ACCOUNT,
    region: 'us-east-1',
    ownership: 'BucketOwnerEnforced',
    publicAccessBlock: ALL_BLOCKED,
    ...(policy === undefined ? {} : { policy }),
    objects: extra.objects ?? ['a.json', 'b.json'],
  });
}

/** parse then run, in-process, the way src/cli.ts does; a thrown CliError is returned as its exit code. */
async function revoke(f: Fake, flags: RevokeFlags): Promise<number> {
  try {
    return await run(f.ctx, parse(flags, f.ctx));
  } catch (err) {
    if (err instanceof CliError) {
      f.ctx.stderr.write(`Error: ${err.message}\n${err.hint ?? ''}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

const bucketWrites = (f: Fake) => f.s3.writes.map((c) => c.name);

describe('revoke in-process (fake context, fake AWS clients)', () => {
  it('plans on stderr: removed Sids, kept statements, other doors, and the kept line; --dry-run writes nothing', async () => {
    const f = fakeContext();
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [auditorRead, ds, roleExtra, loc] });
    bucket(f, text);
    expect(await revoke(f, { suffix: 'acme', dryRun: true })).toBe(ExitCode.ok);
    const err = plain(f.stderr());
    expect(err).toMatch(/^AWS account 123456789012 as arn:aws:sts::123456789012:/);
    expect(err).toMatch(/Revoke plan for prophecy-customer-backend-events-acme \(account 123456789012\):/);
    expect(err).toMatch(
      /1\. \[update\] Bucket policy: remove Prophecy's statements: remove Prophecy's 2 statements, keeping your 2 other statements/,
    );
    expect(err).toMatch(/= keep "AuditorRead" \(yours\)/);
    expect(err).toMatch(new RegExp(`- remove "${DATASYNC_SID}" \\(Prophecy's\\)`));
    expect(err).toMatch(new RegExp(`- remove "${LOCATION_SID}" \\(Prophecy's\\)`));
    expect(err).toMatch(
      /⚠ Bucket policy: statement "ExtraRead" is not Prophecy's and stays, but it still allows Prophecy's DataSync role: s3:GetObject/,
    );
    expect(err).toMatch(/objects and the bucket are kept: 2 objects, newest 2026-11-02T00:00:00.000Z;/);
    expect(err).toMatch(/Dry run: nothing was changed/);
    expect(f.stdout()).toBe('');
    expect(bucketWrites(f)).toEqual([]);
  });

  it('--dry-run --json prints a plan document revokePlanSchema accepts, and writes nothing', async () => {
    const f = fakeContext();
    bucket(f, mixedText);
    expect(await revoke(f, { suffix: 'acme', dryRun: true, json: true })).toBe(ExitCode.ok);
    const doc = revokePlanSchema.parse(JSON.parse(f.stdout()));
    expect(doc).toMatchObject({
      kind: 'plan',
      identity: { account: ACCOUNT },
      bucket: BUCKET,
      satisfied: false,
      objects: { count: 2, lowerBound: false },
    });
    expect(doc.steps).toMatchObject([
      {
        id: 'bucket-policy',
        change: 'update',
        api: 'PutBucketPolicy',
        before: ['AuditorRead', DATASYNC_SID, LOCATION_SID],
        after: ['AuditorRead'],
        removed: [DATASYNC_SID, LOCATION_SID],
      },
    ]);
    expect(bucketWrites(f)).toEqual([]);
  });

  it('asks with default no; declining exits 130 and writes nothing', async () => {
    const f = fakeContext({ tty: true });
    bucket(f, mixedText);
    const asked: { message: string; default?: boolean }[] = [];
    f.ctx.prompts = async () =>
      ({
        confirm: async (q: { message: string; default?: boolean }) => {
          asked.push(q);
          return false;
        },
      }) as unknown as Prompts;
    expect(await revoke(f, { suffix: 'acme' })).toBe(ExitCode.interrupted);
    expect(asked).toEqual([{ message: "Remove Prophecy's access as planned?", default: false }]);
    expect(f.stderr()).toMatch(/Aborted, nothing was changed/);
    expect(bucketWrites(f)).toEqual([]);
  });

  it('without a terminal and without --yes: exit 2 before AWS is reached', async () => {
    const f = fakeContext();
    bucket(f, mixedText);
    expect(() => parse({ suffix: 'acme' }, f.ctx)).toThrow(UsageError);
    expect(() => parse({ suffix: 'acme' }, f.ctx)).toThrow(/stdin is not a terminal.*--yes/);
    expect(await revoke(f, { suffix: 'acme' })).toBe(ExitCode.error);
    expect(f.awsSettings).toEqual([]);
    expect(() => parse({}, f.ctx)).toThrow(/Missing bucket/);
  });

  it('--yes writes back exactly the other statements, with ExpectedBucketOwner on every bucket call', async () => {
    const f = fakeContext();
    bucket(f, mixedText);
    expect(await revoke(f, { suffix: 'acme', yes: true })).toBe(ExitCode.ok);
    expect(bucketWrites(f)).toEqual(['PutBucketPolicy']);
    expect(f.s3.buckets.get(BUCKET)?.policy).toBe(keptText);
    expect(f.s3.buckets.get(BUCKET)?.objects).toEqual(['a.json', 'b.json']);
    for (const c of f.s3.sent.filter((c) => c.name !== 'ListBuckets')) {
      expect(c.input.ExpectedBucketOwner, c.name).toBe(ACCOUNT);
    }
    const err = plain(f.stderr());
    expect(err).toMatch(/✔ Bucket policy: remove Prophecy's statements: updated/);
    expect(err).toMatch(/✔ Prophecy's access was removed/);
    expect(err).toMatch(/remove that entry/);
  });

  it('deletes a policy that held only the vendor statements; a second run changes nothing', async () => {
    const f = fakeContext();
    bucket(f, JSON.stringify(generatePolicy(BUCKET)));
    expect(await revoke(f, { suffix: 'acme', yes: true, json: true })).toBe(ExitCode.ok);
    expect(bucketWrites(f)).toEqual(['DeleteBucketPolicy']);
    expect(f.s3.buckets.get(BUCKET)?.policy).toBeUndefined();
    const doc = revokeResultSchema.parse(JSON.parse(f.stdout()));
    expect(doc).toMatchObject({ ok: true, remaining: [], steps: [{ change: 'delete', status: 'applied' }] });

    const again = fakeContext();
    again.s3.buckets.set(BUCKET, f.s3.buckets.get(BUCKET) as never);
    expect(await revoke(again, { suffix: 'acme', yes: true })).toBe(ExitCode.ok);
    expect(bucketWrites(again)).toEqual([]);
    expect(plain(again.stderr())).toMatch(/1\. \[no change\] Bucket policy/);
    expect(plain(again.stderr())).toMatch(/Nothing to revoke/);
  });

  it('stops with exit 2 and writes nothing when the policy changed since the plan (fail closed)', async () => {
    const f = fakeContext();
    bucket(f, mixedText);
    let reads = 0;
    f.s3.beforeAnswer = (name) => {
      // The look reads the policy for the plan; the next read is apply's, just before writing.
      if (name === 'GetBucketPolicy' && ++reads === 2) {
        const b = f.s3.buckets.get(BUCKET);
        if (b) b.policy = mixedText.replace('AuditorRead', 'AuditorReadRenamed');
      }
    };
    expect(await revoke(f, { suffix: 'acme', yes: true })).toBe(ExitCode.error);
    expect(bucketWrites(f)).toEqual([]);
    expect(f.s3.buckets.get(BUCKET)?.policy).toContain('AuditorReadRenamed');
    const err = plain(f.stderr());
    expect(err).toMatch(/✖ Bucket policy: remove Prophecy's statements: failed/);
    expect(err).toMatch(
      /The bucket policy of prophecy-customer-backend-events-acme changed since revoke read it, so revoke did not write it/,
    );
    expect(err).toMatch(/Running revoke again resumes/);
  });

  it("refuses another account's bucket with exit 2 and writes nothing", async () => {
    const f = fakeContext();
    bucket(f, JSON.stringify(generatePolicy(BUCKET)), { owner: '222233334444' });
    expect(await revoke(f, { suffix: 'acme', yes: true })).toBe(ExitCode.error);
    expect(bucketWrites(f)).toEqual([]);
    expect(f.stderr()).toMatch(/belongs to another AWS account, not to 123456789012/);
  });

  it('refuses a bucket that does not exist with exit 2', async () => {
    const f = fakeContext();
    expect(await revoke(f, { suffix: 'acme', yes: true })).toBe(ExitCode.error);
    expect(f.stderr()).toMatch(/does not exist, so there is no access to revoke/);
    expect(bucketWrites(f)).toEqual([]);
  });

  it('refuses to plan when the bucket policy may not be read', async () => {
    const f = fakeContext();
    bucket(f, JSON.stringify(generatePolicy(BUCKET)));
    f.s3.beforeAnswer = (name) => {
      if (name === 'GetBucketPolicy') throw serviceError('AccessDenied', 403);
    };
    expect(await revoke(f, { suffix: 'acme', yes: true })).toBe(ExitCode.error);
    expect(f.stderr()).toMatch(
      /Could not read the bucket policy .*access denied, so revoke cannot tell what to remove/,
    );
    expect(bucketWrites(f)).toEqual([]);
  });

  it('exits 1 naming a customer statement that still lets Prophecy in', async () => {
    const f = fakeContext();
    bucket(f, JSON.stringify({ Version: '2012-10-17', Statement: [ds, roleExtra, loc] }));
    expect(await revoke(f, { suffix: 'acme', yes: true })).toBe(ExitCode.checkFailed);
    expect(JSON.parse(f.s3.buckets.get(BUCKET)?.policy ?? '{}').Statement).toEqual([roleExtra]);
    expect(plain(f.stderr())).toMatch(
      /✖ Some access remains .*\n {2}statement "ExtraRead" allows role\/AWSDataSyncS3BucketAccessCustomerBackendEventsRole: s3:GetObject/,
    );
  });

  describe('the KMS key policy', () => {
    const admin = {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:*',
      Resource: '*',
    };
    const keyText = JSON.stringify(
      { Version: '2012-10-17', Statement: [admin, generateKmsStatement(DEFAULT_PRINCIPALS, 'us-east-1')] },
      null,
      2,
    );
    function kmsBucket(f: Fake) {
      bucket(f, JSON.stringify(generatePolicy(BUCKET)));
      const b = f.s3.buckets.get(BUCKET);
      if (b) {
        b.encryption = { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN };
      }
      f.kms.policies.set(KEY_ARN, keyText);
    }

    it('without --key-policy: warns that our statement is still there and leaves the key alone', async () => {
      const f = fakeContext();
      kmsBucket(f);
      expect(await revoke(f, { suffix: 'acme', yes: true })).toBe(ExitCode.ok);
      expect(plain(f.stderr())).toMatch(
        new RegExp(`still has Prophecy's statement "${KMS_SID}".*--key-policy`),
      );
      expect(f.kms.writes).toEqual([]);
      expect(f.kms.policies.get(KEY_ARN)).toBe(keyText);
    });

    it('with --key-policy: removes only our statement', async () => {
      const f = fakeContext();
      kmsBucket(f);
      expect(await revoke(f, { suffix: 'acme', yes: true, keyPolicy: true })).toBe(ExitCode.ok);
      expect(bucketWrites(f)).toEqual(['DeleteBucketPolicy']);
      expect(f.kms.writes.map((c) => c.input.KeyId)).toEqual([KEY_ARN]);
      expect(JSON.parse(f.kms.policies.get(KEY_ARN) ?? '{}').Statement).toEqual([admin]);
      expect(plain(f.stderr())).toMatch(/✔ KMS key policy: remove Prophecy's statement .*: updated/);
    });

    it('stops with exit 2 before writing a key policy that changed since the plan', async () => {
      const f = fakeContext();
      kmsBucket(f);
      f.s3.beforeAnswer = (name) => {
        // The bucket step is done; someone edits the key policy before the key step re-reads it.
        if (name === 'DeleteBucketPolicy')
          f.kms.policies.set(KEY_ARN, keyText.replace('kms:*', 'kms:Describe*'));
      };
      expect(await revoke(f, { suffix: 'acme', yes: true, keyPolicy: true })).toBe(ExitCode.error);
      expect(f.kms.writes).toEqual([]);
      const err = plain(f.stderr());
      expect(err).toMatch(/Completed: Bucket policy: remove Prophecy's statements\. Failed: KMS key policy/);
      expect(err).toMatch(/The key policy of arn:aws:kms:.* changed since revoke read it/);
    });

    it('a failure half-way says what completed, and a re-run resumes', async () => {
      const f = fakeContext();
      kmsBucket(f);
      f.kms.fail.PutKeyPolicy = serviceError('AccessDeniedException', 400, 'not allowed');
      expect(await revoke(f, { suffix: 'acme', yes: true, keyPolicy: true })).toBe(ExitCode.error);
      const err = plain(f.stderr());
      expect(err).toMatch(/Completed: Bucket policy: remove Prophecy's statements\. Failed: KMS key policy/);
      expect(err).toMatch(
        /Access denied calling kms:PutKeyPolicy: your identity is missing kms:PutKeyPolicy/,
      );
      expect(err).toMatch(/Running revoke again resumes/);
      expect(f.s3.buckets.get(BUCKET)?.policy).toBeUndefined();

      f.kms.fail = {};
      const again = fakeContext();
      again.s3.buckets.set(BUCKET, f.s3.buckets.get(BUCKET) as never);
      again.kms.policies.set(KEY_ARN, keyText);
      expect(await revoke(again, { suffix: 'acme', yes: true, keyPolicy: true })).toBe(ExitCode.ok);
      expect(plain(again.stderr())).toMatch(/1\. \[no change\] Bucket policy/);
      expect(plain(again.stderr())).toMatch(/2\. \[update\] KMS key policy/);
      expect(bucketWrites(again)).toEqual([]);
    });
  });
});

describe("verify's policy check after a revoke", () => {
  const state = (policyText: string | undefined) => ({
    bucket: BUCKET,
    existence: 'yours' as const,
    region: 'us-east-1',
    denied: [],
    policyText,
  });
  const policyCheck = (policyText: string | undefined) =>
    runChecks({ state: state(policyText), expectedRegion: 'us-east-1', principals: DEFAULT_PRINCIPALS }).find(
      (c) => c.id === 'policy',
    );

  it.each([
    [
      'the customer statements revoke kept',
      keptText,
      /^Prophecy's access was removed: the bucket policy has none/,
    ],
    [
      'no policy',
      undefined,
      /^the bucket has no policy, so Prophecy cannot sync into it: Prophecy's access was removed/,
    ],
  ])('fails with the revoked message for %s', (_name, text, message) => {
    const c = policyCheck(text);
    expect(c?.status).toBe('fail');
    expect(c?.message).toMatch(message);
    expect(c?.message).toMatch(/remove this verify \(cron\) entry/);
  });

  it.each([
    ['a customer grant to Prophecy', JSON.stringify({ Statement: [roleExtra] })],
    ['one vendor statement left', JSON.stringify({ Statement: [ds] })],
  ])('keeps the missing-grants message for %s', (_name, text) => {
    const c = policyCheck(text);
    expect(c?.status).toBe('fail');
    expect(c?.message).toMatch(/required grants missing/);
  });
});
