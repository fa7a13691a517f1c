import { describe, expect, it } from 'vitest';
import { AwsFailure, awsCall, awsErrorName, noteClientProfile, toAwsFailure } from '../../src/aws/errors.js';
import { BucketTakenError, CliError, ExitCode } from '../../src/errors.js';
import { asCliError, describeAwsFailure } from '../../src/ui/aws-failure.js';
import { reportError } from '../../src/ui/report-error.js';
import { fakeStream } from '../helpers/fake-context.js';

function sdkError(name: string, message: string, status?: number, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), {
    name,
    ...(status === undefined
      ? {}
      : { $metadata: { httpStatusCode: status, requestId: 'REQ1', attempts: 5 } }),
    ...extra,
  });
}

const ctx = { operation: 'GetBucketPolicy', action: 's3:GetBucketPolicy', resource: 'my-bucket' } as const;

/** What a person reads for an SDK error: the AWS layer's classification, worded by the table at the edge. */
function translate(err: unknown, call: Parameters<typeof toAwsFailure>[1]): CliError {
  const out = asCliError(toAwsFailure(err, call));
  if (!out) throw new Error('not worded');
  return out;
}

describe('AWS failures: kind at the AWS layer, words at the edge', () => {
  it.each([
    [
      sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
      'credentials',
      /No AWS credentials/,
      /aws configure/,
    ],
    [
      sdkError(
        'CredentialsProviderError',
        'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login',
      ),
      'sso-login',
      /SSO login is missing or expired/,
      /aws sso login --profile prod/,
    ],
    [
      sdkError('TokenProviderError', 'Token is expired'),
      'sso-expired',
      /SSO session has expired/,
      /aws sso login --profile prod/,
    ],
    [
      sdkError('ExpiredToken', 'The provided token has expired.', 400),
      'expired-credentials',
      /credentials have expired/,
      /refresh/,
    ],
    [
      sdkError('InvalidAccessKeyId', 'bad key', 403),
      'rejected-credentials',
      /rejected the credentials/,
      /AWS_ACCESS_KEY_ID/,
    ],
    [
      sdkError('AccessDenied', 'Access Denied', 403),
      'access-denied',
      /Access denied calling GetBucketPolicy: your identity is missing s3:GetBucketPolicy on my-bucket/,
      /Grant/,
    ],
    [sdkError('PermanentRedirect', 'wrong endpoint', 301), 'wrong-region', /wrong region/, /--region/],
    [
      sdkError('SlowDown', 'Please reduce your request rate.', 503),
      'throttled',
      /kept throttling GetBucketPolicy after 5 attempts/,
      /Wait/,
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
      'network',
      /Could not reach AWS/,
      /--endpoint-url/,
    ],
    [
      sdkError('InternalError', 'We encountered an internal error.', 500),
      'unknown',
      /GetBucketPolicy failed: InternalError/,
      /--debug/,
    ],
  ])('%s', (err, kind, message, hint) => {
    const failure = toAwsFailure(err, { ...ctx, profile: 'prod' });
    expect(failure).toBeInstanceOf(AwsFailure);
    expect(failure.kind).toBe(kind);
    expect(failure.cause).toBe(err);
    const out = translate(err, { ...ctx, profile: 'prod' });
    expect(out).toBeInstanceOf(CliError);
    expect(out.exitCode).toBe(ExitCode.error);
    expect(out.message).toMatch(message);
    expect(out.hint).toMatch(hint);
    expect(out.cause).toBeInstanceOf(AwsFailure);
    expect((out.cause as AwsFailure).cause).toBe(err);
  });

  it('reads the error code moto sends inside a bare S3ServiceException', () => {
    expect(
      awsErrorName(Object.assign(new Error('x'), { name: 'S3ServiceException', Code: 'NoSuchBucketPolicy' })),
    ).toBe('NoSuchBucketPolicy');
  });

  it('without a profile, suggests how to choose or create one', () => {
    const err = sdkError('CredentialsProviderError', 'Could not load credentials from any providers');
    const out = translate(err, { operation: 'sts:GetCallerIdentity' });
    expect(out.message).toBe('No AWS credentials were found.');
    expect(out.hint).toMatch(/--profile <name>.*aws configure/);
  });

  it('names the profile when credentials for it cannot be loaded', () => {
    const err = sdkError('CredentialsProviderError', 'Could not load credentials from any providers');
    const out = translate(err, { operation: 'sts:GetCallerIdentity', profile: 'audit' });
    expect(out.message).toBe('No AWS credentials could be loaded for profile "audit".');
    expect(out.hint).toMatch(/aws configure --profile audit/);
  });

  it('names the profile the failing client was made with (no global: the error carries it)', () => {
    const err = sdkError('CredentialsProviderError', 'Could not load credentials from any providers');
    noteClientProfile(err, 'from-client');
    const out = translate(err, { operation: 'ListObjectsV2' });
    expect(out.message).toBe('No AWS credentials could be loaded for profile "from-client".');
    // The call's own context wins over the client's.
    expect(toAwsFailure(err, { operation: 'x', profile: 'named' }).profile).toBe('named');
  });

  it('passes CliErrors and AwsFailures through unchanged', () => {
    const e = new CliError('already translated');
    expect(asCliError(e)).toBe(e);
    const f = toAwsFailure(sdkError('AccessDenied', 'no', 403), ctx);
    expect(toAwsFailure(f, { operation: 'other' })).toBe(f);
    expect(asCliError(new Error('a bug'))).toBeUndefined();
  });

  it.each([
    ['NoSuchBucketPolicy', 404, 'no-such-bucket-policy'],
    ['OwnershipControlsNotFoundError', 404, 'no-ownership-controls'],
    ['NoSuchPublicAccessBlockConfiguration', 404, 'no-public-access-block'],
    ['NoSuchBucket', 404, 'not-found'],
    ['NotFound', 404, 'not-found'],
    ['SomethingElse', 404, 'not-found'],
    ['BucketAlreadyExists', 409, 'bucket-taken'],
    ['BucketAlreadyOwnedByYou', 409, 'bucket-already-yours'],
    ['OperationAborted', 409, 'conflict'],
    ['MalformedPolicy', 400, 'malformed-policy'],
    ['InvalidBucketAclWithObjectOwnership', 400, 'acl-in-use'],
  ] as const)('%s (HTTP %s) is kind %s', (name, status, kind) => {
    expect(toAwsFailure(sdkError(name, 'x', status), ctx).kind).toBe(kind);
  });

  it('only NoSuchBucketPolicy means "no policy": another 404 of GetBucketPolicy is a different kind', () => {
    const moto = Object.assign(new Error('x'), { name: 'S3ServiceException', Code: 'NoSuchBucketPolicy' });
    expect(toAwsFailure(moto, ctx).kind).toBe('no-such-bucket-policy');
    expect(toAwsFailure(sdkError('NoSuchBucket', 'gone', 404), ctx).kind).toBe('not-found');
  });

  it('words a policy refused for Block Public Access, a refused ACL change and a taken name', () => {
    const blocked = toAwsFailure(
      sdkError(
        'AccessDenied',
        'because public policies are blocked by the BlockPublicPolicy block public access setting.',
        403,
      ),
      { operation: 'PutBucketPolicy', resource: 'b' },
    );
    expect(blocked.kind).toBe('public-policy-blocked');
    expect(describeAwsFailure(blocked).message).toBe(
      'S3 refused the policy for b because Block Public Access treats it as public.',
    );
    const acl = toAwsFailure(sdkError('InvalidBucketAclWithObjectOwnership', 'x', 400), {
      operation: 'PutBucketOwnershipControls',
      resource: 'b',
    });
    expect(describeAwsFailure(acl).message).toMatch(/^S3 refused to disable ACLs on b:/);
    const taken = toAwsFailure(sdkError('BucketAlreadyExists', 'x', 409), {
      operation: 'CreateBucket',
      resource: 'b',
    });
    expect(describeAwsFailure(taken)).toEqual({
      message: new BucketTakenError('b').message,
      hint: new BucketTakenError('b').hint,
    });
  });

  it('awsCall raises the typed failure with the call context', async () => {
    const call = awsCall(ctx, () => Promise.reject(sdkError('AccessDenied', 'Access Denied', 403)));
    await expect(call).rejects.toMatchObject({
      kind: 'access-denied',
      operation: 'GetBucketPolicy',
      action: 's3:GetBucketPolicy',
      resource: 'my-bucket',
      requestId: 'REQ1',
    });
  });
});

describe('reportError', () => {
  it('prints message and hint of an AWS failure; --debug adds the request id and the SDK stack', () => {
    const err = sdkError('AccessDenied', 'Access Denied', 403);
    const failure = toAwsFailure(err, ctx);
    const quiet = fakeStream();
    expect(reportError(failure, false, quiet.stream)).toBe(ExitCode.error);
    expect(quiet.text()).toBe(
      'Error: Access denied calling GetBucketPolicy: your identity is missing s3:GetBucketPolicy on my-bucket.\nGrant that permission to your user/role, or use a profile that has it (--profile).\n',
    );
    const loud = fakeStream();
    reportError(new CliError('Setup stopped', { cause: failure }), true, loud.stream);
    expect(loud.text()).toMatch(/^AWS request id REQ1$/m);
    expect(loud.text()).toContain(err.stack);
  });
});
