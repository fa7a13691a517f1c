import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VerifyFlags } from '../../src/commands/verify/flags.js';
import * as offline from '../../src/commands/verify/offline.js';
import * as live from '../../src/commands/verify/run.js';
import { renderCloudFormation } from '../../src/core/iac/cloudformation.js';
import { renderTerraform } from '../../src/core/iac/terraform.js';
import { generatePolicy, type PolicyDocument, renderPolicy } from '../../src/core/policy.js';
import { CliError, ExitCode, UsageError } from '../../src/errors.js';
import { verifyResultSchema } from '../../src/schemas/verify.js';
import { offlineVerifyResultSchema } from '../../src/schemas/verify-offline.js';
import { fakeContext } from '../helpers/fake-context.js';

/*
 * `verify --policy-file` driven in-process: the command's own parse/run with a fake context whose stdin is a
 * string and whose AWS factory records every use (none is allowed).
 */

const BUCKET = 'prophecy-customer-backend-events-acme';
const ROLE = 'arn:aws:iam::133450206866:role/AWSDataSyncS3BucketAccessCustomerBackendEventsRole';
const fixturePath = (name: string) => new URL(`../fixtures/iac/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'verify-offline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tempFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function verifyOffline(flags: Partial<VerifyFlags>, options: { stdin?: string; tty?: boolean } = {}) {
  const f = fakeContext(options);
  const input = offline.parse({ suffix: 'acme', ...flags } as VerifyFlags, f.ctx);
  const code = await offline.run(f.ctx, input);
  // Offline means offline: the AWS client factory was never asked for anything.
  expect(f.awsSettings).toEqual([]);
  return { code, stdout: f.stdout(), stderr: f.stderr(), stdinReads: f.stdinReads() };
}

/** The error verify --policy-file throws, for its exit code and message. */
async function failure(flags: Partial<VerifyFlags>, options: { stdin?: string; tty?: boolean } = {}) {
  try {
    await verifyOffline(flags, options);
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error('expected verify --policy-file to fail');
}

const withoutAction = (policy: PolicyDocument, action: string): PolicyDocument => ({
  ...policy,
  Statement: policy.Statement.map((s) => ({
    ...s,
    Action: ([] as (string | undefined)[])
      .concat(s.Action)
      .filter((a): a is string => a !== undefined && a !== action),
  })),
});

describe('verify --policy-file: a bucket policy document', () => {
  it('passes `policy print` output from a file, judging name, policy and least-privilege only', async () => {
    const file = tempFile('policy.json', renderPolicy(generatePolicy(BUCKET)));
    const r = await verifyOffline({ policyFile: file });
    expect(r.code).toBe(ExitCode.ok);
    expect(r.stdout).toContain(`${file}: bucket policy document, checked offline as ${BUCKET}`);
    expect(r.stdout).toMatch(/✔ name {13}follows/);
    expect(r.stdout).toMatch(/✔ policy {11}all 11 required grants are allowed/);
    expect(r.stdout).toMatch(/✔ least-privilege {2}the vendor principals get only the required actions/);
    expect(r.stdout).not.toMatch(/^[✔⚠✖] (bucket|region|ownership|public-access|freshness) /m);
    expect(r.stdout).toMatch(/OK: 3 passed, 0 warnings, 0 failed\n$/);
    expect(r.stderr).toBe('');
  });

  it('reads stdin with `-`, and its --json document is verify’s (schemaVersion 1) plus the input', async () => {
    const r = await verifyOffline(
      { policyFile: '-', json: true },
      { stdin: renderPolicy(generatePolicy(BUCKET)) },
    );
    expect(r.code).toBe(0);
    expect(r.stdinReads).toBe(1);
    const doc = JSON.parse(r.stdout);
    // A script written for the live verify reads it unchanged …
    expect(verifyResultSchema.parse(doc)).toMatchObject({ schemaVersion: 1, ok: true, bucket: BUCKET });
    // … and the additive fields say what was checked.
    const full = offlineVerifyResultSchema.parse(doc);
    expect(full.region).toBe('us-east-1');
    expect(full.checks.map((c) => [c.id, c.status, c.entry])).toEqual([
      ['name', 'pass', 'policy document'],
      ['policy', 'pass', 'policy document'],
      ['least-privilege', 'pass', 'policy document'],
    ]);
    expect(full.policyFile).toEqual({
      path: '-',
      kind: 'policy',
      entries: [{ source: 'policy document', bucket: BUCKET, ok: true, problems: [], notes: [] }],
      ignored: [],
    });
  });

  it('fails a policy that misses an action, naming it, with exit 1', async () => {
    const policy = withoutAction(generatePolicy(BUCKET), 's3:PutObject');
    const r = await verifyOffline({ policyFile: '-', quiet: true }, { stdin: JSON.stringify(policy) });
    expect(r.code).toBe(ExitCode.checkFailed);
    // --quiet: only the failure and the summary.
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stdout).toMatch(/✖ policy {2}1 of 11 required grants missing — role\/.*: s3:PutObject on/);
    expect(r.stdout).toMatch(/FAILED: 2 passed, 0 warnings, 1 failed/);
  });

  it('--strict fails on a warning (a grant beyond what Prophecy needs)', async () => {
    const policy = generatePolicy(BUCKET);
    policy.Statement[0] = { ...policy.Statement[0], Action: 's3:*' } as (typeof policy.Statement)[0];
    const text = JSON.stringify(policy);
    expect((await verifyOffline({ policyFile: '-' }, { stdin: text })).code).toBe(0);
    const strict = await verifyOffline({ policyFile: '-', strict: true }, { stdin: text });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(
      /⚠ least-privilege {2}grants beyond what Prophecy needs: role\/.* also gets s3:DeleteBucket/,
    );
    expect(strict.stdout).toMatch(/FAILED \(strict\)/);
  });

  it('exits 2 on invalid JSON, with the line and column', async () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Sid": "x",}\n  ]\n}\n';
    const fromStdin = await failure({ policyFile: '-' }, { stdin: text });
    expect(fromStdin.exitCode).toBe(ExitCode.error);
    expect(fromStdin.message).toMatch(
      /^Cannot check --policy-file stdin: invalid JSON: .*\(line 4, column 17\)\.$/,
    );
    const file = tempFile('broken.json', text);
    const fromFile = await failure({ policyFile: file });
    expect(fromFile.exitCode).toBe(2);
    expect(fromFile.message).toContain(`--policy-file ${file}: invalid JSON`);
    expect(fromFile.message).toContain('(line 4, column 17)');
  });

  it('exits 2 on a file it cannot read, on empty input and on a document of another kind', async () => {
    const missing = await failure({ policyFile: join(dir, 'nope.json') });
    expect([missing.exitCode, missing.message]).toEqual([
      2,
      `Cannot read --policy-file ${join(dir, 'nope.json')}: no such file.`,
    ]);
    expect((await failure({ policyFile: dir })).message).toMatch(/it is a directory/);
    expect((await failure({ policyFile: '-' }, { stdin: '' })).message).toMatch(/the input is empty/);
    expect((await failure({ policyFile: '-' }, { stdin: '{"a": 1}' })).message).toMatch(
      /not a bucket policy/,
    );
  });

  it('refuses to wait for a terminal on stdin: exit 2, and stdin is never read', async () => {
    const f = fakeContext({ tty: true, stdin: 'never read' });
    expect(() => offline.parse({ suffix: 'acme', policyFile: '-' } as VerifyFlags, f.ctx)).toThrow(
      /--policy-file - reads the document from stdin, but stdin is a terminal/,
    );
    expect(f.stdinReads()).toBe(0);
    // A file is fine on a terminal.
    const file = tempFile('tty.json', renderPolicy(generatePolicy(BUCKET)));
    expect(offline.parse({ suffix: 'acme', policyFile: file } as VerifyFlags, f.ctx).file).toBe(file);
  });

  it.each([
    [{ maxAge: '26h' }, /--max-age only applies to the live bucket/],
    [{ profile: 'prod' }, /--profile only applies/],
    [{ endpointUrl: 'http://localhost:5000', maxAge: '1d' }, /--max-age and --endpoint-url only apply/],
  ])('refuses AWS-only flags %j with a usage error (exit 2)', (flags, message) => {
    const f = fakeContext();
    const call = () =>
      offline.parse({ suffix: 'acme', policyFile: 'x.json', ...flags } as VerifyFlags, f.ctx);
    expect(call).toThrow(UsageError);
    expect(call).toThrow(message);
  });

  it('needs the bucket (a policy document does not name it), by the same rules as verify', () => {
    const f = fakeContext();
    expect(() => offline.parse({ policyFile: 'x.json' } as VerifyFlags, f.ctx)).toThrow(/Missing bucket/);
    expect(() => offline.parse({ suffix: 'Acme', policyFile: 'x.json' } as VerifyFlags, f.ctx)).toThrow(
      /\[lowercase\]/,
    );
    expect(() => offline.parse({ suffix: 'acme', policyFile: '' } as VerifyFlags, f.ctx)).toThrow(
      /needs a path/,
    );
  });
});

describe('verify --policy-file: the same verdicts as verify on the live bucket', () => {
  const policies: Record<string, unknown> = {
    vendor: generatePolicy(BUCKET),
    'missing action': withoutAction(generatePolicy(BUCKET), 's3:ListBucket'),
    'extra actions': {
      ...generatePolicy(BUCKET),
      Statement: [
        ...generatePolicy(BUCKET).Statement,
        {
          Sid: 'More',
          Effect: 'Allow',
          Principal: { AWS: ROLE },
          Action: 's3:*',
          Resource: `arn:aws:s3:::${BUCKET}`,
        },
      ],
    },
    public: {
      ...generatePolicy(BUCKET),
      Statement: [
        ...generatePolicy(BUCKET).Statement,
        {
          Sid: 'Open',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
        },
      ],
    },
    'conditional deny': {
      ...generatePolicy(BUCKET),
      Statement: [
        ...generatePolicy(BUCKET).Statement,
        {
          Sid: 'OnlyFromOffice',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
          Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
        },
      ],
    },
  };

  it.each(Object.keys(policies))('%s', async (name) => {
    const text = JSON.stringify(policies[name]);
    const f = fakeContext();
    f.s3.buckets.set(BUCKET, {
      owner: '123456789012',
      region: 'us-east-1',
      ownership: 'BucketOwnerEnforced',
      publicAccessBlock: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
      policy: text,
      objects: [],
    });
    const liveCode = await live.run(f.ctx, live.parse({ suffix: 'acme', json: true } as VerifyFlags, f.ctx));
    const liveDoc = verifyResultSchema.parse(JSON.parse(f.stdout()));
    const r = await verifyOffline({ policyFile: '-', json: true }, { stdin: text });
    const offlineDoc = verifyResultSchema.parse(JSON.parse(r.stdout));
    const judged = new Set(offlineDoc.checks.map((c) => c.id));
    expect([...judged]).toEqual(['name', 'policy', 'least-privilege']);
    // Every check offline judges has the live check's status, message and details.
    expect(offlineDoc.checks).toEqual(liveDoc.checks.filter((c) => judged.has(c.id)));
    // The bucket's own settings pass live, so the exit codes agree too.
    expect(r.code).toBe(liveCode);
  });
});

describe('verify --policy-file: templates and plans', () => {
  it.each([
    ['plan-update.json', 0],
    ['plan-create-configured.json', 0],
    ['plan-real-exported.json', 0],
    ['plan-create-unknown.json', 1],
    ['plan-real-create-unknown.json', 1],
    ['plan-missing-action.json', 1],
    ['template-customer.yaml', 1],
  ])('%s exits %i', async (name, expected) => {
    const r = await verifyOffline({ policyFile: fixturePath(name) });
    expect(r.code).toBe(expected);
  });

  it('shows a policy known only after apply as not checkable: a failure that names what is unknown', async () => {
    const r = await verifyOffline({ policyFile: fixturePath('plan-create-unknown.json'), json: true });
    expect(r.code).toBe(1);
    const doc = offlineVerifyResultSchema.parse(JSON.parse(r.stdout));
    const policy = doc.checks.find((c) => c.id === 'policy');
    expect(policy?.status).toBe('fail');
    expect(policy?.message).toMatch(
      /^not checkable: .*depends on aws_s3_bucket\.audit\.arn\) is known only after apply/,
    );
    expect(doc.checks.find((c) => c.id === 'least-privilege')?.status).toBe('warn');
    // The ownership and access-block resources in the same plan are judged.
    expect(doc.checks.map((c) => [c.id, c.status])).toEqual([
      ['name', 'pass'],
      ['ownership', 'pass'],
      ['policy', 'fail'],
      ['least-privilege', 'warn'],
      ['public-access', 'pass'],
    ]);
    expect(doc.policyFile.entries[0]).toMatchObject({ source: 'aws_s3_bucket_policy.audit', ok: false });
    expect(doc.policyFile.entries[0]?.problems.length).toBeGreaterThan(0);
  });

  it('shows how a deferred policy was read, and judges it', async () => {
    const r = await verifyOffline({ policyFile: fixturePath('plan-create-configured.json') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Terraform plan, checked offline');
    expect(r.stdout).toMatch(
      /^module\.audit_logs\.aws_s3_bucket_policy\.audit\n {2}note: .*known only after apply; checked as configured/m,
    );
    expect(r.stdout).toMatch(/OK: 5 passed/);
  });

  it('judges a policy that misses an action in a plan as a failure naming it', async () => {
    const r = await verifyOffline({ policyFile: fixturePath('plan-missing-action.json') });
    expect(r.stdout).toMatch(
      /✖ policy .*s3:DeleteObject on arn:aws:s3:::prophecy-customer-backend-events-acme\/\*/,
    );
  });

  it("passes the exported templates and fails them with one action removed; a customer's settings are judged", async () => {
    const cfn = renderCloudFormation({ suffix: 'acme', region: 'us-east-1' });
    const ok = await verifyOffline({ policyFile: '-' }, { stdin: cfn });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/OK: 5 passed, 0 warnings, 0 failed/);
    const broken = cfn.replace(/^ *- s3:GetObject\n/m, '');
    expect(broken).not.toBe(cfn);
    expect((await verifyOffline({ policyFile: '-' }, { stdin: broken })).code).toBe(1);

    const customer = await verifyOffline({ policyFile: fixturePath('template-customer.yaml') });
    expect(customer.stdout).toMatch(/✖ ownership +Object Ownership is ObjectWriter/);
    expect(customer.stdout).toMatch(
      /⚠ public-access +Block Public Access is off for IgnorePublicAcls, RestrictPublicBuckets/,
    );
    expect(customer.stdout).toMatch(/note: AWS::AccountId/);
  });

  it('a policy-only template is judged on the policy alone (no ownership or access block stated)', async () => {
    const text = renderCloudFormation({ suffix: 'acme', region: 'us-east-1', policyOnly: true });
    const r = await verifyOffline({ policyFile: '-', json: true }, { stdin: text });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).checks.map((c: { id: string }) => c.id)).toEqual([
      'name',
      'policy',
      'least-privilege',
    ]);
  });

  it('fails an input with no policy for the bucket, and lists entries for other buckets without judging them', async () => {
    const template =
      'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n';
    const none = await verifyOffline({ policyFile: '-' }, { stdin: template });
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(
      /✖ policy {2}the input has no AWS::S3::BucketPolicy for prophecy-customer-backend-events-acme/,
    );

    const emptyPlan = JSON.stringify({
      format_version: '1.2',
      terraform_version: '1.11.4',
      resource_changes: [],
    });
    const noChanges = await verifyOffline({ policyFile: '-', json: true }, { stdin: emptyPlan });
    expect(noChanges.code).toBe(1);
    expect(JSON.parse(noChanges.stdout).checks).toEqual([
      expect.objectContaining({ id: 'name', status: 'pass', entry: null }),
      expect.objectContaining({ id: 'policy', status: 'fail', entry: null }),
    ]);

    const cfn = renderCloudFormation({ suffix: 'other', region: 'us-east-1' });
    const other = await verifyOffline({ policyFile: '-', json: true }, { stdin: cfn });
    expect(other.code).toBe(1);
    const doc = offlineVerifyResultSchema.parse(JSON.parse(other.stdout));
    expect(doc.policyFile.ignored).toEqual([
      { source: 'BucketPolicy', bucket: 'prophecy-customer-backend-events-other' },
    ]);
    expect(doc.checks.find((c) => c.id === 'policy')?.message).toMatch(
      /it has entries for prophecy-customer-backend-events-other/,
    );
  });

  it('checks an entry that does not say which bucket it is for as the bucket being verified, and says so', async () => {
    const plan = JSON.parse(readFileSync(fixturePath('plan-update.json'), 'utf8'));
    const policy = plan.resource_changes.find((rc: { type: string }) => rc.type === 'aws_s3_bucket_policy');
    delete policy.change.after.bucket;
    policy.change.after_unknown = { ...policy.change.after_unknown, bucket: true };
    plan.resource_changes = [policy];
    const r = await verifyOffline({ policyFile: '-', json: true }, { stdin: JSON.stringify(plan) });
    expect(r.code).toBe(0);
    const doc = offlineVerifyResultSchema.parse(JSON.parse(r.stdout));
    expect(doc.policyFile.entries).toEqual([
      expect.objectContaining({
        bucket: null,
        notes: [`the input does not say which bucket this is for; checked as ${BUCKET}`],
      }),
    ]);
  });

  it('takes --region as AWS::Region in a template; without it a policy that uses it is not checkable', async () => {
    const template = renderCloudFormation({ suffix: 'acme', region: 'eu-west-1', policyOnly: true }).replace(
      /^( +)Statement:\n/m,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation !Sub template
      "$1Statement:\n$1  - Sid: NoRegionPrefixDeletes\n$1    Effect: Deny\n$1    Principal: '*'\n$1    Action: s3:DeleteObject\n$1    Resource: !Sub 'arn:${AWS::Partition}:s3:::${Suffix}-${AWS::Region}/*'\n",
    );
    const without = await verifyOffline({ policyFile: '-' }, { stdin: template });
    expect(without.code).toBe(1);
    expect(without.stdout).toMatch(/not checkable: .*AWS::Region is known only at deployment/);
    const withRegion = await verifyOffline(
      { policyFile: '-', region: 'eu-west-1', json: true },
      { stdin: template },
    );
    expect(withRegion.code).toBe(0);
    const doc = offlineVerifyResultSchema.parse(JSON.parse(withRegion.stdout));
    expect(doc.region).toBe('eu-west-1');
    expect(doc.policyFile.entries[0]?.notes).toContain(
      'AWS::Region is taken as eu-west-1, the expected region',
    );
  });

  it('the Terraform export is HCL, not something --policy-file reads: exit 2 naming what it expects', async () => {
    const err = await failure(
      { policyFile: '-' },
      { stdin: renderTerraform({ suffix: 'acme', region: 'us-east-1' }) },
    );
    expect(err.exitCode).toBe(2);
    expect(err.hint).toMatch(/terraform show -json/);
  });
});
