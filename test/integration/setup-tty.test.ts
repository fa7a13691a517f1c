import { stripVTControlCharacters } from 'node:util';
import { GetBucketLocationCommand, GetBucketPolicyCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { type IPty, spawn } from 'node-pty';
import { describe, expect, inject, it } from 'vitest';
import { CLI, cliEnv, testS3, uniqueSuffix } from '../helpers/run-cli.js';
import { vendorPolicyFor } from '../helpers/vendor-page.js';

const endpoint = inject('motoEndpoint');
const PREFIX = 'prophecy-customer-backend-events-';

/** The real wizard in a pseudo-terminal: what a person sees, and keys as a person types them. */
class Terminal {
  private raw = '';
  private seen = 0;
  readonly exit: Promise<number>;
  private readonly pty: IPty;

  constructor(args: string[]) {
    this.pty = spawn(process.execPath, [CLI, ...args], {
      name: 'xterm-256color',
      cols: 160,
      rows: 50,
      env: cliEnv(endpoint, { NO_COLOR: '1' }) as Record<string, string>,
    });
    this.pty.onData((d) => {
      this.raw += d;
    });
    this.exit = new Promise((resolve) => this.pty.onExit(({ exitCode }) => resolve(exitCode)));
  }

  get text(): string {
    return stripVTControlCharacters(this.raw);
  }

  /** Waits until `pattern` appears in output that arrived after the previous match. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const rest = this.text.slice(this.seen);
      const m = pattern.exec(rest);
      if (m) {
        this.seen += m.index + m[0].length;
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${pattern}; screen so far:\n${this.text}`);
  }

  type(keys: string): void {
    this.pty.write(keys);
  }

  kill(): void {
    this.pty.kill();
  }
}

const ENTER = '\r';
const BACKSPACE = '\x7f';
const CTRL_C = '\x03';

async function exists(bucket: string): Promise<boolean> {
  try {
    await testS3(endpoint).send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch {
    return false;
  }
}

describe('setup wizard in a terminal', () => {
  it('asks the suffix (showing the bucket name live), the region, confirms, and sets up the bucket', async () => {
    const suffix = uniqueSuffix('tty');
    const bucket = PREFIX + suffix;
    const t = new Terminal(['setup']);
    try {
      await t.waitFor(/AWS account 123456789012 as arn:aws:sts::123456789012:/);
      await t.waitFor(/default suffix is your account id/);
      await t.waitFor(/Bucket suffix: .*\(123456789012\)/);
      t.type('X');
      await t.waitFor(/✖ prophecy-customer-backend-events-X/);
      t.type(BACKSPACE);
      t.type(suffix);
      await t.waitFor(new RegExp(`✔ ${bucket}`));
      t.type(ENTER);
      await t.waitFor(/does not exist yet/);
      await t.waitFor(/Region for the bucket/);
      await t.waitFor(/us-east-1 +US East \(N\. Virginia\) +\(recommended by Prophecy\)/);
      t.type('irel');
      await t.waitFor(/eu-west-1 +Europe \(Ireland\)/);
      t.type(ENTER);
      await t.waitFor(/eu-west-1 \(Europe \(Ireland\)\) is not us-east-1\. Prophecy recommends us-east-1/);
      await t.waitFor(/Use eu-west-1 anyway\?/);
      t.type(`y${ENTER}`);
      await t.waitFor(/Plan for .* \(eu-west-1, account 123456789012\)/);
      await t.waitFor(/Apply this plan\?/);
      t.type(`y${ENTER}`);
      expect(await t.exit).toBe(0);
      expect(t.text).toMatch(new RegExp(`Bucket ARN: arn:aws:s3:::${bucket}\\s+Region: +eu-west-1`));
    } finally {
      t.kill();
    }
    const s3 = testS3(endpoint, 'eu-west-1');
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: bucket }))).LocationConstraint).toBe(
      'eu-west-1',
    );
    const policy = (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy as string;
    expect(JSON.parse(policy)).toStrictEqual(vendorPolicyFor(bucket));
  });

  it('Ctrl-C at the confirmation exits 130 and creates nothing', async () => {
    const suffix = uniqueSuffix('ctrlc');
    const t = new Terminal(['setup', '--suffix', suffix, '--region', 'us-east-1']);
    try {
      await t.waitFor(/Apply this plan\?/);
      t.type(CTRL_C);
      expect(await t.exit).toBe(130);
      expect(t.text).toMatch(/Aborted, nothing was changed/);
    } finally {
      t.kill();
    }
    expect(await exists(PREFIX + suffix)).toBe(false);
  });

  it('Ctrl-C at the first question exits 130 before anything is looked at', async () => {
    const t = new Terminal(['setup']);
    try {
      await t.waitFor(/Bucket suffix/);
      t.type('half');
      t.type(CTRL_C);
      expect(await t.exit).toBe(130);
      expect(t.text).toMatch(/Aborted, nothing was changed/);
      expect(t.text).not.toMatch(/Looking at/);
    } finally {
      t.kill();
    }
  });
});
