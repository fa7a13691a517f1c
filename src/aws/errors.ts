import { setMaxListeners } from 'node:events';
import { type ActionOf, OPERATIONS, type Operation } from './operations.js';

/**
 * The AWS layer's one failure type. Every failed call becomes an `AwsFailure` whose `kind` says what went
 * wrong in terms a caller can act on (absent configuration, no permission, no credentials, ...), together
 * with what the call was. What a person reads for each kind is decided at the edge, in one table
 * (src/ui/aws-failure.ts); this layer classifies and never words a message.
 */

export type AwsFailureKind =
  /** The default credential chain found nothing (for the profile, if one is set). */
  | 'credentials'
  /** The chain reached an SSO profile whose login is missing or expired. */
  | 'sso-login'
  /** An SSO token that could not be refreshed. */
  | 'sso-expired'
  /** Temporary credentials past their expiry. */
  | 'expired-credentials'
  /** AWS does not know the key, or the signature does not match. */
  | 'rejected-credentials'
  | 'access-denied'
  /** AccessDenied because Block Public Access treats the policy being written as public. */
  | 'public-policy-blocked'
  | 'wrong-region'
  /** Still throttled after the SDK's retries. */
  | 'throttled'
  /** The endpoint could not be reached (refused, reset, DNS), or spoke no TLS to an https:// URL. */
  | 'network'
  /**
   * No answer in time: the SDK's connection, request or socket timeout after its retries, or the command's
   * overall deadline (verify --timeout) aborting the call in flight.
   */
  | 'timeout'
  /** NoSuchBucket, NoSuchKey, NotFound, KMS's NotFoundException, or any other 404. */
  | 'not-found'
  /** The bucket has no policy: only this answer of GetBucketPolicy means "no policy". */
  | 'no-such-bucket-policy'
  /** The bucket has no ownership controls. */
  | 'no-ownership-controls'
  /** The bucket has no Block Public Access configuration. */
  | 'no-public-access-block'
  /** The bucket has no default encryption configuration (GetBucketEncryption). */
  | 'no-encryption-configuration'
  /** The bucket has no Object Lock configuration (GetObjectLockConfiguration). */
  | 'no-object-lock-configuration'
  /** CreateBucket: the name belongs to another account. */
  | 'bucket-taken'
  /** CreateBucket: the bucket already exists and is yours. */
  | 'bucket-already-yours'
  /** 409 OperationAborted: another configuration change on the bucket is in progress. */
  | 'conflict'
  /** S3 refused a policy document (MalformedPolicy, e.g. a principal that does not exist). */
  | 'malformed-policy'
  /** S3 refused to disable ACLs: the bucket ACL grants access to someone else. */
  | 'acl-in-use'
  | 'unknown';

/** What we were doing when AWS said no; used to say which permission is missing. */
export interface AwsCallContext {
  operation: string;
  action?: string;
  resource?: string;
  profile?: string;
  endpoint?: string;
  region?: string;
}

export interface AwsFailureDetails extends AwsCallContext {
  kind: AwsFailureKind;
  /** AWS's error name (`AccessDenied`, `NoSuchBucketPolicy`, ...), or '' when there is none. */
  code: string;
  /** The first line of the SDK's message ("connect ECONNREFUSED 127.0.0.1:9", ...). */
  detail: string;
  status?: number;
  /** The socket error code of a network failure (ECONNREFUSED, ...). */
  errno?: string;
  attempts?: number;
  requestId?: string;
  extendedRequestId?: string;
}

export class AwsFailure extends Error {
  readonly kind: AwsFailureKind;
  readonly code: string;
  readonly detail: string;
  readonly operation: string;
  readonly action: string | undefined;
  readonly resource: string | undefined;
  readonly profile: string | undefined;
  readonly endpoint: string | undefined;
  readonly region: string | undefined;
  readonly status: number | undefined;
  readonly errno: string | undefined;
  readonly attempts: number | undefined;
  readonly requestId: string | undefined;
  readonly extendedRequestId: string | undefined;

  constructor(details: AwsFailureDetails, cause?: unknown) {
    super(
      `${details.operation} failed (${details.kind}): ${details.code ? `${details.code}: ` : ''}${details.detail}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'AwsFailure';
    this.kind = details.kind;
    this.code = details.code;
    this.detail = details.detail;
    this.operation = details.operation;
    this.action = details.action;
    this.resource = details.resource;
    this.profile = details.profile;
    this.endpoint = details.endpoint;
    this.region = details.region;
    this.status = details.status;
    this.errno = details.errno;
    this.attempts = details.attempts;
    this.requestId = details.requestId;
    this.extendedRequestId = details.extendedRequestId;
  }
}

export function isAwsFailure(err: unknown, kind?: AwsFailureKind): err is AwsFailure {
  return err instanceof AwsFailure && (kind === undefined || err.kind === kind);
}

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string; attempts?: number };
}

function asAwsError(err: unknown): AwsLikeError {
  return (typeof err === 'object' && err !== null ? err : { message: String(err) }) as AwsLikeError;
}

/** The error name, whatever shape it came in (moto sends some errors as a bare S3ServiceException). */
export function awsErrorName(err: unknown): string {
  if (err instanceof AwsFailure) return err.code;
  const e = asAwsError(err);
  const raw = e as { Code?: string };
  return e.name && e.name !== 'S3ServiceException' && e.name !== 'Error'
    ? e.name
    : (raw.Code ?? e.code ?? e.name ?? '');
}

/** Whether `err` says "not there": an AwsFailure of kind not-found, or a raw SDK 404. */
export function isNotFound(err: unknown): boolean {
  if (err instanceof AwsFailure) return err.kind === 'not-found';
  const name = awsErrorName(err);
  return (
    name === 'NotFound' ||
    name === 'NoSuchBucket' ||
    name === 'NoSuchKey' ||
    asAwsError(err).$metadata?.httpStatusCode === 404
  );
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * An https:// URL pointed at a plain-HTTP port: OpenSSL reads the HTTP answer as a TLS record and fails
 * with EPROTO "…:SSL routines:…:wrong version number" (or a packet-length complaint).
 */
export function isTlsMismatch(errno: string | undefined, message: string): boolean {
  return (
    errno === 'EPROTO' ||
    errno === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    /wrong version number|SSL routines|packet length too long|ERR_SSL_/i.test(message)
  );
}

/** The reason an aborted call was aborted, when it was a deadline (see `deadline` below). */
function deadlineOf(err: unknown): DeadlineExceeded | undefined {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause instanceof DeadlineExceeded ? cause : undefined;
}

/**
 * The reason a command's overall deadline aborts its calls with. The SDK rejects an aborted call with an
 * AbortError whose `cause` is this reason, which is how a deadline is told from Ctrl-C.
 */
export class DeadlineExceeded extends Error {
  constructor(
    readonly ms: number,
    readonly label: string,
  ) {
    super(`no answer before the ${label} deadline`);
    this.name = 'DeadlineExceeded';
  }
}

/** An AbortSignal that fires with a DeadlineExceeded after `ms`; `clear` stops the timer. */
export function deadline(ms: number, label: string): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  // Every call of the run listens on it (a dozen reads in parallel, each retried): not a leak.
  setMaxListeners(0, controller.signal);
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded(ms, label)), ms);
  timer.unref?.();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Names whose answer means "this is not configured", each its own kind. */
const ABSENT: Record<string, AwsFailureKind> = {
  NoSuchBucketPolicy: 'no-such-bucket-policy',
  OwnershipControlsNotFoundError: 'no-ownership-controls',
  NoSuchPublicAccessBlockConfiguration: 'no-public-access-block',
  ServerSideEncryptionConfigurationNotFoundError: 'no-encryption-configuration',
  ObjectLockConfigurationNotFoundError: 'no-object-lock-configuration',
  BucketAlreadyExists: 'bucket-taken',
  BucketAlreadyOwnedByYou: 'bucket-already-yours',
  OperationAborted: 'conflict',
  MalformedPolicy: 'malformed-policy',
  InvalidBucketAclWithObjectOwnership: 'acl-in-use',
};

/** The order matters and is the order the messages were decided in before there were kinds. */
function classify(
  name: string,
  message: string,
  status: number | undefined,
  errno: string | undefined,
): AwsFailureKind {
  const known = ABSENT[name];
  if (known) return known;
  if (
    name === 'CredentialsProviderError' ||
    /could not load credentials|Unable to load credentials/i.test(message)
  ) {
    return /sso|token/i.test(message) ? 'sso-login' : 'credentials';
  }
  if (name === 'TokenProviderError' || /\bsso\b.*(expired|refresh)/i.test(message)) return 'sso-expired';
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException' || name === 'RequestExpired') {
    return 'expired-credentials';
  }
  if (name === 'InvalidClientTokenId' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch') {
    return 'rejected-credentials';
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || name === 'Forbidden' || status === 403) {
    return name === 'AccessDenied' && /public access block|BlockPublicPolicy/i.test(message)
      ? 'public-policy-blocked'
      : 'access-denied';
  }
  if (
    name === 'PermanentRedirect' ||
    name === 'AuthorizationHeaderMalformed' ||
    name === 'IllegalLocationConstraintException' ||
    status === 301
  ) {
    return 'wrong-region';
  }
  if (name === 'SlowDown' || name === 'Throttling' || name === 'ThrottlingException' || status === 503) {
    return 'throttled';
  }
  if (name === 'TimeoutError' || errno === 'ETIMEDOUT') return 'timeout';
  if ((errno && NETWORK_CODES.has(errno)) || isTlsMismatch(errno, message)) return 'network';
  if (
    name === 'NotFound' ||
    name === 'NoSuchBucket' ||
    name === 'NoSuchKey' ||
    name === 'NotFoundException' ||
    status === 404
  ) {
    return 'not-found';
  }
  return 'unknown';
}

/**
 * The profile the failing client was made with. src/aws/clients.ts attaches it to every error a client's
 * call throws (a property of that error, not a global), so the advice can name it.
 */
const CLIENT_PROFILE = Symbol.for('prophecy-audit.client-profile');

export function noteClientProfile(err: unknown, profile: string | undefined): void {
  if (profile !== undefined && typeof err === 'object' && err !== null && !(CLIENT_PROFILE in err)) {
    Object.defineProperty(err, CLIENT_PROFILE, { value: profile, enumerable: false });
  }
}

const CLIENT_ENDPOINT = Symbol.for('prophecy-audit.client-endpoint');

/** The endpoint (scheme, host, port) the failing request went to; src/aws/clients.ts notes it. */
export function noteClientEndpoint(err: unknown, endpoint: string | undefined): void {
  if (endpoint !== undefined && typeof err === 'object' && err !== null && !(CLIENT_ENDPOINT in err)) {
    Object.defineProperty(err, CLIENT_ENDPOINT, { value: endpoint, enumerable: false });
  }
}

function clientEndpointOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null
    ? ((err as Record<symbol, string | undefined>)[CLIENT_ENDPOINT] ?? undefined)
    : undefined;
}

function clientProfileOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null
    ? ((err as Record<symbol, string | undefined>)[CLIENT_PROFILE] ?? undefined)
    : undefined;
}

/**
 * Classifies an SDK error. Works on names and status codes, never on `instanceof`, so it needs no SDK
 * import and handles moto's plain S3ServiceExceptions. An AwsFailure passes through unchanged.
 */
export function toAwsFailure(err: unknown, ctx: AwsCallContext): AwsFailure {
  if (err instanceof AwsFailure) return err;
  const e = asAwsError(err);
  const name = awsErrorName(err);
  const message = e.message ?? '';
  const status = e.$metadata?.httpStatusCode;
  const profile = ctx.profile ?? clientProfileOf(err);
  const endpoint = ctx.endpoint ?? clientEndpointOf(err);
  const meta = e.$metadata;
  const errno =
    (err as NodeJS.ErrnoException)?.code ?? (err as { cause?: NodeJS.ErrnoException })?.cause?.code;
  const late = name === 'AbortError' ? deadlineOf(err) : undefined;
  return new AwsFailure(
    {
      ...ctx,
      ...(profile === undefined ? {} : { profile }),
      ...(endpoint === undefined ? {} : { endpoint }),
      kind: late ? 'timeout' : classify(name, message, status, errno),
      code: name,
      detail: late ? late.message : (message.split('\n')[0] ?? ''),
      ...(status === undefined ? {} : { status }),
      ...(errno === undefined ? {} : { errno }),
      ...(meta?.attempts === undefined ? {} : { attempts: meta.attempts }),
      ...(meta?.requestId === undefined ? {} : { requestId: meta.requestId }),
      ...(meta?.extendedRequestId === undefined ? {} : { extendedRequestId: meta.extendedRequestId }),
    },
    err,
  );
}

/**
 * A call's context as the code that makes it states it: an operation declared in src/aws/operations.ts and,
 * if it names one, exactly the IAM action declared there (a compile error otherwise).
 */
export type DeclaredCall = {
  [O in Operation]: Omit<AwsCallContext, 'operation' | 'action'> & { operation: O; action?: ActionOf<O> };
}[Operation];

/** The full context of a declared call: its IAM action always comes from the operation table. */
export function declared(ctx: DeclaredCall): AwsCallContext {
  const action: string | null = OPERATIONS[ctx.operation].action;
  const { action: _stated, ...rest } = ctx;
  return action === null ? rest : { ...rest, action };
}

/** Runs one AWS call; a failure becomes an AwsFailure carrying the call's context. */
export async function awsCall<T>(ctx: DeclaredCall, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAwsFailure(err, declared(ctx));
  }
}
