import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { awsCall } from '../../src/aws/errors.js';
import { OPERATIONS, OPERATORS, type Operation, operationsOf } from '../../src/aws/operations.js';
import { operatorPolicy } from '../../src/aws/permissions.js';
import { parse, run } from '../../src/commands/policy-print/run.js';
import { READS } from '../../src/core/checks/reads.js';
import { generatePolicy, renderPolicy } from '../../src/core/policy.js';
import { UsageError } from '../../src/errors.js';
import { fakeContext } from '../helpers/fake-context.js';

const BUCKET = 'prophecy-customer-backend-events-acme';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const denied = () =>
  Promise.reject(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: {} }));

describe('the operation table', () => {
  it('awsCall takes the IAM action from the table, stated or not', async () => {
    await expect(awsCall({ operation: 'GetObject', resource: 'b/k' }, denied)).rejects.toMatchObject({
      action: 's3:GetObject',
    });
    await expect(awsCall({ operation: 'GetBucketEncryption' }, denied)).rejects.toMatchObject({
      action: 's3:GetEncryptionConfiguration',
    });
    const sts = await awsCall({ operation: 'sts:GetCallerIdentity' }, denied).catch((e: unknown) => e);
    expect((sts as { action?: string }).action).toBeUndefined();
  });

  it('an undeclared operation or a wrong action does not compile', () => {
    // These lines are checked by `npm run typecheck`: each must be a type error.
    const never = async () => {
      // @ts-expect-error: not in src/aws/operations.ts
      await awsCall({ operation: 'PutBucketAcl' }, denied);
      // @ts-expect-error: HeadBucket needs s3:ListBucket, not s3:HeadBucket
      await awsCall({ operation: 'HeadBucket', action: 's3:HeadBucket' }, denied);
    };
    expect(typeof never).toBe('function');
  });

  it('uses the names of the service authorization reference for the calls whose action differs', () => {
    const action = (o: Operation) => OPERATIONS[o].action;
    expect(action('GetBucketEncryption')).toBe('s3:GetEncryptionConfiguration');
    expect(action('HeadBucket')).toBe('s3:ListBucket');
    expect(action('ListObjectsV2')).toBe('s3:ListBucket');
    expect(action('GetPublicAccessBlock')).toBe('s3:GetBucketPublicAccessBlock');
    expect(action('PutPublicAccessBlock')).toBe('s3:PutBucketPublicAccessBlock');
    expect(action('GetObjectLockConfiguration')).toBe('s3:GetBucketObjectLockConfiguration');
    expect(action('ListBuckets')).toBe('s3:ListAllMyBuckets');
    expect(action('sts:GetCallerIdentity')).toBeNull();
  });

  it("agrees with verify's read catalogue (the permission a refused read is reported with)", () => {
    for (const [key, spec] of Object.entries(READS)) {
      const call = spec.call.split(/[ ,]/)[0] as Operation;
      expect(OPERATIONS[call]?.action, key).toBe(spec.permissions[0]);
      expect(OPERATIONS[call]?.usedBy, key).toContain('verify');
    }
  });

  it('every operator has operations; every declared operation says who sends it', () => {
    for (const op of OPERATORS) expect(operationsOf(op).length, op).toBeGreaterThan(0);
    for (const [name, spec] of Object.entries(OPERATIONS)) {
      expect(spec.usedBy.length > 0 || spec.service === 'athena', name).toBe(true);
    }
  });

  it('docs/permissions.md lists every operation with its action and its commands', () => {
    const doc = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');
    for (const [name, spec] of Object.entries(OPERATIONS)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| ${name} |`));
      expect(row, name).toBeDefined();
      expect(row, name).toContain(spec.action ? `\`${spec.action}\`` : 'none');
      for (const c of spec.usedBy) expect(row, name).toContain(c);
    }
  });
});

describe('operatorPolicy', () => {
  it('verify: bucket-level reads on the bucket ARN only; no ListAllMyBuckets, no writes, no objects', () => {
    const { policy, omitted } = operatorPolicy('verify', { bucket: BUCKET });
    expect(policy).toStrictEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ProphecyAuditVerifyBucket',
          Effect: 'Allow',
          Action: [
            's3:GetBucketLocation',
            's3:GetBucketObjectLockConfiguration',
            's3:GetBucketOwnershipControls',
            's3:GetBucketPolicy',
            's3:GetBucketPublicAccessBlock',
            's3:GetBucketRequestPayment',
            's3:GetBucketVersioning',
            's3:GetEncryptionConfiguration',
            's3:ListBucket',
          ],
          Resource: `arn:aws:s3:::${BUCKET}`,
        },
      ],
    });
    expect(omitted).toEqual(['kms:DescribeKey', 'kms:GetKeyPolicy']);
  });

  it('events: ListBucket on the bucket and GetObject on its objects, nothing else', () => {
    const { policy, omitted } = operatorPolicy('events', { bucket: BUCKET, kmsKeyArn: KEY });
    expect(policy.Statement).toStrictEqual([
      {
        Sid: 'ProphecyAuditEventsBucket',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: `arn:aws:s3:::${BUCKET}`,
      },
      {
        Sid: 'ProphecyAuditEventsObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: `arn:aws:s3:::${BUCKET}/*`,
      },
    ]);
    expect(omitted).toEqual([]);
  });

  it('setup: writes on the bucket, ListAllMyBuckets on * (it has no resource), key actions on the key', () => {
    const { policy } = operatorPolicy('setup', { bucket: BUCKET, kmsKeyArn: KEY });
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(bySid.ProphecyAuditSetupBucket?.Action).toEqual(
      expect.arrayContaining(['s3:CreateBucket', 's3:PutBucketPolicy', 's3:PutBucketOwnershipControls']),
    );
    expect(bySid.ProphecyAuditSetupBucket?.Action).not.toContain('s3:DeleteBucketPolicy');
    expect(bySid.ProphecyAuditSetupAccountLevel).toEqual({
      Sid: 'ProphecyAuditSetupAccountLevel',
      Effect: 'Allow',
      Action: ['s3:ListAllMyBuckets'],
      Resource: '*',
    });
    expect(bySid.ProphecyAuditSetupKmsKey).toEqual({
      Sid: 'ProphecyAuditSetupKmsKey',
      Effect: 'Allow',
      Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy'],
      Resource: KEY,
    });
    // sts:GetCallerIdentity needs no permission; nothing is granted on * but ListAllMyBuckets.
    const all = policy.Statement.flatMap((s) => s.Action);
    expect(all.some((a) => a.startsWith('sts:'))).toBe(false);
    expect(policy.Statement.filter((s) => s.Resource === '*').flatMap((s) => s.Action)).toEqual([
      's3:ListAllMyBuckets',
    ]);
  });

  it('revoke: DeleteBucketPolicy and PutBucketPolicy, never CreateBucket', () => {
    const actions = operatorPolicy('revoke', { bucket: BUCKET }).policy.Statement.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['s3:DeleteBucketPolicy', 's3:PutBucketPolicy']));
    expect(actions).not.toContain('s3:CreateBucket');
    expect(actions).not.toContain('s3:GetObject');
  });
});

describe('policy print --operator (in-process)', () => {
  it('without --operator the output is the bucket policy, byte for byte as before', async () => {
    const f = fakeContext();
    expect(await run(f.ctx, parse({ suffix: 'acme' }, f.ctx))).toBe(0);
    expect(f.stdout()).toBe(renderPolicy(generatePolicy(BUCKET)));
    expect(f.stderr()).toBe('');
  });

  it('prints the identity policy as JSON, and names the KMS actions it left out on stderr', async () => {
    const f = fakeContext();
    expect(await run(f.ctx, parse({ suffix: 'acme', operator: 'verify' }, f.ctx))).toBe(0);
    expect(JSON.parse(f.stdout())).toStrictEqual(operatorPolicy('verify', { bucket: BUCKET }).policy);
    expect(f.stderr()).toMatch(/left out kms:DescribeKey, kms:GetKeyPolicy: .*--kms-key-arn/);
    expect(f.awsSettings).toEqual([]);
  });

  it('scopes the key actions to --kms-key-arn, and refuses a value that is no key ARN', async () => {
    const f = fakeContext();
    await run(f.ctx, parse({ suffix: 'acme', operator: 'verify', kmsKeyArn: KEY }, f.ctx));
    expect(JSON.parse(f.stdout()).Statement[1]).toEqual({
      Sid: 'ProphecyAuditVerifyKmsKey',
      Effect: 'Allow',
      Action: ['kms:DescribeKey', 'kms:GetKeyPolicy'],
      Resource: KEY,
    });
    expect(f.stderr()).toBe('');
    expect(() => parse({ suffix: 'acme', operator: 'verify', kmsKeyArn: 'alias/audit' }, f.ctx)).toThrow(
      /--kms-key-arn "alias\/audit" is not a KMS key ARN/,
    );
    expect(() => parse({ suffix: 'acme', kmsKeyArn: KEY }, f.ctx)).toThrow(UsageError);
  });
});
