// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are HCL interpolations
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { afterAll, describe, expect, it } from 'vitest';
import { hclString, renderTerraform } from '../../src/core/iac/terraform.js';
import { generatePolicy, type PolicyDocument } from '../../src/core/policy.js';

const BUCKET = 'prophecy-customer-backend-events-acme';
const OTHER = {
  datasyncRoleArn: 'arn:aws:iam::111122223333:role/Other',
  locationUserArn: 'arn:aws:iam::111122223333:user/other',
};

// biome-ignore lint/suspicious/noExplicitAny: hcl2json returns untyped JSON
type Hcl = any;

async function hcl(text: string): Promise<Hcl> {
  return parse('main.tf', text);
}

/** Evaluates the `${var.x}` / `${local.x}` templates of the generated file from its defaults and locals. */
function evaluator(doc: Hcl): (s: string) => string {
  const vars: Record<string, string> = {};
  for (const [name, blocks] of Object.entries(doc.variable ?? {})) vars[name] = (blocks as Hcl[])[0].default;
  const locals: Record<string, string> = Object.assign({}, ...(doc.locals ?? []));
  const evaluate = (s: string): string =>
    s.replace(/\$\{(var|local)\.(\w+)\}/g, (_, kind: string, name: string) =>
      evaluate(String(kind === 'var' ? vars[name] : locals[name])),
    );
  return evaluate;
}

/** An aws_iam_policy_document as the JSON the provider renders (one-element lists become strings). */
function policyOf(document: Hcl, evaluate: (s: string) => string): PolicyDocument {
  const one = (list: string[]) => (list.length === 1 ? list[0] : list);
  return {
    Version: document.version,
    Statement: document.statement.map((s: Hcl) => ({
      Sid: s.sid,
      Effect: s.effect,
      Principal: Object.fromEntries(s.principals.map((p: Hcl) => [p.type, one(p.identifiers)])),
      Action: one(s.actions),
      Resource: one(s.resources.map(evaluate)),
    })),
  };
}

const modelPolicy = (bucket: string, principals?: typeof OTHER) => ({
  ...generatePolicy(bucket, principals),
  Version: '2012-10-17',
});

describe('renderTerraform', () => {
  it('emits the bucket, BucketOwnerEnforced, all four access blocks and a policy equal to the model', async () => {
    const doc = await hcl(renderTerraform({ suffix: 'acme', region: 'us-east-1' }));
    const evaluate = evaluator(doc);
    const r = doc.resource;
    expect(Object.keys(r).sort()).toEqual([
      'aws_s3_bucket',
      'aws_s3_bucket_ownership_controls',
      'aws_s3_bucket_policy',
      'aws_s3_bucket_public_access_block',
    ]);
    expect(evaluate(r.aws_s3_bucket.prophecy_audit_logs[0].bucket)).toBe(BUCKET);
    expect(r.aws_s3_bucket_ownership_controls.prophecy_audit_logs[0].rule).toEqual([
      { object_ownership: 'BucketOwnerEnforced' },
    ]);
    const pab = r.aws_s3_bucket_public_access_block.prophecy_audit_logs[0];
    expect(pab).toEqual({
      bucket: '${aws_s3_bucket.prophecy_audit_logs.id}',
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const policy = r.aws_s3_bucket_policy.prophecy_audit_logs[0];
    expect(policy.bucket).toBe('${aws_s3_bucket.prophecy_audit_logs.id}');
    expect(policy.policy).toBe('${data.aws_iam_policy_document.prophecy_audit_logs.json}');
    const document = doc.data.aws_iam_policy_document.prophecy_audit_logs[0];
    expect(policyOf(document, evaluate)).toEqual(modelPolicy(BUCKET));
  });

  it('declares the provider, the suffix and region variables with the given defaults, and the outputs', async () => {
    const doc = await hcl(renderTerraform({ suffix: 'acme', region: 'eu-west-1' }));
    expect(doc.terraform[0].required_providers[0].aws).toEqual({
      source: 'hashicorp/aws',
      version: '>= 4.0',
    });
    expect(doc.variable.suffix[0].default).toBe('acme');
    expect(doc.variable.region[0].default).toBe('eu-west-1');
    expect(doc.provider.aws[0].region).toBe('${var.region}');
    expect(doc.output.bucket_arn[0].value).toBe('${aws_s3_bucket.prophecy_audit_logs.arn}');
    expect(doc.output.region[0].value).toBe('${aws_s3_bucket.prophecy_audit_logs.region}');
  });

  it('takes a full bucket name and overridden principals', async () => {
    const doc = await hcl(
      renderTerraform({ bucket: 'my-audit-bucket', region: 'us-east-1', principals: OTHER }),
    );
    expect(doc.variable.bucket_name[0].default).toBe('my-audit-bucket');
    expect(doc.variable.suffix).toBeUndefined();
    const document = doc.data.aws_iam_policy_document.prophecy_audit_logs[0];
    expect(policyOf(document, evaluator(doc))).toEqual(modelPolicy('my-audit-bucket', OTHER));
  });

  it('--policy-only emits only the policy and its document, with the bucket named literally', async () => {
    const text = renderTerraform({ suffix: 'acme', region: 'us-east-1', policyOnly: true });
    const doc = await hcl(text);
    expect(Object.keys(doc).sort()).toEqual(['data', 'resource']);
    expect(Object.keys(doc.resource)).toEqual(['aws_s3_bucket_policy']);
    expect(Object.keys(doc.data.aws_iam_policy_document)).toEqual(['prophecy_audit_logs']);
    expect(doc.resource.aws_s3_bucket_policy.prophecy_audit_logs[0].bucket).toBe(BUCKET);
    const document = doc.data.aws_iam_policy_document.prophecy_audit_logs[0];
    expect(policyOf(document, (s) => s)).toEqual(modelPolicy(BUCKET));
  });

  it('explains the Version in a comment', () => {
    const text = renderTerraform({ suffix: 'acme', region: 'us-east-1' });
    expect(text).toMatch(/# Version 2012-10-17: the vendor page writes 2008-10-17;/);
    expect(text).toContain('version = "2012-10-17"');
  });

  it('with a KMS key, adds the key-policy statement as a separate document to merge', async () => {
    const key = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    for (const policyOnly of [false, true]) {
      const text = renderTerraform({ suffix: 'acme', region: 'eu-west-1', kmsKeyArn: key, policyOnly });
      const comments = text.replace(/\n# /g, ' ');
      expect(comments).toContain('aws_kms_key_policy replaces the whole key policy and cannot merge');
      expect(comments).toContain(`customer-managed key ${key}`);
      const doc = await hcl(text);
      expect(doc.resource.aws_kms_key_policy).toBeUndefined();
      const [statement] = doc.data.aws_iam_policy_document.prophecy_datasync_kms[0].statement;
      expect(statement).toEqual({
        sid: 'ProphecyDataSyncKmsAccess',
        effect: 'Allow',
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        resources: ['*'],
        principals: [
          {
            type: 'AWS',
            identifiers: [
              'arn:aws:iam::133450206866:role/AWSDataSyncS3BucketAccessCustomerBackendEventsRole',
            ],
          },
        ],
        condition: [
          {
            test: 'StringEquals',
            variable: 'kms:ViaService',
            values: [policyOnly ? 's3.eu-west-1.amazonaws.com' : 's3.${var.region}.amazonaws.com'],
          },
        ],
      });
    }
  });

  it('escapes HCL template sequences and quotes in values', async () => {
    const principals = { datasyncRoleArn: 'arn:aws:iam::111122223333:role/a"${b}', locationUserArn: 'x%{y}' };
    const doc = await hcl(
      renderTerraform({ suffix: 'acme', region: 'us-east-1', principals, policyOnly: true }),
    );
    const [first, second] = doc.data.aws_iam_policy_document.prophecy_audit_logs[0].statement;
    // hcl2json writes Terraform's JSON syntax, where a literal `${` / `%{` stays escaped as `$${` / `%%{`;
    // that terraform itself reads them as the literal values is checked with `terraform console` below.
    expect(first.principals[0].identifiers).toEqual(['arn:aws:iam::111122223333:role/a"$${b}']);
    expect(second.principals[0].identifiers).toEqual(['x%%{y}']);
  });

  it('refuses both or neither of suffix and bucket', () => {
    expect(() => renderTerraform({ suffix: 'a', bucket: 'b', region: 'us-east-1' })).toThrow(/not both/);
    expect(() => renderTerraform({ region: 'us-east-1' })).toThrow(/required/);
  });
});

const hasTerraform = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;

describe.runIf(hasTerraform)('terraform fmt', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iac-tf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const variants = {
    full: { suffix: 'acme', region: 'us-east-1' },
    'full-kms-eu': {
      suffix: 'acme',
      region: 'eu-west-1',
      kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/k',
    },
    bucket: { bucket: 'my-audit-bucket', region: 'us-east-1' },
    'policy-only-kms': { suffix: 'acme', region: 'us-east-1', policyOnly: true, kmsKeyArn: 'arn:aws:kms:x' },
  };
  it('reads hclString values back literally (terraform console)', () => {
    const values = ['a"${b}', 'x%{y}', 'back\\slash', 'tab\tnew\nline', 'plain $ and % and {}'];
    const sub = join(dir, 'console');
    mkdirSync(sub);
    writeFileSync(join(sub, 'main.tf'), `locals {\n  v = [${values.map(hclString).join(', ')}]\n}\n`);
    const out = execFileSync('terraform', ['console', '-no-color'], {
      cwd: sub,
      input: 'jsonencode(local.v)\n',
      encoding: 'utf8',
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
    });
    // The answer is the last line (terraform may print warnings first).
    console.log(JSON.stringify(out));
    const answer = out.trim().split('\n').at(-1) ?? '';
    expect(JSON.parse(JSON.parse(answer))).toEqual(values);
  });

  for (const [name, options] of Object.entries(variants)) {
    it(`leaves the ${name} output unchanged`, () => {
      const file = join(dir, `${name}.tf`);
      writeFileSync(file, renderTerraform(options));
      // -check exits 3 and lists the file when fmt would change it; -diff shows what.
      const out = execFileSync('terraform', ['fmt', '-check', '-diff', '-no-color', file], {
        encoding: 'utf8',
        env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
      });
      expect(out).toBe('');
    });
  }
});
