import {
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketRequestPaymentCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  type BucketState,
  bucketExistence,
  type HeadStatus,
  normalizeLocation,
  type PublicAccessBlock,
} from '../core/bucket-state.js';
import {
  type KmsKeyPolicyRead,
  type KmsKeyRead,
  type ObjectLockState,
  READS,
  type ReadKey,
  type ReadResult,
  type ReadValue,
} from '../core/checks/reads.js';
import { type BucketEncryptionRule, keyRegion, keyToDescribe } from '../core/kms.js';
import type { NewestObject } from '../core/objects.js';
import {
  type AwsFailureKind,
  awsCall,
  type DeclaredCall,
  declared,
  isAwsFailure,
  toAwsFailure,
} from './errors.js';
import type { AwsClientFactory } from './factory.js';
import { listObjectPages } from './objects.js';

/*
 * One small function per read. "Not configured" answers (no policy, no ownership controls, ...)
 * become `undefined`; every other failure is an AwsFailure (see awsCall). `owner` is passed as
 * ExpectedBucketOwner so that S3 itself refuses to answer about another account's bucket.
 */

function ownerParam(owner: string | undefined) {
  return owner ? { ExpectedBucketOwner: owner } : {};
}

/** `undefined` when the call fails with exactly the failure kind that means "not configured". */
async function absentOn<T>(
  absent: AwsFailureKind,
  ctx: DeclaredCall,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    const failure = toAwsFailure(err, declared(ctx));
    if (failure.kind === absent) return undefined;
    throw failure;
  }
}

export type HeadResult =
  | { status: 'found'; region: string | undefined }
  | { status: Exclude<HeadStatus, 'found'> };

export async function headBucket(s3: S3Client, bucket: string, owner?: string): Promise<HeadResult> {
  try {
    const out = await awsCall({ operation: 'HeadBucket', action: 's3:ListBucket', resource: bucket }, () =>
      s3.send(new HeadBucketCommand({ Bucket: bucket, ...ownerParam(owner) })),
    );
    return { status: 'found', region: out.BucketRegion };
  } catch (err) {
    if (isAwsFailure(err, 'not-found')) return { status: 'not-found' };
    if (isAwsFailure(err, 'access-denied')) return { status: 'forbidden' };
    throw err;
  }
}

/** Whether `bucket` is among the caller's own buckets (ListBuckets lists only buckets you own). */
export async function ownsBucket(s3: S3Client, bucket: string): Promise<boolean> {
  let token: string | undefined;
  do {
    const out = await awsCall({ operation: 'ListBuckets', action: 's3:ListAllMyBuckets' }, () =>
      s3.send(new ListBucketsCommand({ Prefix: bucket, ...(token ? { ContinuationToken: token } : {}) })),
    );
    if (out.Buckets?.some((b) => b.Name === bucket)) return true;
    token = out.ContinuationToken;
  } while (token);
  return false;
}

export async function getBucketRegion(s3: S3Client, bucket: string, owner?: string): Promise<string> {
  const out = await awsCall(
    { operation: 'GetBucketLocation', action: 's3:GetBucketLocation', resource: bucket },
    () => s3.send(new GetBucketLocationCommand({ Bucket: bucket, ...ownerParam(owner) })),
  );
  return normalizeLocation(out.LocationConstraint);
}

export async function getObjectOwnership(
  s3: S3Client,
  bucket: string,
  owner?: string,
): Promise<string | undefined> {
  const out = await absentOn(
    'no-ownership-controls',
    { operation: 'GetBucketOwnershipControls', action: 's3:GetBucketOwnershipControls', resource: bucket },
    () => s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket, ...ownerParam(owner) })),
  );
  return out?.OwnershipControls?.Rules?.[0]?.ObjectOwnership;
}

export async function getPublicAccessBlock(
  s3: S3Client,
  bucket: string,
  owner?: string,
): Promise<PublicAccessBlock | undefined> {
  const out = await absentOn(
    'no-public-access-block',
    { operation: 'GetPublicAccessBlock', action: 's3:GetBucketPublicAccessBlock', resource: bucket },
    () => s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket, ...ownerParam(owner) })),
  );
  const c = out?.PublicAccessBlockConfiguration;
  if (!c) return undefined;
  return {
    BlockPublicAcls: c.BlockPublicAcls === true,
    IgnorePublicAcls: c.IgnorePublicAcls === true,
    BlockPublicPolicy: c.BlockPublicPolicy === true,
    RestrictPublicBuckets: c.RestrictPublicBuckets === true,
  };
}

export async function getBucketPolicyText(
  s3: S3Client,
  bucket: string,
  owner?: string,
): Promise<string | undefined> {
  const out = await absentOn(
    'no-such-bucket-policy',
    { operation: 'GetBucketPolicy', action: 's3:GetBucketPolicy', resource: bucket },
    () => s3.send(new GetBucketPolicyCommand({ Bucket: bucket, ...ownerParam(owner) })),
  );
  return out?.Policy;
}

/** The default-encryption rules (GetBucketEncryption); undefined when the bucket has no configuration. */
export async function getBucketEncryption(
  s3: S3Client,
  bucket: string,
  owner?: string,
): Promise<BucketEncryptionRule[] | undefined> {
  const out = await absentOn(
    'no-encryption-configuration',
    { operation: 'GetBucketEncryption', action: 's3:GetEncryptionConfiguration', resource: bucket },
    () => s3.send(new GetBucketEncryptionCommand({ Bucket: bucket, ...ownerParam(owner) })),
  );
  const rules = out?.ServerSideEncryptionConfiguration?.Rules;
  if (!rules) return undefined;
  return rules.map((r) => ({
    ApplyServerSideEncryptionByDefault: r.ApplyServerSideEncryptionByDefault
      ? {
          ...(r.ApplyServerSideEncryptionByDefault.SSEAlgorithm
            ? { SSEAlgorithm: r.ApplyServerSideEncryptionByDefault.SSEAlgorithm }
            : {}),
          ...(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID
            ? { KMSMasterKeyID: r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID }
            : {}),
        }
      : undefined,
    BucketKeyEnabled: r.BucketKeyEnabled,
    BlockedEncryptionTypes: (r as { BlockedEncryptionTypes?: { EncryptionType?: string[] } })
      .BlockedEncryptionTypes,
  }));
}

export async function getRequestPayment(
  s3: S3Client,
  bucket: string,
  owner?: string,
): Promise<string | undefined> {
  const out = await awsCall(
    { operation: 'GetBucketRequestPayment', action: 's3:GetBucketRequestPayment', resource: bucket },
    () => s3.send(new GetBucketRequestPaymentCommand({ Bucket: bucket, ...ownerParam(owner) })),
  );
  return out.Payer;
}

export async function getVersioning(
  s3: S3Client,
  bucket: string,
  owner?: string,
): Promise<string | undefined> {
  const out = await awsCall(
    { operation: 'GetBucketVersioning', action: 's3:GetBucketVersioning', resource: bucket },
    () => s3.send(new GetBucketVersioningCommand({ Bucket: bucket, ...ownerParam(owner) })),
  );
  return out.Status;
}

export async function getObjectLock(
  s3: S3Client,
  bucket: string,
  owner?: string,
): Promise<ObjectLockState | undefined> {
  const out = await absentOn(
    'no-object-lock-configuration',
    {
      operation: 'GetObjectLockConfiguration',
      action: 's3:GetBucketObjectLockConfiguration',
      resource: bucket,
    },
    () => s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket, ...ownerParam(owner) })),
  );
  const c = out?.ObjectLockConfiguration;
  if (!c) return undefined;
  const retention = c.Rule?.DefaultRetention;
  return {
    enabled: c.ObjectLockEnabled === 'Enabled',
    ...(retention?.Mode ? { mode: retention.Mode } : {}),
    ...(retention?.Days !== undefined ? { days: retention.Days } : {}),
    ...(retention?.Years !== undefined ? { years: retention.Years } : {}),
  };
}

export async function bucketHasObjects(s3: S3Client, bucket: string, owner?: string): Promise<boolean> {
  const out = await awsCall({ operation: 'ListObjectsV2', action: 's3:ListBucket', resource: bucket }, () =>
    s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1, ...ownerParam(owner) })),
  );
  return (out.KeyCount ?? out.Contents?.length ?? 0) > 0;
}

/** Walks the whole listing (1,000 keys a page) to find the most recently written object. */
export async function newestObject(
  s3: S3Client,
  bucket: string,
  owner?: string,
  prefix?: string,
): Promise<NewestObject | undefined> {
  let newest: NewestObject | undefined;
  let count = 0;
  for await (const page of listObjectPages(s3, bucket, { prefix, owner })) {
    for (const o of page) {
      if (o.lastModifiedMs === undefined) continue;
      count++;
      if (!newest || o.lastModifiedMs > newest.lastModified.getTime())
        newest = { key: o.key, lastModified: new Date(o.lastModifiedMs), count: 0 };
    }
  }
  return newest ? { ...newest, count } : undefined;
}

export interface ObjectCount {
  count: number;
  /** LastModified of the newest object listed; undefined when the listing stopped early or found none. */
  newest: Date | undefined;
  /** The listing stopped after `maxPages` pages: `count` is a lower bound. */
  lowerBound: boolean;
}

/**
 * How many objects the bucket holds and when the newest was written, listing at most `maxPages` pages of
 * 1,000 keys. A listing cut short counts "at least" and names no newest object: keys come in name order,
 * so the newest object seen so far need not be the newest in the bucket.
 */
export async function countObjects(
  s3: S3Client,
  bucket: string,
  owner: string | undefined,
  maxPages: number,
): Promise<ObjectCount> {
  let count = 0;
  let newest: Date | undefined;
  let pages = 0;
  for await (const page of listObjectPages(s3, bucket, { owner })) {
    if (pages++ === maxPages) return { count, newest: undefined, lowerBound: true };
    for (const o of page) {
      count++;
      if (o.lastModifiedMs !== undefined && (!newest || o.lastModifiedMs > newest.getTime()))
        newest = new Date(o.lastModifiedMs);
    }
  }
  return { count, newest, lowerBound: false };
}

/** Where a read happens: the bucket, its client, and the account sent as ExpectedBucketOwner. */
export interface ReadEnv {
  s3: S3Client;
  bucket: string;
  /** The caller's account id; HeadBucket goes out before it is known. */
  owner: string | undefined;
  /** For reads beyond S3 (e.g. KMS key policies); verify passes its factory. */
  aws?: AwsClientFactory | undefined;
  /** Another read's value, for a read that depends on it (READS[key].after); performReads provides it. */
  earlier?: <K extends ReadKey>(key: K) => Promise<ReadResult<ReadValue<K>>>;
}

/** The key ARN the default encryption names, once GetBucketEncryption has answered; undefined when none. */
async function defaultKeyArn(env: ReadEnv): Promise<string | undefined> {
  const enc = await env.earlier?.('encryption');
  return enc?.status === 'ok' ? keyToDescribe(enc.value) : undefined;
}

/** The KMS client for a key: KMS answers about a key only in the key's own region (from its ARN). */
async function kmsFor(env: ReadEnv, keyArn: string) {
  if (!env.aws) throw new Error('a KMS read needs the client factory (ReadEnv.aws)');
  return env.aws.kms(keyRegion(keyArn));
}

async function readKmsKey(env: ReadEnv): Promise<KmsKeyRead> {
  const arn = await defaultKeyArn(env);
  if (!arn) return null;
  const [kms, { describeKey }] = await Promise.all([kmsFor(env, arn), import('./kms.js')]);
  try {
    return { arn, key: await describeKey(kms, arn) };
  } catch (err) {
    if (isAwsFailure(err, 'not-found')) return { arn, notFound: true };
    throw err;
  }
}

async function readKmsKeyPolicy(env: ReadEnv): Promise<KmsKeyPolicyRead> {
  const arn = await defaultKeyArn(env);
  if (!arn) return null;
  const [kms, { getKeyPolicy }] = await Promise.all([kmsFor(env, arn), import('./kms.js')]);
  try {
    return { arn, policy: await getKeyPolicy(kms, arn) };
  } catch (err) {
    // The key does not exist: kmsKey says so; there is no policy to judge.
    if (isAwsFailure(err, 'not-found')) return null;
    throw err;
  }
}

/**
 * The read table: one small function per read key of src/core/checks/reads.ts, each one AWS call (or, for
 * listings, one call a page). A check that needs something new adds its key there and its function here;
 * the mapped type makes a missing or mistyped entry a compile error.
 */
export const BUCKET_READS: { [K in ReadKey]: (env: ReadEnv) => Promise<ReadValue<K>> } = {
  head: async ({ s3, bucket, owner }) => bucketExistence((await headBucket(s3, bucket, owner)).status),
  location: ({ s3, bucket, owner }) => getBucketRegion(s3, bucket, owner),
  ownership: ({ s3, bucket, owner }) => getObjectOwnership(s3, bucket, owner),
  publicAccessBlock: ({ s3, bucket, owner }) => getPublicAccessBlock(s3, bucket, owner),
  policy: ({ s3, bucket, owner }) => getBucketPolicyText(s3, bucket, owner),
  encryption: ({ s3, bucket, owner }) => getBucketEncryption(s3, bucket, owner),
  kmsKey: readKmsKey,
  kmsKeyPolicy: readKmsKeyPolicy,
  requestPayment: ({ s3, bucket, owner }) => getRequestPayment(s3, bucket, owner),
  versioning: ({ s3, bucket, owner }) => getVersioning(s3, bucket, owner),
  objectLock: ({ s3, bucket, owner }) => getObjectLock(s3, bucket, owner),
  hasObjects: ({ s3, bucket, owner }) => bucketHasObjects(s3, bucket, owner),
  newest: async ({ s3, bucket, owner }) => (await newestObject(s3, bucket, owner)) ?? null,
};

/** How a round of reads treats failures that are not "not configured" answers. */
export interface ReadPolicy {
  /**
   * Whether a 404 (NoSuchBucket, NotFound, any other 404) fails the round instead of reading as missing.
   * Verify judges what it could read; setup must not: a policy it could not read is not "no policy"
   * (only NoSuchBucketPolicy says that), and writing on that belief would delete the customer's statements.
   */
  notFoundIsFatal?: boolean;
}

/**
 * A read that answers AccessDenied is recorded rather than fatal, so one missing permission doesn't hide
 * the rest; unless `policy.notFoundIsFatal`, a bucket that vanished meanwhile reads as missing (HeadBucket's
 * answer decides). Anything else (network, timeouts, 5xx after retries, credentials) stops the run.
 */
async function tolerant<K extends ReadKey>(
  key: K,
  env: ReadEnv,
  policy: ReadPolicy,
): Promise<ReadResult<ReadValue<K>>> {
  try {
    return { status: 'ok', value: await BUCKET_READS[key](env) };
  } catch (err) {
    if (isAwsFailure(err, 'access-denied'))
      return { status: 'denied', permission: READS[key].permissions[0] };
    if (isAwsFailure(err, 'not-found') && !policy.notFoundIsFatal) return { status: 'missing' };
    throw err;
  }
}

export type ReadsOf<K extends ReadKey> = { [P in K]: ReadResult<ReadValue<P>> };

/**
 * Performs the given reads in one parallel round, every one with ExpectedBucketOwner = `owner`. The reads
 * marked `beforeIdentity` (HeadBucket) start at once without it; the others start the moment `owner`
 * resolves, so a caller can pass STS's answer still in flight.
 */
export async function performReads<K extends ReadKey>(
  keys: readonly K[],
  env: Omit<ReadEnv, 'owner' | 'earlier'> & { owner: string | undefined | Promise<string | undefined> },
  policy: ReadPolicy = {},
): Promise<ReadsOf<K>> {
  const owner = Promise.resolve(env.owner);
  const started = new Map<ReadKey, Promise<ReadResult<unknown>>>();
  // Each read starts once; a read that needs another one's answer (READS[key].after) waits for it, and that
  // one is made even when not asked for (it is not returned then).
  const start = <R extends ReadKey>(key: R): Promise<ReadResult<ReadValue<R>>> => {
    let p = started.get(key);
    if (!p) {
      p = (async () => {
        const base: ReadEnv = {
          ...env,
          owner: READS[key].beforeIdentity ? undefined : await owner,
          earlier: start,
        };
        return tolerant(key, base, policy);
      })();
      started.set(key, p);
    }
    return p as Promise<ReadResult<ReadValue<R>>>;
  };
  const [results] = await Promise.all([
    Promise.all(keys.map(async (key) => [key, await start(key)] as const)),
    owner, // a failed identity call fails the round even when no read waited for it
  ]);
  return Object.fromEntries(results) as ReadsOf<K>;
}

const valueOr = <T>(r: ReadResult<T>): T | undefined => (r.status === 'ok' ? r.value : undefined);

export interface ReadOptions {
  /** The caller's account id, sent as ExpectedBucketOwner. */
  owner?: string | undefined;
  /** Also ask ListBuckets whether the caller owns the bucket (setup needs this; verify does not). */
  checkOwnership?: boolean;
  /** Also ask whether the bucket holds objects. */
  checkObjects?: boolean;
}

/**
 * Everything setup needs to know about a bucket: whose it is, then its configuration (one parallel round).
 * Once HeadBucket says the bucket is yours, only the "not configured" answers (NoSuchBucketPolicy, ...) read
 * as absent and AccessDenied is recorded in `denied`; every other failure, a 404 included, is thrown.
 */
export async function readBucketState(
  s3: S3Client,
  bucket: string,
  opts: ReadOptions = {},
): Promise<BucketState> {
  const [head, owned] = await Promise.all([
    headBucket(s3, bucket, opts.owner),
    opts.checkOwnership ? ownsBucket(s3, bucket) : Promise.resolve(undefined),
  ]);
  const existence = bucketExistence(head.status, owned);
  if (existence !== 'yours') return { bucket, existence, denied: [] };

  const keys = ['location', 'ownership', 'publicAccessBlock', 'policy'] as const;
  // Setup (and revoke) write what they read: every read must be an answer, never a 404 taken for "not set".
  const r = await performReads(
    opts.checkObjects ? [...keys, 'hasObjects'] : keys,
    { s3, bucket, owner: opts.owner },
    { notFoundIsFatal: true },
  );
  const hasObjects = 'hasObjects' in r ? r.hasObjects : ({ status: 'missing' } as const);
  const all = [r.location, r.ownership, r.publicAccessBlock, r.policy, hasObjects];
  return {
    bucket,
    existence,
    denied: all.flatMap((x) => (x.status === 'denied' ? [x.permission] : [])),
    region: valueOr(r.location),
    objectOwnership: valueOr(r.ownership),
    publicAccessBlock: valueOr(r.publicAccessBlock),
    policyText: valueOr(r.policy),
    hasObjects: valueOr(hasObjects),
  };
}
