import { describe, expect, it } from 'vitest';
import {
  type BucketEncryptionRule,
  type EncryptionInput,
  generateKmsStatement,
  judgeEncryption,
  KMS_SID,
  keyToDescribe,
  mergeKeyPolicy,
  renderKmsStatement,
} from '../../src/core/kms.js';
import { DEFAULT_PRINCIPALS, objectsArn } from '../../src/core/policy.js';
import { renderPolicyDiff } from '../../src/core/policy-diff.js';
import { CliError } from '../../src/errors.js';

const BUCKET = 'prophecy-customer-backend-events-acme';
const REGION = 'us-east-1';
const ROLE = DEFAULT_PRINCIPALS.datasyncRoleArn;
const OWNER = '111122223333';
const KEY = `arn:aws:kms:${REGION}:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const kmsRules = (KMSMasterKeyID?: string, SSEAlgorithm = 'aws:kms'): BucketEncryptionRule[] => [
  { ApplyServerSideEncryptionByDefault: { SSEAlgorithm, ...(KMSMasterKeyID ? { KMSMasterKeyID } : {}) } },
];

const ownerRoot = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${OWNER}:root` },
  Action: 'kms:*',
  Resource: '*',
};

const keyPolicy = (...extra: unknown[]) =>
  JSON.stringify({ Version: '2012-10-17', Id: 'key-default-1', Statement: [ownerRoot, ...extra] });

const ours = generateKmsStatement(DEFAULT_PRINCIPALS, REGION);

function judge(over: Partial<EncryptionInput>) {
  return judgeEncryption({
    bucket: BUCKET,
    region: REGION,
    principals: DEFAULT_PRINCIPALS,
    rules: kmsRules(KEY),
    key: { Arn: KEY, KeyManager: 'CUSTOMER', KeyState: 'Enabled' },
    keyPolicy: keyPolicy(ours),
    ...over,
  });
}

describe('generateKmsStatement', () => {
  it('grants the role the four actions through S3 in the region', () => {
    expect(generateKmsStatement(DEFAULT_PRINCIPALS, 'eu-west-1')).toEqual({
      Sid: 'ProphecyDataSyncKmsAccess',
      Effect: 'Allow',
      Principal: { AWS: ROLE },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
    });
    expect(JSON.parse(renderKmsStatement(DEFAULT_PRINCIPALS, REGION))).toEqual(ours);
  });
});

describe('judgeEncryption', () => {
  const rows: [name: string, input: Partial<EncryptionInput>, status: string, message: RegExp][] = [
    ['no configuration', { rules: undefined }, 'pass', /SSE-S3/],
    [
      'SSE-S3',
      { rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      'pass',
      /SSE-S3/,
    ],
    ['aws:kms without a key id is aws/s3', { rules: kmsRules() }, 'fail', /AWS managed key aws\/s3/],
    ['the alias aws/s3', { rules: kmsRules('alias/aws/s3') }, 'fail', /AWS managed key aws\/s3/],
    [
      'an alias ARN',
      { rules: kmsRules(`arn:aws:kms:${REGION}:${OWNER}:alias/audit`) },
      'fail',
      /by alias .*requester's account.*full key ARN/,
    ],
    ['an alias name', { rules: kmsRules('alias/audit') }, 'fail', /by alias/],
    [
      'a bare key id',
      { rules: kmsRules('1234abcd-12ab-34cd-56ef-1234567890ab') },
      'fail',
      /by id .*full key ARN/,
    ],
    [
      'DescribeKey says AWS managed',
      { key: { Arn: KEY, KeyManager: 'AWS', KeyState: 'Enabled' } },
      'fail',
      /AWS managed key/,
    ],
    ['disabled', { key: { Arn: KEY, KeyManager: 'CUSTOMER', KeyState: 'Disabled' } }, 'fail', /is disabled/],
    [
      'pending deletion',
      { key: { Arn: KEY, KeyManager: 'CUSTOMER', KeyState: 'PendingDeletion' } },
      'fail',
      /is pending deletion/,
    ],
    [
      'another region',
      {
        rules: kmsRules(KEY.replace(REGION, 'eu-west-1')),
        key: { Arn: KEY.replace(REGION, 'eu-west-1'), KeyManager: 'CUSTOMER', KeyState: 'Enabled' },
      },
      'fail',
      /is in eu-west-1, the bucket in us-east-1/,
    ],
    ['key not describable', { key: { unreadable: 'AccessDeniedException' } }, 'warn', /kms:DescribeKey/],
    [
      'key policy unreadable',
      { keyPolicy: { unreadable: 'AccessDeniedException: key in another account' } },
      'warn',
      /could not read the key policy of arn:aws:kms:.*kms:GetKeyPolicy/,
    ],
    ['our statement: grant', {}, 'pass', /customer managed key .*lets Prophecy's role use it/],
    ['DSSE-KMS with our statement', { rules: kmsRules(KEY, 'aws:kms:dsse') }, 'pass', /customer managed key/],
    [
      'no grant',
      { keyPolicy: keyPolicy() },
      'fail',
      /for kms:Encrypt, kms:Decrypt, kms:ReEncrypt\*, kms:GenerateDataKey\* .*ProphecyDataSyncKmsAccess/,
    ],
    [
      'kms:ViaService of another region',
      { keyPolicy: keyPolicy(generateKmsStatement(DEFAULT_PRINCIPALS, 'eu-west-1')) },
      'fail',
      /kms:ViaService is s3\.us-east-1\.amazonaws\.com/,
    ],
    [
      'kms:ViaService of another service',
      {
        keyPolicy: keyPolicy({
          ...ours,
          Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } },
        }),
      },
      'fail',
      /does not let/,
    ],
    [
      'only GenerateDataKey and Encrypt',
      { keyPolicy: keyPolicy({ ...ours, Action: ['kms:Encrypt', 'kms:GenerateDataKey'] }) },
      'fail',
      /for kms:Decrypt, kms:ReEncrypt\* /,
    ],
    [
      'ReEncryptFrom without ReEncryptTo',
      {
        keyPolicy: keyPolicy({
          ...ours,
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:GenerateDataKey*'],
        }),
      },
      'fail',
      /for kms:ReEncrypt\* /,
    ],
    [
      'kms:* to the role without condition',
      { keyPolicy: keyPolicy({ Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:*', Resource: '*' }) },
      'pass',
      /lets Prophecy's role use it/,
    ],
    [
      "Prophecy's account root only",
      { keyPolicy: keyPolicy({ ...ours, Principal: { AWS: 'arn:aws:iam::133450206866:root' } }) },
      'warn',
      /whole account 133450206866 \(root\)/,
    ],
    [
      'a Deny unless the caller is in the owner account',
      {
        keyPolicy: keyPolicy(ours, {
          Sid: 'OwnAccountOnly',
          Effect: 'Deny',
          Principal: '*',
          Action: 'kms:*',
          Resource: '*',
          Condition: { StringNotEquals: { 'kms:CallerAccount': OWNER } },
        }),
      },
      'fail',
      /Deny "OwnAccountOnly": kms:CallerAccount is 133450206866, not 111122223333/,
    ],
    [
      'a grant that depends on an encryption context key',
      {
        keyPolicy: keyPolicy({
          ...ours,
          Condition: { StringLike: { 'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${BUCKET}/*` } },
        }),
      },
      'warn',
      /depending on kms:EncryptionContext:aws:s3:arn/,
    ],
    [
      'a bucket policy requiring SSE-C',
      {
        rules: undefined,
        bucketPolicy: JSON.stringify({
          Statement: [
            {
              Sid: 'RequireSSEC',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: objectsArn(BUCKET),
              Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'true' } },
            },
          ],
        }),
      },
      'fail',
      /requires SSE-C \(statement "RequireSSEC"\)/,
    ],
    [
      'blocked encryption type that the default gives',
      {
        rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
            BlockedEncryptionTypes: { EncryptionType: ['SSE-S3'] },
          },
        ],
      },
      'fail',
      /blocks SSE-S3/,
    ],
    [
      'blocking SSE-C is fine',
      {
        rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
            BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
          },
        ],
      },
      'pass',
      /SSE-S3/,
    ],
    [
      'encryption configuration unreadable',
      { rules: { unreadable: 'AccessDenied' } },
      'warn',
      /s3:GetEncryptionConfiguration/,
    ],
  ];

  it.each(rows)('%s', (_name, input, status, message) => {
    const r = judge(input);
    expect([r.status, r.message]).toEqual([status, expect.stringMatching(message)]);
  });

  it('names the key ARN for Prophecy whenever a customer managed key is in use, never for SSE-S3 or aws/s3', () => {
    expect(judge({}).keyArn).toBe(KEY);
    expect(judge({ keyPolicy: keyPolicy() }).keyArn).toBe(KEY);
    expect(judge({ keyPolicy: { unreadable: 'x' } }).keyArn).toBe(KEY);
    expect(judge({ key: { Arn: KEY, KeyManager: 'CUSTOMER', KeyState: 'Disabled' } }).keyArn).toBe(KEY);
    expect(judge({ rules: undefined }).keyArn).toBeUndefined();
    expect(judge({ rules: kmsRules() }).keyArn).toBeUndefined();
  });

  it('a missing grant carries the statement to add', () => {
    const r = judge({ keyPolicy: keyPolicy() });
    expect((r.details as { statement: unknown }).statement).toEqual(ours);
  });

  it('keyToDescribe: only a full key ARN', () => {
    expect(keyToDescribe(kmsRules(KEY))).toBe(KEY);
    expect(keyToDescribe(kmsRules('alias/audit'))).toBeUndefined();
    expect(keyToDescribe(kmsRules())).toBeUndefined();
    expect(
      keyToDescribe([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }]),
    ).toBeUndefined();
    expect(keyToDescribe(undefined)).toBeUndefined();
  });
});

describe('mergeKeyPolicy', () => {
  it('appends our statement and keeps the owner statements and the document fields', () => {
    const m = mergeKeyPolicy(keyPolicy(), DEFAULT_PRINCIPALS, REGION);
    expect(m.change).toBe('update');
    expect(m.merged.Version).toBe('2012-10-17');
    expect((m.merged as unknown as { Id: string }).Id).toBe('key-default-1');
    expect(m.merged.Statement).toEqual([ownerRoot, ours]);
    expect(renderPolicyDiff(m.diff)).toEqual([
      `= keep "Enable IAM User Permissions" (yours): Allow arn:aws:iam::${OWNER}:root: kms:* on *`,
      `+ add "${KMS_SID}" (Prophecy's): Allow ${ROLE}: kms:Encrypt, kms:Decrypt, kms:ReEncrypt* and 1 more on * when StringEquals kms:ViaService = s3.us-east-1.amazonaws.com`,
    ]);
  });

  it('a re-run changes nothing, also when KMS hands the statement back reordered', () => {
    const once = mergeKeyPolicy(keyPolicy(), DEFAULT_PRINCIPALS, REGION);
    expect(mergeKeyPolicy(once.text, DEFAULT_PRINCIPALS, REGION).change).toBe('none');
    const reordered = keyPolicy({
      Condition: { StringEquals: { 'KMS:VIASERVICE': 's3.us-east-1.amazonaws.com' } },
      Resource: ['*'],
      Action: ['kms:GenerateDataKey*', 'kms:ReEncrypt*', 'kms:Decrypt', 'kms:Encrypt'],
      Principal: { AWS: [ROLE] },
      Effect: 'Allow',
      Sid: KMS_SID,
    });
    const again = mergeKeyPolicy(reordered, DEFAULT_PRINCIPALS, REGION);
    expect(again.change).toBe('none');
    expect(again.text).toBe(reordered);
  });

  it('replaces an outdated statement of ours where it stands', () => {
    const stale = {
      ...ours,
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
    };
    const other = {
      Sid: 'Auditors',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/A' },
      Action: 'kms:Decrypt',
      Resource: '*',
    };
    const m = mergeKeyPolicy(keyPolicy(stale, other), DEFAULT_PRINCIPALS, REGION);
    expect(m.change).toBe('update');
    expect(m.merged.Statement).toEqual([ownerRoot, ours, other]);
    expect(m.diff.map((d) => d.op)).toEqual(['=', '~', '=']);
  });

  it('refuses a key policy it cannot read', () => {
    expect(() => mergeKeyPolicy('{nope', DEFAULT_PRINCIPALS, REGION)).toThrow(CliError);
    expect(() => mergeKeyPolicy('{nope', DEFAULT_PRINCIPALS, REGION)).toThrow(
      /KMS key has a key policy that setup cannot read/,
    );
  });
});
