import { describe, expect, it } from 'vitest';
import {
  createAthena,
  createKms,
  createS3,
  createSts,
  HTTP_TIMEOUTS,
  MAX_ATTEMPTS,
} from '../../src/aws/clients.js';
import { DeadlineExceeded, deadline, noteClientEndpoint, toAwsFailure } from '../../src/aws/errors.js';
import type { VerifyFlags } from '../../src/commands/verify/flags.js';
import { parse, run } from '../../src/commands/verify/run.js';
import { CliError } from '../../src/errors.js';
import { asCliError } from '../../src/ui/aws-failure.js';
import { fakeContext } from '../helpers/fake-context.js';

/** Issue 12 §4: timeouts are a failure kind of their own, worded with the call and the endpoint. */

const ctx = { operation: 'GetBucketPolicy', action: 's3:GetBucketPolicy', resource: 'b' };

function worded(err: unknown) {
  const f = toAwsFailure(err, ctx);
  return {
    kind: f.kind,
    ...(asCliError(f) as CliError),
    message: (asCliError(f) as CliError).message,
    hint: (asCliError(f) as CliError).hint,
  };
}

describe('timeouts and TLS mismatches', () => {
  it("the SDK's request timeout (after its retries): kind timeout, the call, the endpoint, the attempts", () => {
    const err = Object.assign(
      new Error(
        '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 60000 ms requestTimeout.',
      ),
      { name: 'TimeoutError', $metadata: { attempts: 5 } },
    );
    noteClientEndpoint(err, 'https://s3.us-east-1.amazonaws.com');
    const w = worded(err);
    expect(w.kind).toBe('timeout');
    expect(w.message).toBe(
      'GetBucketPolicy to https://s3.us-east-1.amazonaws.com timed out after 5 attempts: a request has exceeded the configured 60000 ms requestTimeout.',
    );
    expect(w.hint).toMatch(/--endpoint-url/);
  });

  it('a deadline aborting the call in flight: kind timeout naming the deadline', () => {
    const abort = Object.assign(new Error('Request aborted'), {
      name: 'AbortError',
      cause: new DeadlineExceeded(2000, 'verify --timeout 2s'),
    });
    noteClientEndpoint(abort, 'http://127.0.0.1:4566');
    const w = worded(abort);
    expect(w.kind).toBe('timeout');
    expect(w.message).toBe(
      'GetBucketPolicy to http://127.0.0.1:4566 timed out: no answer before the verify --timeout 2s deadline.',
    );
  });

  it('an abort that is no deadline (Ctrl-C) is not called a timeout', () => {
    const abort = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    expect(toAwsFailure(abort, ctx).kind).not.toBe('timeout');
  });

  it('ETIMEDOUT is a timeout; ECONNREFUSED stays a network failure', () => {
    const t = Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:443'), { code: 'ETIMEDOUT' });
    expect(toAwsFailure(t, ctx).kind).toBe('timeout');
    const r = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(toAwsFailure(r, ctx).kind).toBe('network');
  });

  it("https to a plain-HTTP port: one clear line, none of OpenSSL's text", () => {
    const err = Object.assign(
      new Error(
        'write EPROTO 40B7E1C4F07F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:355:\n',
      ),
      { code: 'EPROTO' },
    );
    noteClientEndpoint(err, 'https://127.0.0.1:5000');
    const w = worded(err);
    expect(w.kind).toBe('network');
    expect(w.message).toBe(
      'Could not reach AWS for GetBucketPolicy at https://127.0.0.1:5000: the endpoint does not speak TLS (an https:// URL pointed at a plain-HTTP port?).',
    );
    expect(`${w.message} ${w.hint}`).not.toMatch(/SSL routines|EPROTO|openssl/);
  });

  it('deadline() aborts with a DeadlineExceeded reason; clear() stops it', async () => {
    const d = deadline(10, 'x --timeout 10ms');
    await new Promise((r) => setTimeout(r, 30));
    expect(d.signal.reason).toBeInstanceOf(DeadlineExceeded);
    const e = deadline(10, 'y');
    e.clear();
    await new Promise((r) => setTimeout(r, 30));
    expect(e.signal.aborted).toBe(false);
  });
});

describe('every client gets the HTTP timeouts and keeps its retries', () => {
  it.each([
    ['s3', () => createS3({ endpointUrl: 'http://127.0.0.1:9' })],
    ['sts', () => createSts({})],
    ['kms', () => createKms({})],
    ['athena', () => createAthena({})],
  ])('%s', async (_, make) => {
    const client = make();
    // The handler resolves its options lazily; what it resolved is what every request uses.
    const handler = client.config.requestHandler as unknown as {
      configProvider: Promise<Record<string, unknown>>;
    };
    const config = await handler.configProvider;
    expect(config).toMatchObject(HTTP_TIMEOUTS);
    expect(HTTP_TIMEOUTS.connectionTimeout).toBeGreaterThan(0);
    expect(HTTP_TIMEOUTS.requestTimeout).toBeGreaterThan(0);
    expect(HTTP_TIMEOUTS.socketTimeout).toBeGreaterThan(0);
    expect(await client.config.maxAttempts()).toBe(MAX_ATTEMPTS);
    client.destroy();
  });
});

describe('verify --timeout', () => {
  it('defaults to a few minutes and parses with the duration parser', () => {
    const f = fakeContext();
    expect(parse({ suffix: 'acme' } as VerifyFlags, f.ctx).timeoutMs).toBe(5 * 60_000);
    expect(parse({ suffix: 'acme', timeout: '90s' } as VerifyFlags, f.ctx).timeoutMs).toBe(90_000);
    expect(() => parse({ suffix: 'acme', timeout: '0s' } as VerifyFlags, f.ctx)).toThrow(/--timeout:/);
  });

  it('gives the clients a signal that aborts at the deadline; a call that ignores it still cannot hang verify', async () => {
    const f = fakeContext();
    const signals: (AbortSignal | undefined)[] = [];
    const aws = f.ctx.aws;
    f.ctx.aws = (settings) => {
      signals.push(settings.signal);
      return aws(settings);
    };
    // A client that never answers and ignores the signal.
    f.s3.send = () => new Promise(() => undefined);
    const started = Date.now();
    const err = await run(f.ctx, parse({ suffix: 'acme', timeout: '50ms' } as VerifyFlags, f.ctx)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toBe(
      'Verify did not finish before the verify --timeout 50ms deadline.',
    );
    expect(signals[0]?.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
