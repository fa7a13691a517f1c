import { afterEach, describe, expect, it, vi } from 'vitest';
import { awsErrorName, translateAwsError } from '../../src/aws/errors.js';
import { CliError, ExitCode } from '../../src/errors.js';

function sdkError(name: string, message: string, status?: number, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), {
    name,
    ...(status === undefined
      ? {}
      : { $metadata: { httpStatusCode: status, requestId: 'REQ1', attempts: 5 } }),
    ...extra,
  });
}

const ctx = { operation: 'GetBucketPolicy', action: 's3:GetBucketPolicy', resource: 'my-bucket' };

describe('translateAwsError', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    [
      sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
      /No AWS credentials/,
      /aws configure/,
    ],
    [
      sdkError(
        'CredentialsProviderError',
        'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login',
      ),
      /SSO login is missing or expired/,
      /aws sso login --profile prod/,
    ],
    [
      sdkError('TokenProviderError', 'Token is expired'),
      /SSO session has expired/,
      /aws sso login --profile prod/,
    ],
    [sdkError('ExpiredToken', 'The provided token has expired.', 400), /credentials have expired/, /refresh/],
    [sdkError('InvalidAccessKeyId', 'bad key', 403), /rejected the credentials/, /AWS_ACCESS_KEY_ID/],
    [
      sdkError('AccessDenied', 'Access Denied', 403),
      /Access denied calling GetBucketPolicy: your identity is missing s3:GetBucketPolicy on my-bucket/,
      /Grant/,
    ],
    [sdkError('PermanentRedirect', 'wrong endpoint', 301), /wrong region/, /--region/],
    [
      sdkError('SlowDown', 'Please reduce your request rate.', 503),
      /kept throttling GetBucketPolicy after 5 attempts/,
      /Wait/,
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
      /Could not reach AWS/,
      /--endpoint-url/,
    ],
    [
      sdkError('InternalError', 'We encountered an internal error.', 500),
      /GetBucketPolicy failed: InternalError/,
      /--debug/,
    ],
  ])('%s', (err, message, hint) => {
    const out = translateAwsError(err, { ...ctx, profile: 'prod' });
    expect(out).toBeInstanceOf(CliError);
    expect(out.exitCode).toBe(ExitCode.error);
    expect(out.message).toMatch(message);
    expect(out.hint).toMatch(hint);
    expect(out.cause).toBe(err);
  });

  it('reads the error code moto sends inside a bare S3ServiceException', () => {
    expect(
      awsErrorName(Object.assign(new Error('x'), { name: 'S3ServiceException', Code: 'NoSuchBucketPolicy' })),
    ).toBe('NoSuchBucketPolicy');
  });

  it('without a profile, suggests how to choose or create one', () => {
    vi.stubEnv('AWS_PROFILE', undefined);
    const err = sdkError('CredentialsProviderError', 'Could not load credentials from any providers');
    const out = translateAwsError(err, { operation: 'sts:GetCallerIdentity' });
    expect(out.message).toBe('No AWS credentials were found.');
    expect(out.hint).toMatch(/--profile <name>.*aws configure/);
  });

  it('names the profile when credentials for it cannot be loaded', () => {
    const err = sdkError('CredentialsProviderError', 'Could not load credentials from any providers');
    const out = translateAwsError(err, { operation: 'sts:GetCallerIdentity', profile: 'audit' });
    expect(out.message).toBe('No AWS credentials could be loaded for profile "audit".');
    expect(out.hint).toMatch(/aws configure --profile audit/);
  });

  it('passes CliErrors through unchanged', () => {
    const e = new CliError('already translated');
    expect(translateAwsError(e, ctx)).toBe(e);
  });
});
