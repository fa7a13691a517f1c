// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the inputs hold CloudFormation !Sub templates
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CheckId, type CheckStatus, runChecks } from '../../src/core/checks.js';
import { renderCloudFormation } from '../../src/core/iac/cloudformation.js';
import {
  entryBucketState,
  PLACEHOLDER_ACCOUNT_ID,
  type PolicyInputEntry,
  PolicyInputError,
  readPolicyInput,
} from '../../src/core/iac/read.js';
import { DEFAULT_PRINCIPALS, generatePolicy, renderPolicy } from '../../src/core/policy.js';

const BUCKET = 'prophecy-customer-backend-events-acme';
const fixture = (name: string) => readFileSync(new URL(`../fixtures/iac/${name}`, import.meta.url), 'utf8');
const modelPolicy = (bucket = BUCKET) => ({ ...generatePolicy(bucket), Version: '2012-10-17' });

/** The verdicts `verify` would give on this entry, as `{ check: status }`. */
function verdicts(
  entry: PolicyInputEntry | undefined,
  bucket = BUCKET,
): Partial<Record<CheckId, CheckStatus>> {
  if (!entry) throw new Error('no entry');
  const results = runChecks({
    state: entryBucketState(entry, bucket),
    expectedRegion: 'us-east-1',
    principals: DEFAULT_PRINCIPALS,
  });
  return Object.fromEntries(results.map((r) => [r.id, r.status]));
}

/** The first statement's Resource of an entry's policy. */
function resourceOf(entry: PolicyInputEntry | undefined): unknown {
  const policy = entry?.policy as { Statement: { Resource: unknown }[] } | undefined;
  return policy?.Statement[0]?.Resource;
}

function errorOf(f: () => unknown): PolicyInputError {
  try {
    f();
  } catch (err) {
    if (err instanceof PolicyInputError) return err;
    throw err;
  }
  throw new Error('expected a PolicyInputError');
}

describe('readPolicyInput: bucket policy JSON', () => {
  it('reads `policy print` output as a policy document', () => {
    const input = readPolicyInput(renderPolicy(generatePolicy(BUCKET)), { bucket: BUCKET });
    expect(input).toEqual({
      kind: 'policy',
      entries: [
        {
          source: 'policy document',
          bucket: BUCKET,
          policy: generatePolicy(BUCKET),
          problems: [],
          notes: [],
        },
      ],
    });
    expect(verdicts(input.entries[0])).toMatchObject({ policy: 'pass', 'least-privilege': 'pass' });
  });

  it('points at the line and column of invalid JSON', () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Sid": "x",}\n  ]\n}\n';
    const err = errorOf(() => readPolicyInput(text));
    expect([err.line, err.column]).toEqual([4, 17]);
    expect(err.message).toMatch(/^invalid JSON: .*\(line 4, column 17\)$/);
  });

  it('points at the end of truncated JSON', () => {
    const err = errorOf(() => readPolicyInput('{\n  "Statement": [\n'));
    expect(err.line).toBe(3);
  });

  it('refuses empty input and documents it does not recognise', () => {
    expect(errorOf(() => readPolicyInput(' \n')).message).toMatch(/empty/);
    expect(errorOf(() => readPolicyInput('{"foo": 1}')).message).toMatch(/not a bucket policy/);
    expect(errorOf(() => readPolicyInput('just: yaml\n')).message).toMatch(/not a bucket policy/);
  });
});

describe('readPolicyInput: CloudFormation', () => {
  it('resolves Ref, Join, Sub with variables, GetAtt and the partition in a customer template', () => {
    const input = readPolicyInput(fixture('template-customer.yaml'));
    expect(input.kind).toBe('cloudformation');
    expect(input.entries).toHaveLength(1);
    const entry = input.entries[0] as PolicyInputEntry;
    expect(entry.source).toBe('AuditBucketPolicy');
    expect(entry.bucket).toBe(BUCKET);
    expect(entry.problems).toEqual([]);
    const policy = entry.policy as { Statement: Record<string, unknown>[] };
    expect(policy.Statement.slice(0, 2)).toEqual(modelPolicy().Statement);
    expect(policy.Statement[2]).toEqual({
      Sid: 'DenyOtherAccountsDeletes',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:DeleteBucket',
      Resource: `arn:aws:s3:::${BUCKET}`,
      Condition: { StringNotEquals: { 'aws:PrincipalAccount': PLACEHOLDER_ACCOUNT_ID } },
    });
    expect(entry.notes.join('\n')).toMatch(/AWS::AccountId .* stands in as 000000000000/);
    // The bucket's own settings come along: ObjectWriter, and two of the four blocks ("true" counts).
    expect(entry.ownership).toBe('ObjectWriter');
    expect(entry.publicAccessBlock).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: false,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: false,
    });
    expect(verdicts(entry)).toMatchObject({
      policy: 'pass',
      'least-privilege': 'pass',
      ownership: 'fail',
      'public-access': 'warn',
    });
  });

  it('reads JSON templates with the long forms', () => {
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Parameters: { Suffix: { Type: 'String', Default: 'acme' } },
      Resources: {
        B: {
          Type: 'AWS::S3::Bucket',
          Properties: { BucketName: { 'Fn::Sub': 'prophecy-customer-backend-events-${Suffix}' } },
        },
        P: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: { Ref: 'B' },
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: modelPolicy().Statement.map((s) => ({
                ...s,
                Resource: Array.isArray(s.Resource)
                  ? [
                      { 'Fn::GetAtt': ['B', 'Arn'] },
                      { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['B', 'Arn'] }, '/*']] },
                    ]
                  : { 'Fn::Sub': ['arn:${AWS::Partition}:s3:::${Name}', { Name: { Ref: 'B' } }] },
              })),
            },
          },
        },
      },
    };
    const input = readPolicyInput(JSON.stringify(template, null, 2));
    expect(input.kind).toBe('cloudformation');
    expect(input.entries).toEqual([
      { source: 'P', bucket: BUCKET, policy: modelPolicy(), problems: [], notes: [] },
    ]);
  });

  it('keeps ${!Literal} literal in Sub', () => {
    const text = `Resources:
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: my-bucket
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::111122223333:root }
            Action: s3:GetObject
            Resource: !Sub 'arn:aws:s3:::my-bucket/\${!aws:username}/*'
`;
    const [entry] = readPolicyInput(text).entries;
    expect(entry?.problems).toEqual([]);
    expect(resourceOf(entry)).toBe('arn:aws:s3:::my-bucket/${aws:username}/*');
  });

  const withPolicy = (
    resource: string,
    bucketProperties = '    Properties:\n      BucketName: b\n',
  ) => `Parameters:
  NoDefault:
    Type: String
Resources:
  Bucket:
    Type: AWS::S3::Bucket
${bucketProperties}  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: arn:aws:iam::133450206866:user/s3access }
            Action: s3:ListBucket
            Resource: ${resource}
`;

  it('reports by name what cannot be known before deployment, and gives no policy', () => {
    const cases: [string, RegExp][] = [
      ['!GetAtt Bucket.DomainName', /Bucket\.DomainName is known only after deployment/],
      ['!Sub arn:aws:s3:::${NoDefault}', /parameter NoDefault has no Default/],
      ['!ImportValue SharedBucketArn', /Fn::ImportValue cannot be evaluated before deployment/],
      ['!Sub arn:aws:s3:::${AWS::StackName}', /AWS::StackName is known only at deployment/],
      ['!Ref Nothing', /Ref Nothing: no parameter or resource of that name/],
      ['!If [IsProd, a, b]', /Fn::If cannot be evaluated before deployment/],
    ];
    for (const [resource, problem] of cases) {
      const [entry] = readPolicyInput(withPolicy(resource)).entries;
      expect(entry?.policy, resource).toBeUndefined();
      expect(entry?.problems.join('\n'), resource).toMatch(problem);
      expect(entry?.problems.join('\n'), resource).toMatch(
        /^Policy\.PolicyDocument\.Statement\[0\]\.Resource/m,
      );
      // Not checkable is never a pass.
      expect(verdicts(entry).policy, resource).toBe('fail');
    }
  });

  it('names a bucket without BucketName unresolvable, unless the bucket being verified is given', () => {
    const text = withPolicy('!GetAtt Bucket.Arn', '');
    const [alone] = readPolicyInput(text).entries;
    expect(alone?.problems.join('\n')).toMatch(/bucket Bucket has no BucketName/);
    expect(alone?.bucket).toBeUndefined();
    const [given] = readPolicyInput(text, { bucket: BUCKET }).entries;
    expect(given?.problems).toEqual([]);
    expect(given?.bucket).toBe(BUCKET);
    expect(given?.notes.join('\n')).toMatch(/taken as prophecy-customer-backend-events-acme/);
  });

  it('takes AWS::Region from the options only', () => {
    const text = withPolicy('!Sub arn:aws:s3:::b-${AWS::Region}');
    expect(readPolicyInput(text).entries[0]?.problems.join()).toMatch(
      /AWS::Region is known only at deployment/,
    );
    const [entry] = readPolicyInput(text, { region: 'eu-west-1' }).entries;
    expect(resourceOf(entry)).toBe('arn:aws:s3:::b-eu-west-1');
  });

  it('lists a bucket that no policy covers, as not checkable', () => {
    const text = `Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: some-logs
      OwnershipControls:
        Rules:
          - ObjectOwnership: BucketOwnerEnforced
`;
    expect(readPolicyInput(text).entries).toEqual([
      {
        source: 'Logs',
        bucket: 'some-logs',
        problems: ['Logs: no AWS::S3::BucketPolicy in the template applies to this bucket'],
        notes: [],
        ownership: 'BucketOwnerEnforced',
      },
    ]);
  });

  it('gives the same verdicts as verify on our own template, and fails it with one action removed', () => {
    const text = renderCloudFormation({ suffix: 'acme', region: 'us-east-1' });
    expect(verdicts(readPolicyInput(text).entries[0])).toMatchObject({
      policy: 'pass',
      'least-privilege': 'pass',
      ownership: 'pass',
      'public-access': 'pass',
    });
    const broken = text.replace('              - s3:PutObject\n', '');
    expect(broken).not.toBe(text);
    const [entry] = readPolicyInput(broken).entries;
    const policy = runChecks({
      state: entryBucketState(entry as PolicyInputEntry, BUCKET),
      expectedRegion: 'us-east-1',
      principals: DEFAULT_PRINCIPALS,
    }).find((r) => r.id === 'policy');
    expect(policy?.status).toBe('fail');
    expect(policy?.message).toMatch(/s3:PutObject/);
  });

  it('reports YAML errors with their position, and unknown tags', () => {
    const bad = errorOf(() => readPolicyInput('Resources:\n  A: [1, 2\n'));
    expect(bad.message).toMatch(/^invalid YAML/);
    expect(bad.line).toBeGreaterThanOrEqual(2);
    const tag = errorOf(() => readPolicyInput('Resources:\n  A:\n    Type: !Bogus x\n'));
    expect(tag.message).toMatch(/!Bogus/);
    expect(tag.line).toBe(3);
  });
});

describe('readPolicyInput: terraform show -json', () => {
  it('a plan creating the bucket and policy together, with the policy known only after apply: not checkable', () => {
    const input = readPolicyInput(fixture('plan-create-unknown.json'));
    expect(input.kind).toBe('terraform-plan');
    expect(input.entries).toHaveLength(1);
    const entry = input.entries[0] as PolicyInputEntry;
    expect(entry.source).toBe('aws_s3_bucket_policy.audit');
    expect(entry.bucket).toBe(BUCKET);
    expect(entry.policy).toBeUndefined();
    const problems = entry.problems.join('\n');
    expect(problems).toMatch(/the policy is known only after apply and its configuration does not fix it/);
    expect(problems).toMatch(
      /statement\[0\]\.resources \(depends on aws_s3_bucket\.audit\.arn\) is known only after apply/,
    );
    expect(entry.ownership).toBe('BucketOwnerEnforced');
    expect(entry.publicAccessBlock).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect(verdicts(entry).policy).toBe('fail');
  });

  it('a plan whose deferred policy the configuration fixes (in a module): checked as configured', () => {
    const [entry, ...rest] = readPolicyInput(fixture('plan-create-configured.json')).entries;
    expect(rest).toEqual([]);
    expect(entry?.source).toBe('module.audit_logs.aws_s3_bucket_policy.audit');
    expect(entry?.bucket).toBe(BUCKET);
    expect(entry?.problems).toEqual([]);
    expect(entry?.policy).toEqual(modelPolicy());
    expect(entry?.notes.join('\n')).toMatch(/known only after apply; checked as configured/);
    expect(verdicts(entry)).toMatchObject({
      policy: 'pass',
      'least-privilege': 'pass',
      ownership: 'pass',
      'public-access': 'pass',
    });
  });

  it("a plan updating an existing bucket's policy: the planned policy is checked", () => {
    const [entry, ...rest] = readPolicyInput(fixture('plan-update.json')).entries;
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      source: 'aws_s3_bucket_policy.audit',
      bucket: BUCKET,
      policy: modelPolicy(),
      problems: [],
      notes: [],
    });
    expect(verdicts(entry)).toMatchObject({ policy: 'pass', 'least-privilege': 'pass' });
  });

  it('a plan whose policy misses an action: the policy check fails and names it', () => {
    const [entry] = readPolicyInput(fixture('plan-missing-action.json')).entries;
    expect(entry?.source).toBe('module.audit_logs.aws_s3_bucket_policy.audit');
    const results = runChecks({
      state: entryBucketState(entry as PolicyInputEntry, BUCKET),
      expectedRegion: 'us-east-1',
      principals: DEFAULT_PRINCIPALS,
    });
    const policy = results.find((r) => r.id === 'policy');
    expect(policy?.status).toBe('fail');
    expect(policy?.details).toEqual({
      missing: [expect.objectContaining({ action: 's3:DeleteObject', resource: `arn:aws:s3:::${BUCKET}/*` })],
    });
  });

  it('a plan deleting the policy, or with a policy from an expression it cannot see, is not checkable', () => {
    const plan = JSON.parse(fixture('plan-update.json'));
    plan.resource_changes[1].change = {
      actions: ['delete'],
      before: plan.resource_changes[1].change.before,
      after: null,
    };
    const [deleted] = readPolicyInput(JSON.stringify(plan)).entries;
    expect(deleted?.problems).toEqual(['aws_s3_bucket_policy.audit: the plan deletes this bucket policy']);

    const unknown = JSON.parse(fixture('plan-create-unknown.json'));
    const config = unknown.configuration.root_module.resources.find(
      (r: { type: string }) => r.type === 'aws_s3_bucket_policy',
    );
    config.expressions.policy = { references: ['var.policy_json'] };
    const [entry] = readPolicyInput(JSON.stringify(unknown)).entries;
    expect(entry?.policy).toBeUndefined();
    expect(entry?.problems).toEqual([
      'aws_s3_bucket_policy.audit: the policy is known only after apply (it depends on var.policy_json), so it cannot be checked before apply',
    ]);
  });

  it('flags two policies for one bucket, and reads unknown access-block values as unknown, not false', () => {
    const plan = JSON.parse(fixture('plan-update.json'));
    const second = structuredClone(plan.resource_changes[1]);
    second.address = 'aws_s3_bucket_policy.other';
    second.name = 'other';
    plan.resource_changes.push(second, {
      address: 'aws_s3_bucket_public_access_block.audit',
      mode: 'managed',
      type: 'aws_s3_bucket_public_access_block',
      name: 'audit',
      change: {
        actions: ['create'],
        before: null,
        after: { bucket: BUCKET, block_public_acls: true, ignore_public_acls: true },
        after_unknown: { block_public_policy: true, restrict_public_buckets: true, id: true },
      },
    });
    const entries = readPolicyInput(JSON.stringify(plan)).entries;
    expect(entries.map((e) => [e.source, e.problems])).toEqual([
      ['aws_s3_bucket_policy.audit', []],
      [
        'aws_s3_bucket_policy.other',
        ['aws_s3_bucket_policy.other: aws_s3_bucket_policy.audit is a policy for the same bucket too'],
      ],
    ]);
    expect(entries[0]?.publicAccessBlock).toBeUndefined();
    expect(entries[0]?.notes).toEqual([
      'aws_s3_bucket_public_access_block.audit: block_public_policy, restrict_public_buckets known only after apply',
    ]);
  });

  it('real terraform output for the exported file: the policy is known at plan time and passes', () => {
    const [entry, ...rest] = readPolicyInput(fixture('plan-real-exported.json')).entries;
    expect(rest).toEqual([]);
    expect(entry?.source).toBe('aws_s3_bucket_policy.prophecy_audit_logs');
    expect(entry?.bucket).toBe(BUCKET);
    expect(entry?.problems).toEqual([]);
    // aws_iam_policy_document sorts the lists; the statements are the model's otherwise.
    const sorted = (p: unknown) =>
      JSON.parse(JSON.stringify(p), (_k, v) =>
        Array.isArray(v) && typeof v[0] === 'string' ? [...v].sort() : v,
      );
    expect(sorted(entry?.policy)).toEqual(sorted(modelPolicy()));
    expect(verdicts(entry)).toMatchObject({
      policy: 'pass',
      'least-privilege': 'pass',
      ownership: 'pass',
      'public-access': 'pass',
    });
  });

  it('real terraform output for statements naming aws_s3_bucket.arn: not checkable, and says why', () => {
    const [entry, ...rest] = readPolicyInput(fixture('plan-real-create-unknown.json')).entries;
    expect(rest).toEqual([]);
    expect(entry?.bucket).toBe(BUCKET);
    expect(entry?.policy).toBeUndefined();
    expect(entry?.problems).toEqual([
      'aws_s3_bucket_policy.audit: the policy is known only after apply and its configuration does not fix it',
      'data.aws_iam_policy_document.audit.statement[0].resources (depends on aws_s3_bucket.audit.arn) is known only after apply',
      'data.aws_iam_policy_document.audit.statement[1].resources (depends on aws_s3_bucket.audit.arn) is known only after apply',
    ]);
    expect(entry?.ownership).toBe('BucketOwnerEnforced');
    expect(entry?.publicAccessBlock).toBeUndefined();
    expect(verdicts(entry).policy).toBe('fail');
  });

  it('lists a bucket that no policy covers, as not checkable', () => {
    const plan = JSON.parse(fixture('plan-update.json'));
    plan.resource_changes.pop();
    expect(readPolicyInput(JSON.stringify(plan)).entries).toEqual([
      {
        source: 'aws_s3_bucket.audit',
        bucket: BUCKET,
        problems: ['aws_s3_bucket.audit: no aws_s3_bucket_policy in the plan applies to this bucket'],
        notes: [],
      },
    ]);
  });
});
