import { headBucket, type NewestObject, readBucketConfig } from '../aws/bucket-read.js';
import { createS3, createSts } from '../aws/clients.js';
import { getCallerIdentity } from '../aws/identity.js';
import type { AwsOptions, BucketOptions, PrincipalOptions } from '../cli.js';
import type { BucketExistence, BucketState } from '../core/bucket-state.js';
import { type CheckResult, runChecks, summarize } from '../core/checks.js';
import { parseDuration } from '../core/duration.js';
import { DEFAULT_REGION } from '../core/vendor.js';
import { UsageError } from '../errors.js';
import { checkEntries, type VerifyResult } from '../schemas/verify.js';
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
  const reads = identity.then((id) => readBucketConfig(s3, bucket, id.account, { newest: withNewest }));
  const [head, r] = await Promise.all([headBucket(s3, bucket), reads]);
  const existence: BucketExistence =
    head.status === 'found' ? 'yours' : head.status === 'not-found' ? 'not-found' : 'forbidden';
  const { newest, hasObjects: _unused, ...config } = r;
  return { state: { bucket, existence, ...config }, newest };
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
    checks: checkEntries(results),
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
