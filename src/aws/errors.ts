import { CliError } from '../errors.js';

/** What we were doing when AWS said no; used to say which permission is missing. */
export interface AwsCallContext {
  operation: string;
  action?: string;
  resource?: string;
  profile?: string;
  endpoint?: string;
  region?: string;
}

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string; attempts?: number };
  $retryable?: unknown;
}

function asAwsError(err: unknown): AwsLikeError {
  return (typeof err === 'object' && err !== null ? err : { message: String(err) }) as AwsLikeError;
}

/** The error name, whatever shape it came in (moto sends some errors as a bare S3ServiceException). */
export function awsErrorName(err: unknown): string {
  const e = asAwsError(err);
  const raw = e as { Code?: string };
  return e.name && e.name !== 'S3ServiceException' && e.name !== 'Error'
    ? e.name
    : (raw.Code ?? e.code ?? e.name ?? '');
}

export function httpStatus(err: unknown): number | undefined {
  return asAwsError(err).$metadata?.httpStatusCode;
}

export function isNotFound(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === 'NotFound' || name === 'NoSuchBucket' || name === 'NoSuchKey' || httpStatus(err) === 404;
}

export function isAccessDenied(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === 'AccessDenied' || name === 'Forbidden' || httpStatus(err) === 403;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

let activeProfile: string | undefined;

/** The profile the clients were made with, so any failed call can name it in its advice. */
export function setActiveProfile(profile: string | undefined): void {
  activeProfile = profile;
}

function profileOf(ctx: AwsCallContext): string | undefined {
  return ctx.profile ?? activeProfile ?? process.env.AWS_PROFILE;
}

function loginHint(profile: string | undefined): string {
  const p = profile;
  return p ? `run \`aws sso login --profile ${p}\`` : 'run `aws sso login --profile <name>`';
}

/**
 * Turns an SDK error into one or two lines a person can act on. Works on names and status codes,
 * never on `instanceof`, so it needs no SDK import and handles moto's plain S3ServiceExceptions.
 */
export function translateAwsError(err: unknown, ctx: AwsCallContext): CliError {
  if (err instanceof CliError) return err;
  const e = asAwsError(err);
  const name = awsErrorName(err);
  const message = e.message ?? '';
  const status = e.$metadata?.httpStatusCode;
  const where = ctx.resource ? ` on ${ctx.resource}` : '';
  const opts = { cause: err };

  if (
    name === 'CredentialsProviderError' ||
    /could not load credentials|Unable to load credentials/i.test(message)
  ) {
    if (/sso|token/i.test(message)) {
      return new CliError(`Your AWS SSO login is missing or expired (${message.split('\n')[0]}).`, {
        ...opts,
        hint: `To fix: ${loginHint(profileOf(ctx))}, then run this command again.`,
      });
    }
    const profile = profileOf(ctx);
    if (profile) {
      return new CliError(`No AWS credentials could be loaded for profile "${profile}".`, {
        ...opts,
        hint: `To fix: check the name (\`aws configure list-profiles\`), run \`aws configure --profile ${profile}\`, or ${loginHint(profile)}.`,
      });
    }
    return new CliError('No AWS credentials were found.', {
      ...opts,
      hint: 'To fix: pass --profile <name> (or set AWS_PROFILE), run `aws configure`, or `aws sso login --profile <name>`.',
    });
  }
  if (name === 'TokenProviderError' || /\bsso\b.*(expired|refresh)/i.test(message)) {
    return new CliError('Your AWS SSO session has expired.', {
      ...opts,
      hint: `To fix: ${loginHint(profileOf(ctx))}.`,
    });
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException' || name === 'RequestExpired') {
    return new CliError('Your AWS credentials have expired.', {
      ...opts,
      hint: `To fix: refresh them (${loginHint(profileOf(ctx))}, or new temporary credentials) and run again.`,
    });
  }
  if (name === 'InvalidClientTokenId' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch') {
    return new CliError(`AWS rejected the credentials (${name}).`, {
      ...opts,
      hint: 'Check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile you selected with --profile.',
    });
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || name === 'Forbidden' || status === 403) {
    const action = ctx.action ? ` is missing ${ctx.action}${where}` : ' lacks permission';
    return new CliError(`Access denied calling ${ctx.operation}: your identity${action}.`, {
      ...opts,
      hint: 'Grant that permission to your user/role, or use a profile that has it (--profile).',
    });
  }
  if (
    name === 'PermanentRedirect' ||
    name === 'AuthorizationHeaderMalformed' ||
    name === 'IllegalLocationConstraintException' ||
    status === 301
  ) {
    return new CliError(
      `${ctx.operation} was sent to the wrong region${ctx.region ? ` (${ctx.region})` : ''}.`,
      {
        ...opts,
        hint: 'Pass --region with the region the bucket lives in.',
      },
    );
  }
  if (name === 'SlowDown' || name === 'Throttling' || name === 'ThrottlingException' || status === 503) {
    const attempts = e.$metadata?.attempts;
    return new CliError(
      `AWS kept throttling ${ctx.operation}${attempts ? ` after ${attempts} attempts` : ''} (${name || status}).`,
      { ...opts, hint: 'Wait a minute and run again.' },
    );
  }
  const code =
    (err as NodeJS.ErrnoException)?.code ?? (err as { cause?: NodeJS.ErrnoException })?.cause?.code;
  if ((code && NETWORK_CODES.has(code)) || name === 'TimeoutError') {
    // The SDK's message names the host and port ("connect ECONNREFUSED 127.0.0.1:9"), which is the useful part.
    const detail = message.split('\n')[0] || code || name;
    return new CliError(
      `Could not reach AWS for ${ctx.operation}${ctx.endpoint ? ` at ${ctx.endpoint}` : ''} (${detail}).`,
      {
        ...opts,
        hint: 'Check your network, proxy settings and --endpoint-url.',
      },
    );
  }
  const label = name ? `${name}: ` : '';
  return new CliError(
    `${ctx.operation} failed: ${label}${message.split('\n')[0] || `HTTP ${status ?? '?'}`}`,
    {
      ...opts,
      hint: 'Run again with --debug for details.',
    },
  );
}

export function requestIds(err: unknown): string | undefined {
  const meta = asAwsError(err).$metadata;
  if (!meta?.requestId) return undefined;
  return `request id ${meta.requestId}${meta.extendedRequestId ? `, extended ${meta.extendedRequestId}` : ''}`;
}

/** Runs one AWS call and translates its failure with the call's context. */
export async function awsCall<T>(ctx: AwsCallContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateAwsError(err, ctx);
  }
}
