import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

export const CLI = fileURLToPath(new URL('../../bin/prophecy-audit.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  endpoint?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
  /** Run as this user and group (a test running as root uses an unprivileged one to meet EACCES). */
  uid?: number;
  gid?: number;
}

/**
 * The environment a test CLI run gets: dummy credentials, the emulator endpoint, and no trace of
 * the developer's own AWS config, so a test can never reach a real account.
 */
export function cliEnv(
  endpoint: string | undefined,
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AWS_') && k !== 'FORCE_COLOR' && k !== 'NO_COLOR') env[k] = v;
  }
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(endpoint ? { AWS_ENDPOINT_URL: endpoint } : {}),
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** A CLI process started by spawnCli: its output so far, and its exit code once it closes. */
export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
}

/**
 * Starts the built CLI with the test environment and collects its output as it comes; stdin is left open
 * (end it, or write to it). For runs a test watches or signals while they go; runCli waits for the end.
 */
export function spawnCli(args: string[], opts: Omit<RunOptions, 'input' | 'timeoutMs'> = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    env: cliEnv(opts.endpoint, opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(opts.uid === undefined ? {} : { uid: opts.uid }),
    ...(opts.gid === undefined ? {} : { gid: opts.gid }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out: () => stdout, err: () => stderr, exit };
}

/** Runs the built CLI as a user would, with stdin closed (or fed `input`), and collects its output. */
export function runCli(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const run = spawnCli(args, opts);
    const timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`CLI timed out: ${args.join(' ')}\nstdout: ${run.out()}\nstderr: ${run.err()}`));
    }, opts.timeoutMs ?? 30_000);
    run.child.on('error', reject);
    void run.exit.then((code) => {
      clearTimeout(timer);
      resolve({ code, stdout: run.out(), stderr: run.err() });
    });
    run.child.stdin.end(opts.input ?? '');
  });
}

/** An SDK client for checking outcomes directly, as the account `accessKey` maps to in moto. */
export function testS3(endpoint: string, region = 'us-east-1'): S3Client {
  return new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

/** An S3 client of a second account: moto maps credentials from STS AssumeRole to the account in the role ARN. */
export async function otherAccountS3(endpoint: string, account: string): Promise<S3Client> {
  const sts = new STSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/Other`,
      RoleSessionName: 'other-account',
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('moto returned no credentials');
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
    },
  });
}

/** Bucket names unique per test run, so test files can share one moto server in parallel. */
export function uniqueSuffix(tag: string): string {
  return `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
