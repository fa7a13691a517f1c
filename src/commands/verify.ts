import type { S3Client } from '@aws-sdk/client-s3';
import {
  getBucketPolicyText,
  getBucketRegion,
  getObjectOwnership,
  getPublicAccessBlock,
  headBucket,
  type NewestObject,
  newestObject,
} from '../aws/bucket-read.js';
import { createS3, createSts } from '../aws/clients.js';
import { isAccessDenied, isNotFound } from '../aws/errors.js';
import { getCallerIdentity } from '../aws/identity.js';
import type { AwsOptions, BucketOptions, PrincipalOptions } from '../cli.js';
import type { BucketExistence, BucketState, PublicAccessBlock } from '../core/bucket-state.js';
import { type CheckResult, runChecks, summarize } from '../core/checks.js';
import { parseDuration } from '../core/duration.js';
import { DEFAULT_REGION } from '../core/vendor.js';
import { UsageError } from '../errors.js';
import type { VerifyResult } from '../schemas/verify.js';
import { renderChecks } from '../ui/checks-render.js';
import { resolveBucket, resolvePrincipals } from './common-input.js';

export interface VerifyOptions extends AwsOptions, BucketOptions, PrincipalOptions {
  json?: boolean;
  strict?: boolean;
  quiet?: boolean;
  maxAge?: string;
}

function parseMaxAge(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDuration(text);
  } catch (err) {
    throw new UsageError(`--max-age: ${(err as Error).message}`);
  }
}

type Read<T> = { ok: true; value: T } | { ok: false };

/**
 * A refused read is recorded (the check says which permission is missing) and a vanished bucket is left
 * to HeadBucket's answer; anything else (network, credentials) stops the run with exit 2.
 */
async function tolerant<T>(denied: string[], action: string, fn: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    const root = (err as { cause?: unknown }).cause ?? err;
    if (isAccessDenied(root)) {
      denied.push(action);
      return { ok: false };
    }
    if (isNotFound(root)) return { ok: false };
    throw err;
  }
}

interface BucketReads {
  denied: string[];
  region: string | undefined;
  objectOwnership: string | undefined;
  publicAccessBlock: PublicAccessBlock | undefined;
  policyText: string | undefined;
  /** null = the bucket is empty; undefined = not asked for or not readable. */
  newest: NewestObject | null | undefined;
}

async function readBucket(
  s3: S3Client,
  bucket: string,
  owner: string,
  withNewest: boolean,
): Promise<BucketReads> {
  const denied: string[] = [];
  const [region, ownership, pab, policy, newest] = await Promise.all([
    tolerant(denied, 's3:GetBucketLocation', () => getBucketRegion(s3, bucket, owner)),
    tolerant(denied, 's3:GetBucketOwnershipControls', () => getObjectOwnership(s3, bucket, owner)),
    tolerant(denied, 's3:GetBucketPublicAccessBlock', () => getPublicAccessBlock(s3, bucket, owner)),
    tolerant(denied, 's3:GetBucketPolicy', () => getBucketPolicyText(s3, bucket, owner)),
    withNewest
      ? tolerant(denied, 's3:ListBucket', () => newestObject(s3, bucket, owner))
      : Promise.resolve<Read<NewestObject | undefined>>({ ok: false }),
  ]);
  const value = <T>(r: Read<T>) => (r.ok ? r.value : undefined);
  return {
    denied,
    region: value(region),
    objectOwnership: value(ownership),
    publicAccessBlock: value(pab),
    policyText: value(policy),
    newest: newest.ok ? (newest.value ?? null) : undefined,
  };
}

/**
 * Reads everything in one parallel round. The reads carry ExpectedBucketOwner = the caller's account, so a
 * bucket of the same name in another account (which you might be able to read) is refused by S3 itself
 * instead of being verified by mistake. That needs the account id first: STS GetCallerIdentity runs together
 * with HeadBucket (which needs no owner), and the reads start the moment STS answers — the same two
 * round-trips readBucketState's HeadBucket-then-reads would take, with the ownership guarantee added.
 */
async function readState(
  opts: VerifyOptions,
  bucket: string,
  region: string,
  withNewest: boolean,
): Promise<{ state: BucketState; newest: NewestObject | null | undefined }> {
  const s3 = createS3(opts, region);
  const sts = createSts(opts);
  const identity = getCallerIdentity(sts, opts.profile);
  const reads = identity.then((id) => readBucket(s3, bucket, id.account, withNewest));
  const [head, r] = await Promise.all([headBucket(s3, bucket), reads]);
  const existence: BucketExistence =
    head.status === 'found' ? 'yours' : head.status === 'not-found' ? 'not-found' : 'forbidden';
  const state: BucketState = {
    bucket,
    existence,
    region: r.region,
    objectOwnership: r.objectOwnership,
    publicAccessBlock: r.publicAccessBlock,
    policyText: r.policyText,
    denied: r.denied,
  };
  return { state, newest: r.newest };
}

export function verifyDocument(
  bucket: string,
  region: string,
  results: CheckResult[],
  strict: boolean,
): VerifyResult {
  return {
    schemaVersion: 1,
    ok: summarize(results, { strict }).ok,
    bucket,
    region,
    checks: results.map((r) => ({
      id: r.id,
      status: r.status,
      message: r.message,
      details: r.details ?? null,
    })),
  };
}

export async function run(opts: VerifyOptions): Promise<number> {
  // Everything that can be wrong with the input is found before the first request.
  const { bucket } = resolveBucket(opts);
  const principals = resolvePrincipals(opts);
  const maxAgeMs = parseMaxAge(opts.maxAge);
  const expectedRegion = opts.region || DEFAULT_REGION;
  const strict = opts.strict === true;

  const { state, newest } = await readState(opts, bucket, expectedRegion, maxAgeMs !== undefined);
  const results = runChecks({
    state,
    expectedRegion,
    principals,
    ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
    ...(newest !== undefined ? { newest } : {}),
  });

  if (opts.json) {
    const doc = verifyDocument(bucket, state.region ?? expectedRegion, results, strict);
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    process.stdout.write(
      renderChecks(results, { quiet: opts.quiet === true, strict, stream: process.stdout }),
    );
  }
  return summarize(results, { strict }).exitCode;
}
