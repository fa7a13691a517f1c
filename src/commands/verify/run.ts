import { headBucket, type NewestObject, readBucketConfig } from '../../aws/bucket-read.js';
import type { AwsSettings } from '../../aws/factory.js';
import { getCallerIdentity } from '../../aws/identity.js';
import type { Context } from '../../context.js';
import type { BucketExistence, BucketState } from '../../core/bucket-state.js';
import { type CheckResult, runChecks, summarize } from '../../core/checks.js';
import { parseDuration } from '../../core/duration.js';
import type { VendorPrincipals } from '../../core/policy.js';
import { DEFAULT_REGION } from '../../core/vendor.js';
import { UsageError } from '../../errors.js';
import { checkEntries, type VerifyResult } from '../../schemas/verify.js';
import { renderChecks } from '../../ui/checks-render.js';
import { resolveBucket, resolvePrincipals } from '../shared/input.js';
import type { VerifyFlags } from './flags.js';

export interface VerifyInput {
  aws: AwsSettings;
  bucket: string;
  principals: VendorPrincipals;
  expectedRegion: string;
  maxAgeMs: number | undefined;
  strict: boolean;
  output: 'json' | 'table';
  quiet: boolean;
}

/** Everything that can be wrong with the input is found before the first request. */
export function parse(flags: VerifyFlags, ctx: Context): VerifyInput {
  const bucket = resolveBucket(flags, ctx).bucket;
  return {
    aws: { profile: flags.profile, region: flags.region, endpointUrl: flags.endpointUrl },
    bucket,
    principals: resolvePrincipals(flags),
    maxAgeMs: parseMaxAge(flags.maxAge),
    expectedRegion: flags.region || DEFAULT_REGION,
    strict: flags.strict === true,
    output: flags.json ? 'json' : 'table',
    quiet: flags.quiet === true,
  };
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
  ctx: Context,
  settings: AwsSettings,
  bucket: string,
  region: string,
  withNewest: boolean,
): Promise<{ state: BucketState; newest: NewestObject | null | undefined }> {
  const aws = ctx.aws(settings);
  const [s3, sts] = await Promise.all([aws.s3(region), aws.sts()]);
  const identity = getCallerIdentity(sts, settings.profile);
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

export async function run(ctx: Context, input: VerifyInput): Promise<number> {
  const { bucket, expectedRegion, strict, maxAgeMs } = input;
  const { state, newest } = await readState(ctx, input.aws, bucket, expectedRegion, maxAgeMs !== undefined);
  const results = runChecks({
    state,
    expectedRegion,
    principals: input.principals,
    ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
    ...(newest !== undefined ? { newest } : {}),
  });

  if (input.output === 'json') {
    const doc = verifyDocument(bucket, state.region ?? expectedRegion, results, strict);
    ctx.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    ctx.stdout.write(renderChecks(results, { quiet: input.quiet, strict, stream: ctx.stdout }));
  }
  return summarize(results, { strict }).exitCode;
}
