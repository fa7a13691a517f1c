// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are !Sub templates
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderCloudFormation } from '../../src/core/iac/cloudformation.js';
import type { IacOptions } from '../../src/core/iac/model.js';
import { readPolicyInput } from '../../src/core/iac/read.js';
import { generatePolicy } from '../../src/core/policy.js';

const BUCKET = 'prophecy-customer-backend-events-acme';
const OTHER = {
  datasyncRoleArn: 'arn:aws:iam::111122223333:role/Other',
  locationUserArn: 'arn:aws:iam::111122223333:user/other',
};
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** The three short forms the renderer writes, kept visible as `{ '!Sub': ... }` for structural checks. */
const tags = ['!Sub', '!Ref', '!GetAtt'].map((tag) => ({ tag, resolve: (s: string) => ({ [tag]: s }) }));
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML
const load = (text: string): any => parse(text, { customTags: tags });

const modelPolicy = (bucket: string, principals?: typeof OTHER) => ({
  ...generatePolicy(bucket, principals),
  Version: '2012-10-17',
});

describe('renderCloudFormation', () => {
  const text = renderCloudFormation({ suffix: 'acme', region: 'us-east-1' });
  const t = load(text);

  it('has the template sections, a Suffix parameter and the region rule', () => {
    expect(t.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(typeof t.Description).toBe('string');
    expect(t.Parameters).toEqual({
      Suffix: { Type: 'String', Description: expect.any(String), Default: 'acme' },
    });
    expect(t.Rules.Region.Assertions[0].Assert).toEqual({
      'Fn::Equals': [{ '!Ref': 'AWS::Region' }, 'us-east-1'],
    });
  });

  it('creates the bucket with BucketOwnerEnforced and all four public access blocks', () => {
    expect(t.Resources.Bucket).toEqual({
      Type: 'AWS::S3::Bucket',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketName: { '!Sub': 'prophecy-customer-backend-events-${Suffix}' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      },
    });
  });

  it('attaches the vendor statements with !Sub bucket ARNs, and equals the model once resolved', () => {
    const policy = t.Resources.BucketPolicy;
    expect(policy.Type).toBe('AWS::S3::BucketPolicy');
    expect(policy.Properties.Bucket).toEqual({ '!Ref': 'Bucket' });
    const [first, second] = policy.Properties.PolicyDocument.Statement;
    expect(first.Resource).toEqual([
      { '!Sub': 'arn:${AWS::Partition}:s3:::${Bucket}' },
      { '!Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/*' },
    ]);
    expect(second.Resource).toEqual({ '!Sub': 'arn:${AWS::Partition}:s3:::${Bucket}' });
    // Resolved by hand: Partition aws, Bucket → the bucket's name.
    const resolved = JSON.parse(
      JSON.stringify(policy.Properties.PolicyDocument, (_k, v) =>
        v && typeof v === 'object' && '!Sub' in v
          ? v['!Sub'].replace('${AWS::Partition}', 'aws').replace('${Bucket}', BUCKET)
          : v,
      ),
    );
    expect(resolved).toEqual(modelPolicy(BUCKET));
    // And by the offline verify's reader.
    const input = readPolicyInput(text);
    expect(input.kind).toBe('cloudformation');
    expect(input.entries).toEqual([
      {
        source: 'BucketPolicy',
        bucket: BUCKET,
        policy: modelPolicy(BUCKET),
        problems: [],
        notes: [],
        ownership: 'BucketOwnerEnforced',
        publicAccessBlock: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      },
    ]);
  });

  it('outputs the bucket ARN and the region', () => {
    expect(t.Outputs.BucketArn.Value).toEqual({ '!GetAtt': 'Bucket.Arn' });
    expect(t.Outputs.Region.Value).toEqual({ '!Ref': 'AWS::Region' });
  });

  it('explains the Version in a comment', () => {
    expect(text.replace(/\n\s*# /g, ' ')).toContain(
      'Version 2012-10-17: the vendor page writes 2008-10-17; the two differ only in policy variables',
    );
  });

  it('takes a full bucket name and overridden principals', () => {
    const other = renderCloudFormation({ bucket: 'my-audit-bucket', region: 'us-east-1', principals: OTHER });
    expect(load(other).Parameters.BucketName.Default).toBe('my-audit-bucket');
    expect(readPolicyInput(other).entries[0]?.policy).toEqual(modelPolicy('my-audit-bucket', OTHER));
  });

  it('--policy-only emits only the bucket policy, on the parameter-named bucket', () => {
    const only = renderCloudFormation({ suffix: 'acme', region: 'us-east-1', policyOnly: true });
    const doc = load(only);
    expect(Object.keys(doc.Resources)).toEqual(['BucketPolicy']);
    expect(doc.Outputs).toBeUndefined();
    expect(doc.Resources.BucketPolicy.Properties.Bucket).toEqual({
      '!Sub': 'prophecy-customer-backend-events-${Suffix}',
    });
    const [entry] = readPolicyInput(only).entries;
    expect(entry?.bucket).toBe(BUCKET);
    expect(entry?.policy).toEqual(modelPolicy(BUCKET));
  });

  it('with a KMS key, appends the key-policy statement as a commented snippet', () => {
    const withKey = renderCloudFormation({ suffix: 'acme', region: 'eu-west-1', kmsKeyArn: KEY });
    // Comments only: the template itself is unchanged.
    expect(load(withKey)).toEqual(load(renderCloudFormation({ suffix: 'acme', region: 'eu-west-1' })));
    const snippet = withKey.slice(withKey.indexOf('#   - Sid'));
    const statement = parse(snippet.replace(/^# {3}/gm, ''))[0];
    expect(statement).toEqual({
      Sid: 'ProphecyDataSyncKmsAccess',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::133450206866:role/AWSDataSyncS3BucketAccessCustomerBackendEventsRole' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
    });
    expect(withKey).toContain(KEY);
  });

  it('quotes scalars YAML would misread', () => {
    const odd = renderCloudFormation({ suffix: 'yes', region: 'us-east-1', policyOnly: true });
    expect(load(odd).Parameters.Suffix.Default).toBe('yes');
    const numeric = renderCloudFormation({ suffix: '2024', region: 'us-east-1', policyOnly: true });
    expect(load(numeric).Parameters.Suffix.Default).toBe('2024');
  });
});

const hasCfnLint = spawnSync('cfn-lint', ['--version'], { stdio: 'ignore' }).status === 0;

describe('cfn-lint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iac-cfn-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const variants: Record<string, IacOptions> = {
    full: { suffix: 'acme', region: 'us-east-1' },
    'full-eu-kms': { suffix: 'acme', region: 'eu-west-1', kmsKeyArn: KEY },
    bucket: { bucket: 'my-audit-bucket', region: 'us-east-1', principals: OTHER },
    'policy-only': { suffix: 'acme', region: 'us-east-1', policyOnly: true },
    'policy-only-bucket': { bucket: 'my-audit-bucket', region: 'ap-southeast-2', policyOnly: true },
  };

  it('reports no errors and no warnings on any variant', (ctx) => {
    if (!hasCfnLint) {
      // CI must have it (.ci/run checks); elsewhere it is an optional pip tool.
      if (process.env.CI === 'true') throw new Error('cfn-lint is not on PATH, and CI requires it');
      ctx.skip();
    }
    const files = Object.entries(variants).map(([name, options]) => {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, renderCloudFormation(options));
      return file;
    });
    const run = spawnSync('cfn-lint', ['--format', 'parseable', '--', ...files], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 120_000);

  it('does report a template with a broken policy (the linter is really run)', (ctx) => {
    if (!hasCfnLint) {
      if (process.env.CI === 'true') throw new Error('cfn-lint is not on PATH, and CI requires it');
      ctx.skip();
    }
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      renderCloudFormation({ suffix: 'acme', region: 'us-east-1' }).replace(
        'Effect: Allow',
        'Effect: Permit',
      ),
    );
    const run = spawnSync('cfn-lint', ['--format', 'parseable', '--', file], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('Permit');
  }, 120_000);
});
