import { performReads } from '../../aws/bucket-read.js';
import { deadline } from '../../aws/errors.js';
import type { AwsSettings } from '../../aws/factory.js';
import { getCallerIdentity } from '../../aws/identity.js';
import type { Context } from '../../context.js';
import { ORGANIZATION_GUARDRAILS_NOTE } from '../../core/bucket-features.js';
import {
  type CheckResult,
  judgeChecks,
  type ReadKey,
  type ReadResults,
  readsOf,
  selectChecks,
  summarize,
} from '../../core/checks.js';
import { formatDuration, parseDuration } from '../../core/duration.js';
import type { VendorPrincipals } from '../../core/policy.js';
import { DEFAULT_REGION } from '../../core/vendor.js';
import { CliError, UsageError } from '../../errors.js';
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
  /** --timeout: the whole run's deadline; every call still in flight then is aborted. */
  timeoutMs: number;
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
    maxAgeMs: parseDurationFlag('--max-age', flags.maxAge),
    timeoutMs: parseDurationFlag('--timeout', flags.timeout) ?? DEFAULT_TIMEOUT_MS,
    expectedRegion: flags.region || DEFAULT_REGION,
    strict: flags.strict === true,
    output: flags.json ? 'json' : 'table',
    quiet: flags.quiet === true,
  };
}

/**
 * Long enough for a large bucket's listing (--max-age walks every page), short enough that a cron job whose
 * endpoint stopped answering ends, exit 2, within minutes.
 */
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** After the deadline, how long the calls get to report their own timeout (naming the call) before verify does. */
const GRACE_MS = 2_000;

function parseDurationFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDuration(text);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}

/**
 * Runs `work` with a deadline: its AWS calls carry the deadline's signal (src/aws/clients.ts aborts them in
 * flight, and each fails as a `timeout` naming its call and endpoint). Should anything not honour the
 * signal, verify itself gives up a moment later.
 */
async function withDeadline<T>(timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const label = `verify --timeout ${formatDuration(timeoutMs)}`;
  const limit = deadline(timeoutMs, label);
  let backstop: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    limit.signal.addEventListener(
      'abort',
      () => {
        backstop = setTimeout(
          () =>
            reject(
              new CliError(`Verify did not finish before the ${label} deadline.`, {
                hint: 'Check your network, proxy and --endpoint-url, or give a longer --timeout.',
              }),
            ),
          GRACE_MS,
        );
      },
      { once: true },
    );
  });
  try {
    return await Promise.race([work(limit.signal), late]);
  } finally {
    limit.clear();
    clearTimeout(backstop);
  }
}

/**
 * Performs the reads the selected checks declare, in one parallel round. The reads carry ExpectedBucketOwner
 * = the caller's account, so a bucket of the same name in another account (which you might be able to read)
 * is refused by S3 itself instead of being verified by mistake. That needs the account id first: STS
 * GetCallerIdentity runs together with HeadBucket (which needs no owner), and the other reads start the
 * moment STS answers — two round-trips in all.
 */
async function readFor(
  ctx: Context,
  settings: AwsSettings,
  bucket: string,
  region: string,
  keys: readonly ReadKey[],
): Promise<ReadResults> {
  const aws = ctx.aws(settings);
  const [s3, sts] = await Promise.all([aws.s3(region), aws.sts()]);
  const owner = getCallerIdentity(sts, settings.profile).then((id) => id.account);
  return performReads(keys, { s3, bucket, owner, aws });
}

/**
 * The organization note is said when the bucket checks ran (the bucket is yours): then a passing run could
 * still be blocked by what this account cannot see.
 */
export function organizationNote(reads: ReadResults): string | undefined {
  return reads.head?.status === 'ok' && reads.head.value === 'yours'
    ? ORGANIZATION_GUARDRAILS_NOTE
    : undefined;
}

export function verifyDocument(
  bucket: string,
  region: string,
  results: CheckResult[],
  strict: boolean,
  note?: string,
): VerifyResult {
  return {
    schemaVersion: 1,
    ok: summarize(results, { strict }).ok,
    bucket,
    region,
    checks: checkEntries(results),
    ...(note ? { organizationGuardrails: note } : {}),
  };
}

export async function run(ctx: Context, input: VerifyInput): Promise<number> {
  const { bucket, expectedRegion, strict, maxAgeMs } = input;
  const options = { bucket, expectedRegion, principals: input.principals, maxAgeMs };
  const keys = readsOf(selectChecks(options));
  const reads = await withDeadline(input.timeoutMs, (signal) =>
    readFor(ctx, { ...input.aws, signal }, bucket, expectedRegion, keys),
  );
  const results = judgeChecks(reads, { ...options, now: new Date(ctx.now()) });
  const note = organizationNote(reads);

  if (input.output === 'json') {
    const region = reads.location?.status === 'ok' ? reads.location.value : expectedRegion;
    const doc = verifyDocument(bucket, region, results, strict, note);
    ctx.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    ctx.stdout.write(
      renderChecks(results, {
        quiet: input.quiet,
        strict,
        stream: ctx.stdout,
        notes: note ? [note] : [],
      }),
    );
  }
  return summarize(results, { strict }).exitCode;
}
