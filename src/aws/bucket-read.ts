import {
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  type BucketExistence,
  type BucketState,
  normalizeLocation,
  type PublicAccessBlock,
} from '../core/bucket-state.js';
import type { BucketEncryptionRule } from '../core/kms.js';
import { type AwsCallContext, type AwsFailureKind, awsCall, isAwsFailure, toAwsFailure } from './errors.js';

/**
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
  ctx: AwsCallContext,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    const failure = toAwsFailure(err, ctx);
    if (failure.kind === absent) return undefined;
    throw failure;
  }
}

export type HeadResult =
  | { status: 'found'; region: string | undefined }
  | { status: 'not-found' }
  | { status: 'forbidden' };

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

export async function bucketHasObjects(s3: S3Client, bucket: string, owner?: string): Promise<boolean> {
  const out = await awsCall({ operation: 'ListObjectsV2', action: 's3:ListBucket', resource: bucket }, () =>
    s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1, ...ownerParam(owner) })),
  );
  return (out.KeyCount ?? out.Contents?.length ?? 0) > 0;
}

export interface NewestObject {
  key: string;
  lastModified: Date;
  count: number;
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
  let token: string | undefined;
  do {
    const out = await awsCall({ operation: 'ListObjectsV2', action: 's3:ListBucket', resource: bucket }, () =>
      s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(token ? { ContinuationToken: token } : {}),
          ...ownerParam(owner),
        }),
      ),
    );
    for (const o of out.Contents ?? []) {
      if (!o.Key || !o.LastModified) continue;
      count++;
      if (!newest || o.LastModified > newest.lastModified)
        newest = { key: o.Key, lastModified: o.LastModified, count: 0 };
    }
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return newest ? { ...newest, count } : undefined;
}

/** The default-encryption rules (GetBucketEncryption); undefined when the bucket has no configuration. */
export async function getBucketEncryptionRules(
  s3: S3Client,
  bucket: string,
  owner?: string,
): Promise<BucketEncryptionRule[] | undefined> {
  const out = await absentOn(
    'no-bucket-encryption',
    { operation: 'GetBucketEncryption', action: 's3:GetEncryptionConfiguration', resource: bucket },
    () => s3.send(new GetBucketEncryptionCommand({ Bucket: bucket, ...ownerParam(owner) })),
  );
  return out?.ServerSideEncryptionConfiguration?.Rules;
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
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const out = await awsCall({ operation: 'ListObjectsV2', action: 's3:ListBucket', resource: bucket }, () =>
      s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          ...(token ? { ContinuationToken: token } : {}),
          ...ownerParam(owner),
        }),
      ),
    );
    for (const o of out.Contents ?? []) {
      count++;
      if (o.LastModified && (!newest || o.LastModified > newest)) newest = o.LastModified;
    }
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
    if (!token) return { count, newest, lowerBound: false };
  }
  return { count, newest: undefined, lowerBound: true };
}

type Read<T> = { ok: true; value: T } | { ok: false };

/**
 * A read that answers AccessDenied is recorded rather than fatal, so one missing permission doesn't hide
 * the rest; a bucket that vanished meanwhile reads as absent (HeadBucket's answer decides). Anything else
 * (network, credentials) still stops the run.
 */
async function tolerant<T>(denied: string[], action: string, fn: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (isAwsFailure(err, 'access-denied')) {
      denied.push(action);
      return { ok: false };
    }
    if (isAwsFailure(err, 'not-found')) return { ok: false };
    throw err;
  }
}

const readValue = <T>(r: Read<T>): T | undefined => (r.ok ? r.value : undefined);

export interface BucketConfig {
  denied: string[];
  region: string | undefined;
  objectOwnership: string | undefined;
  publicAccessBlock: PublicAccessBlock | undefined;
  policyText: string | undefined;
  /** Only with `checkObjects`. */
  hasObjects: boolean | undefined;
  /** Only with `newest`: the most recent object, null when the bucket is empty, undefined when not read. */
  newest: NewestObject | null | undefined;
}

/** The bucket's configuration, read in one parallel round with ExpectedBucketOwner = `owner`. */
export async function readBucketConfig(
  s3: S3Client,
  bucket: string,
  owner: string | undefined,
  opts: { checkObjects?: boolean | undefined; newest?: boolean | undefined } = {},
): Promise<BucketConfig> {
  const denied: string[] = [];
  const skip = Promise.resolve<Read<never>>({ ok: false });
  const [region, objectOwnership, publicAccessBlock, policyText, hasObjects, newest] = await Promise.all([
    tolerant(denied, 's3:GetBucketLocation', () => getBucketRegion(s3, bucket, owner)),
    tolerant(denied, 's3:GetBucketOwnershipControls', () => getObjectOwnership(s3, bucket, owner)),
    tolerant(denied, 's3:GetBucketPublicAccessBlock', () => getPublicAccessBlock(s3, bucket, owner)),
    tolerant(denied, 's3:GetBucketPolicy', () => getBucketPolicyText(s3, bucket, owner)),
    opts.checkObjects ? tolerant(denied, 's3:ListBucket', () => bucketHasObjects(s3, bucket, owner)) : skip,
    opts.newest ? tolerant(denied, 's3:ListBucket', () => newestObject(s3, bucket, owner)) : skip,
  ]);
  return {
    denied,
    region: readValue(region),
    objectOwnership: readValue(objectOwnership),
    publicAccessBlock: readValue(publicAccessBlock),
    policyText: readValue(policyText),
    hasObjects: readValue(hasObjects),
    newest: newest.ok ? (newest.value ?? null) : undefined,
  };
}

export interface ReadOptions {
  /** The caller's account id, sent as ExpectedBucketOwner. */
  owner?: string | undefined;
  /** Also ask ListBuckets whether the caller owns the bucket (setup needs this; verify does not). */
  checkOwnership?: boolean;
  /** Also ask whether the bucket holds objects. */
  checkObjects?: boolean;
}

/** Everything setup needs to know about a bucket: whose it is, then its configuration. */
export async function readBucketState(
  s3: S3Client,
  bucket: string,
  opts: ReadOptions = {},
): Promise<BucketState> {
  const [head, owned] = await Promise.all([
    headBucket(s3, bucket, opts.owner),
    opts.checkOwnership ? ownsBucket(s3, bucket) : Promise.resolve(undefined),
  ]);
  let existence: BucketExistence;
  if (head.status === 'not-found') existence = 'not-found';
  else if (owned === false) existence = 'exists-not-yours';
  else if (head.status === 'forbidden') existence = 'forbidden';
  else existence = 'yours';
  if (existence !== 'yours') return { bucket, existence, denied: [] };

  const { newest: _unused, ...config } = await readBucketConfig(s3, bucket, opts.owner, {
    checkObjects: opts.checkObjects,
  });
  return { bucket, existence, ...config };
}
