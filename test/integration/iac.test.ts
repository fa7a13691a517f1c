import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { spawn as spawnPty } from 'node-pty';
import { afterAll, describe, expect, it } from 'vitest';
import { generatePolicy, type PolicyDocument } from '../../src/core/policy.js';
import { CLI, runCli } from '../helpers/run-cli.js';

/*
 * `export` and `verify --policy-file` as a user runs them: the built CLI in a subprocess, with no AWS
 * credentials, no endpoint and a module hook that fails the run if anything resolves an @aws-sdk package.
 * Nothing here deploys: moto's CloudFormation does not create AWS::S3::BucketPolicy, so a deployment there
 * would test nothing about the policy. The templates are checked by cfn-lint and by verify itself.
 */

const BUCKET = 'prophecy-customer-backend-events-acme';
const dir = mkdtempSync(join(tmpdir(), 'iac-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Loaded with --import: any attempt to load the AWS SDK ends the run with an error naming the package. */
const NO_SDK_HOOK = join(dir, 'no-aws-sdk.mjs');
writeFileSync(
  NO_SDK_HOOK,
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(
  'export async function resolve(s, c, next) { if (s.startsWith("@aws-sdk/")) throw new Error("AWS SDK loaded: " + s); return next(s, c); }'
));
`,
);

/** The environment of a CI job with no AWS configuration at all. */
function offlineEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const k of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_REGION',
    'AWS_CONFIG_FILE',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_EC2_METADATA_DISABLED',
    'AWS_ENDPOINT_URL',
  ]) {
    env[k] = undefined;
  }
  env.NODE_OPTIONS = `--import=${NO_SDK_HOOK}`;
  return env;
}

/** The CLI offline: no credentials, no endpoint, no SDK. */
const offline = (args: string[], input?: string) =>
  runCli(args, { env: offlineEnv(), ...(input === undefined ? {} : { input }) });

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const fixture = (name: string) => new URL(`../fixtures/iac/${name}`, import.meta.url).pathname;
const modelPolicy = (): PolicyDocument => ({ ...generatePolicy(BUCKET), Version: '2012-10-17' });

/** A tool the tests need on PATH; CI must have it (.ci/run checks), elsewhere its test is skipped. */
function requireTool(name: string, skip: () => void): void {
  if (spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0) return;
  if (process.env.CI === 'true') throw new Error(`${name} is not on PATH, and CI requires it`);
  skip();
}

describe('verify --policy-file (CLI)', () => {
  it('the hook really stops the AWS SDK: live verify cannot start under it', async () => {
    const r = await offline(['verify', '--suffix', 'acme']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/AWS SDK loaded: @aws-sdk\//);
  });

  it('`policy print | verify --policy-file -` exits 0 in a real pipe, with no credentials and no SDK', () => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
    env.NODE_OPTIONS = `--import=${NO_SDK_HOOK}`;
    const cli = JSON.stringify(CLI);
    const node = JSON.stringify(process.execPath);
    const r = spawnSync(
      'sh',
      [
        '-c',
        `${node} ${cli} policy print --suffix acme | ${node} ${cli} verify --policy-file - --suffix acme`,
      ],
      { env, encoding: 'utf8', timeout: 30_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /^stdin: bucket policy document, checked offline as prophecy-customer-backend-events-acme\n/,
    );
    expect(r.stdout).toMatch(/OK: 3 passed, 0 warnings, 0 failed\n$/);
    expect(r.status).toBe(0);
  });

  it('--json in a pipe: verify’s document, schemaVersion 1', async () => {
    const policy = await offline(['policy', 'print', '--suffix', 'acme']);
    const r = await offline(['verify', '--policy-file', '-', '--suffix', 'acme', '--json'], policy.stdout);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      ok: true,
      bucket: BUCKET,
      policyFile: { path: '-', kind: 'policy' },
    });
  });

  it('exits 2 on invalid JSON with the line and column, and nothing on stdout', async () => {
    const r = await offline(
      ['verify', '--policy-file', '-', '--suffix', 'acme'],
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Sid": "x",}\n  ]\n}\n',
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^Error: Cannot check --policy-file stdin: invalid JSON: .*\(line 4, column 17\)\.\n/,
    );
  });

  it('exits 2 on AWS-only flags and on a missing file', async () => {
    const maxAge = await offline([
      'verify',
      '--policy-file',
      fixture('plan-update.json'),
      '--suffix',
      'acme',
      '--max-age',
      '26h',
    ]);
    expect(maxAge.code).toBe(2);
    expect(maxAge.stderr).toMatch(/--max-age only applies to the live bucket/);
    const missing = await offline(['verify', '--policy-file', join(dir, 'nope.json'), '--suffix', 'acme']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read --policy-file .*nope\.json: no such file/);
  });

  it('refuses a terminal on stdin at once (exit 2) instead of waiting for input', async () => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (!k.startsWith('AWS_') && v !== undefined) env[k] = v;
    env.NO_COLOR = '1';
    const pty = spawnPty(process.execPath, [CLI, 'verify', '--policy-file', '-', '--suffix', 'acme'], {
      name: 'xterm',
      cols: 200,
      rows: 20,
      env,
    });
    let out = '';
    pty.onData((d) => {
      out += d;
    });
    const code = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        pty.kill();
        reject(new Error(`verify --policy-file - waited on a terminal; screen:\n${out}`));
      }, 15_000);
      pty.onExit(({ exitCode }) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code).toBe(2);
    expect(stripVTControlCharacters(out)).toMatch(/stdin is a terminal/);
  });

  it.each([
    ['plan-update.json', 0],
    ['plan-create-configured.json', 0],
    ['plan-real-exported.json', 0],
    ['plan-create-unknown.json', 1],
    ['plan-real-create-unknown.json', 1],
    ['plan-missing-action.json', 1],
    ['template-customer.yaml', 1],
  ])('%s exits %i, from a file and from stdin', async (name, expected) => {
    const fromFile = await offline(['verify', '--policy-file', fixture(name), '--suffix', 'acme']);
    expect(fromFile.code, fromFile.stdout + fromFile.stderr).toBe(expected);
    const text = spawnSync('cat', [fixture(name)], { encoding: 'utf8' }).stdout;
    const fromStdin = await offline(['verify', '--policy-file', '-', '--suffix', 'acme', '--quiet'], text);
    expect(fromStdin.code).toBe(expected);
  });
});

describe('export cloudformation (CLI)', () => {
  it('is cfn-lint clean, passes verify --policy-file, and fails it with one action removed', async (ctx) => {
    requireTool('cfn-lint', () => ctx.skip());
    const r = await offline(['export', 'cloudformation', '--suffix', 'acme']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const template = file('template.yaml', r.stdout);

    const lint = spawnSync('cfn-lint', ['--format', 'parseable', '--', template], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);

    const ok = await offline(['verify', '--policy-file', template, '--suffix', 'acme']);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/OK: 5 passed, 0 warnings, 0 failed/);

    const without = r.stdout.replace(/^ *- s3:PutObject\n/m, '');
    expect(without).not.toBe(r.stdout);
    const broken = file('template-without-putobject.yaml', without);
    const fails = await offline(['verify', '--policy-file', broken, '--suffix', 'acme']);
    expect(fails.code).toBe(1);
    expect(fails.stdout).toMatch(
      /✖ policy .*s3:PutObject on arn:aws:s3:::prophecy-customer-backend-events-acme\/\*/,
    );
  }, 120_000);

  it('every variant is cfn-lint clean and checks out', async (ctx) => {
    requireTool('cfn-lint', () => ctx.skip());
    const variants: Record<string, string[]> = {
      'policy-only': ['--suffix', 'acme', '--policy-only'],
      bucket: ['--bucket', BUCKET, '--region', 'eu-west-1'],
      kms: [
        '--suffix',
        'acme',
        '--region',
        'eu-west-1',
        '--kms-key-arn',
        'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      ],
    };
    const files: string[] = [];
    for (const [name, args] of Object.entries(variants)) {
      const r = await offline(['export', 'cloudformation', ...args]);
      expect(r.code).toBe(0);
      files.push(file(`variant-${name}.yaml`, r.stdout));
    }
    const lint = spawnSync('cfn-lint', ['--format', 'parseable', '--', ...files], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
    for (const f of files) {
      const v = await offline(['verify', '--policy-file', f, '--bucket', BUCKET]);
      expect(v.code, `${f}\n${v.stdout}`).toBe(0);
    }
  }, 120_000);
});

describe('export terraform (CLI)', () => {
  // biome-ignore lint/suspicious/noExplicitAny: hcl2json returns untyped JSON
  type Hcl = any;

  it('parses back to the bucket resources and a policy document equal to the model', async () => {
    const r = await offline(['export', 'terraform', '--suffix', 'acme']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc: Hcl = await parseHcl('main.tf', r.stdout);
    expect(Object.keys(doc.resource).sort()).toEqual([
      'aws_s3_bucket',
      'aws_s3_bucket_ownership_controls',
      'aws_s3_bucket_policy',
      'aws_s3_bucket_public_access_block',
    ]);
    expect(doc.variable.suffix[0].default).toBe('acme');
    expect(doc.variable.region[0].default).toBe('us-east-1');
    expect(doc.resource.aws_s3_bucket_ownership_controls.prophecy_audit_logs[0].rule).toEqual([
      { object_ownership: 'BucketOwnerEnforced' },
    ]);
    expect(doc.resource.aws_s3_bucket_public_access_block.prophecy_audit_logs[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(Object.keys(doc.output).sort()).toEqual(['bucket_arn', 'region']);

    // The document as the provider renders it, with the file's own locals and variable defaults.
    const locals: Record<string, string> = Object.assign({}, ...doc.locals);
    const evaluate = (s: string): string =>
      s.replace(/\$\{(var|local)\.(\w+)\}/g, (_, kind: string, name: string) =>
        evaluate(kind === 'var' ? doc.variable[name][0].default : locals[name]),
      );
    const one = (list: string[]) => (list.length === 1 ? list[0] : list);
    const data = doc.data.aws_iam_policy_document.prophecy_audit_logs[0];
    const policy = {
      Version: data.version,
      Statement: data.statement.map((s: Hcl) => ({
        Sid: s.sid,
        Effect: s.effect,
        Principal: Object.fromEntries(s.principals.map((p: Hcl) => [p.type, one(p.identifiers)])),
        Action: one(s.actions),
        Resource: one(s.resources.map(evaluate)),
      })),
    };
    expect(policy).toEqual(modelPolicy());
  });

  it('is laid out as `terraform fmt` writes it (when terraform is on PATH)', async (ctx) => {
    if (spawnSync('terraform', ['version'], { stdio: 'ignore' }).status !== 0) ctx.skip();
    const variants = [
      ['--suffix', 'acme'],
      ['--bucket', 'my-audit-bucket', '--policy-only'],
      [
        '--suffix',
        'acme',
        '--region',
        'eu-west-1',
        '--kms-key-arn',
        'arn:aws:kms:eu-west-1:111122223333:key/abcd',
      ],
    ];
    for (const [i, args] of variants.entries()) {
      const r = await offline(['export', 'terraform', ...args]);
      expect(r.code).toBe(0);
      const path = file(`fmt-${i}.tf`, r.stdout);
      // -check exits 3 and lists the file when fmt would change it; -diff shows what.
      const fmt = spawnSync('terraform', ['fmt', '-check', '-diff', '-no-color', path], {
        encoding: 'utf8',
        env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
      });
      expect(fmt.stdout, args.join(' ')).toBe('');
      expect(fmt.status).toBe(0);
    }
  }, 60_000);

  it('refuses a bad format or region with exit 2 and prints nothing', async () => {
    const format = await offline(['export', 'pulumi', '--suffix', 'acme']);
    expect(format.code).toBe(2);
    expect(format.stdout).toBe('');
    expect(format.stderr).toMatch(/Allowed choices are terraform, cloudformation/);
    const region = await offline(['export', 'terraform', '--suffix', 'acme', '--region', 'moon-1']);
    expect(region.code).toBe(2);
    expect(region.stdout).toBe('');
  });

  it('--help shows the formats and examples', async () => {
    const r = await offline(['export', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: prophecy-audit export \[options\] <format>/);
    expect(r.stdout).toMatch(/\$ prophecy-audit export terraform --suffix acme/);
    expect(r.stdout).toMatch(/2012-10-17/);
  });
});
