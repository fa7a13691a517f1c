import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type FaultProxy, s3Call, startFaultProxy } from '../helpers/fault-proxy.js';
import { type CliResult, runCli, spawnCli, testS3, uniqueSuffix } from '../helpers/run-cli.js';

/**
 * Issue 12 §4: an endpoint that accepts and never answers cannot hang `verify` (cron); SIGTERM stops a run
 * saying what completed; https to a plain-HTTP port is one clear line, not OpenSSL's text.
 */

const endpoint = inject('motoEndpoint');
const PREFIX = 'prophecy-customer-backend-events-';

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

describe('verify --timeout', () => {
  it('an endpoint that accepts and never answers: exit 2 naming the call and the endpoint', async () => {
    proxy = await startFaultProxy(endpoint, [{ match: () => true, fault: { kind: 'hang' } }]);
    const r = await runCli(['verify', '--suffix', uniqueSuffix('hang'), '--timeout', '2s'], {
      endpoint: proxy.url,
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const host = proxy.url.replace(/[.:/]/g, '\\$&');
    expect(r.stderr).toMatch(
      new RegExp(
        `^Error: (HeadBucket|sts:GetCallerIdentity) to ${host} timed out: no answer before the verify --timeout 2s deadline\\.\\n`,
      ),
    );
    expect(r.stderr).not.toMatch(/This is a bug/);
    // The calls really went out and were abandoned, not refused before sending.
    expect(proxy.seen.length).toBeGreaterThan(0);
  });

  it('names the one call that hangs when the others answer', async () => {
    const suffix = uniqueSuffix('hangpol');
    await testS3(endpoint).send(new CreateBucketCommand({ Bucket: `${PREFIX}${suffix}` }));
    proxy = await startFaultProxy(endpoint, [{ match: s3Call.getBucketPolicy, fault: { kind: 'hang' } }]);
    const r = await runCli(['verify', '--suffix', suffix, '--timeout', '3s'], { endpoint: proxy.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^Error: GetBucketPolicy to http:\/\/127\.0\.0\.1:\d+ timed out: no answer before/,
    );
  });

  it('rejects a --timeout that is not a duration before any request', async () => {
    proxy = await startFaultProxy(endpoint);
    const r = await runCli(['verify', '--suffix', 'acme', '--timeout', '10'], { endpoint: proxy.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--timeout: "10" is not a duration/);
    expect(proxy.seen).toEqual([]);
  });
});

describe('https to a plain-HTTP port', () => {
  it('is one clear line naming the endpoint, not OpenSSL text', async () => {
    const https = endpoint.replace(/^http:/, 'https:');
    const r = await runCli(['verify', '--suffix', 'acme'], { endpoint: https });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^Error: Could not reach AWS for (HeadBucket|sts:GetCallerIdentity) at https:\/\/127\.0\.0\.1:\d+: the endpoint does not speak TLS/,
    );
    expect(r.stderr).toMatch(/needs http:\/\//);
    expect(r.stderr).not.toMatch(/SSL routines|wrong version number|EPROTO/);
  });
});

/** Runs the CLI and sends it `signal` once `ready` holds (polled), as cron's timeout or `kill` would. */
function runAndSignal(
  args: string[],
  endpoint: string,
  ready: () => boolean,
  signal: NodeJS.Signals,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const run = spawnCli(args, { endpoint });
    const poll = setInterval(() => {
      if (ready()) {
        clearInterval(poll);
        run.child.kill(signal);
      }
    }, 50);
    const guard = setTimeout(() => {
      clearInterval(poll);
      run.child.kill('SIGKILL');
      reject(new Error(`no exit after ${signal}\nstderr: ${run.err()}`));
    }, 30_000);
    run.child.on('error', reject);
    void run.exit.then((code) => {
      clearInterval(poll);
      clearTimeout(guard);
      resolve({ code, stdout: run.out(), stderr: run.err() });
    });
    run.child.stdin.end();
  });
}

describe('SIGTERM', () => {
  it('exits 143 with the same "what completed" note as Ctrl-C', async () => {
    proxy = await startFaultProxy(endpoint, [{ match: s3Call.putBucketPolicy, fault: { kind: 'hang' } }]);
    const p = proxy;
    const r = await runAndSignal(
      ['setup', '--suffix', uniqueSuffix('term'), '--yes'],
      p.url,
      () => p.seen.some(s3Call.putBucketPolicy),
      'SIGTERM',
    );
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(
      /Interrupted during "Bucket policy: [^"]+"\. Completed: Bucket prophecy-customer-backend-events-term-\S+ in us-east-1; Block Public Access: all four settings on\. Running setup again resumes/,
    );
  });
});
