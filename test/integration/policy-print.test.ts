import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { vendorPolicyFor } from '../helpers/vendor-page.js';

describe('policy print (CLI)', () => {
  it('prints the vendor policy for the suffix, and only that, on stdout', async () => {
    const r = await runCli(['policy', 'print', '--suffix', 'acme']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const expected = vendorPolicyFor('prophecy-customer-backend-events-acme');
    expect(JSON.parse(r.stdout)).toStrictEqual(expected);
    expect(r.stdout.endsWith('}\n')).toBe(true);
  });

  it('takes a full bucket name and warns on stderr when it lacks the vendor prefix', async () => {
    const r = await runCli(['policy', 'print', '--bucket', 'acme-audit']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).Statement[1].Resource).toBe('arn:aws:s3:::acme-audit');
    expect(r.stderr).toMatch(/does not start with "prophecy-customer-backend-events-"/);
  });

  it('needs no credentials and no network', async () => {
    const r = await runCli(['policy', 'print', '--suffix', 'acme'], {
      env: {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      },
    });
    expect(r.code).toBe(0);
  });

  it.each([
    ['Acme', /\[lowercase\]/],
    ['acme_corp', /\[charset\]/],
    ['a.b', /\[no-dots\].*TLS/],
    ['x-', /\[no-trailing-hyphen\]/],
    ['a'.repeat(31), /\[length\].*at most 30/],
    ['', /\[length\].*empty/],
  ])('rejects suffix %j with exit 2, the rule on stderr and nothing on stdout', async (suffix, rule) => {
    const r = await runCli(['policy', 'print', '--suffix', suffix]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(rule);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('rejects a malformed principal override', async () => {
    const r = await runCli(['policy', 'print', '--suffix', 'acme', '--datasync-role-arn', 'role/x']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--datasync-role-arn "role\/x" is not an IAM role or user ARN/);
  });

  it('substitutes principal overrides', async () => {
    const role = 'arn:aws:iam::111122223333:role/ProphecyDataSync';
    const r = await runCli(['policy', 'print', '--suffix', 'acme', '--datasync-role-arn', role]);
    expect(JSON.parse(r.stdout).Statement[0].Principal.AWS).toBe(role);
  });
});

describe('command tree', () => {
  it.each([['setup'], ['verify'], ['policy', 'print'], ['events', 'query'], ['events', 'catalog']])(
    '%s --help documents options and an example',
    async (...cmd) => {
      const r = await runCli([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Options:/);
      expect(r.stdout).toMatch(/Examples:\n {2}\$ prophecy-audit|Examples:\n {2}\$ npx prophecy-audit/);
    },
  );

  it('exits 2 on an unknown command or option', async () => {
    expect((await runCli(['nope'])).code).toBe(2);
    expect((await runCli(['policy', 'print', '--nope'])).code).toBe(2);
  });

  it('prints its version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('policy print --kms-statement (CLI)', () => {
  it("prints the key-policy statement for the bucket's region, needing no credentials", async () => {
    const r = await runCli(
      ['policy', 'print', '--kms-statement', '--suffix', 'acme', '--region', 'eu-west-1'],
      {
        env: {
          AWS_ACCESS_KEY_ID: undefined,
          AWS_SECRET_ACCESS_KEY: undefined,
          AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        },
      },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toStrictEqual({
      Sid: 'ProphecyDataSyncKmsAccess',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::133450206866:role/AWSDataSyncS3BucketAccessCustomerBackendEventsRole' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
    });
    expect(r.stdout.endsWith('}\n')).toBe(true);
  });

  it('defaults to us-east-1 and follows --datasync-role-arn', async () => {
    const role = 'arn:aws:iam::111122223333:role/OtherDataSync';
    const r = await runCli([
      'policy',
      'print',
      '--kms-statement',
      '--suffix',
      'acme',
      '--datasync-role-arn',
      role,
    ]);
    expect(r.code).toBe(0);
    const st = JSON.parse(r.stdout);
    expect(st.Principal).toEqual({ AWS: role });
    expect(st.Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } });
  });

  it('an unknown region, or --region without --kms-statement, exits 2 with nothing on stdout', async () => {
    const bad = await runCli([
      'policy',
      'print',
      '--kms-statement',
      '--suffix',
      'acme',
      '--region',
      'mars-1',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/Invalid --region/);
    const stray = await runCli(['policy', 'print', '--suffix', 'acme', '--region', 'us-east-1']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/--region goes with --kms-statement only/);
  });
});
