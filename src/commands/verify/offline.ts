import { readFile } from 'node:fs/promises';
import type { Context } from '../../context.js';
import { fail, warn } from '../../core/checks/types.js';
import { type CheckId, type CheckResult, runChecks, summarize } from '../../core/checks.js';
import {
  entryBucketState,
  type PolicyInput,
  type PolicyInputEntry,
  PolicyInputError,
  type PolicyInputKind,
  readPolicyInput,
} from '../../core/iac/read.js';
import type { VendorPrincipals } from '../../core/policy.js';
import { terminalSafe } from '../../core/sanitize.js';
import { DEFAULT_REGION } from '../../core/vendor.js';
import { CliError, UsageError } from '../../errors.js';
import { checkEntries } from '../../schemas/verify.js';
import type { OfflineVerifyResult } from '../../schemas/verify-offline.js';
import { renderChecks, renderSummary } from '../../ui/checks-render.js';
import { paint } from '../../ui/color.js';
import { resolveBucket, resolvePrincipals } from '../shared/input.js';
import type { VerifyFlags } from './flags.js';

/*
 * `verify --policy-file <path|->`: the checks of `verify` on a document instead of the live bucket — a bucket
 * policy, a CloudFormation template or `terraform show -json` output (src/core/iac/read.ts reads all three).
 * No AWS call, no credentials, and no AWS SDK in this module's import graph (test/unit/lazy-imports.test.ts).
 *
 * Each entry of the input for the bucket being verified is judged by the same check registry as the live
 * bucket (runChecks on the state the entry describes), so a check's verdict on a policy is the same here and
 * there. Of those results only the ones the input can decide are kept: see OFFLINE_CHECKS.
 */

export interface OfflineVerifyInput {
  /** A path, or `-` for stdin. */
  file: string;
  bucket: string;
  principals: VendorPrincipals;
  /** --region as given: stands in for AWS::Region in a template, and is the document's `region`. */
  region: string | undefined;
  strict: boolean;
  output: 'json' | 'table';
  quiet: boolean;
}

/** Flags that describe the live bucket or how to reach AWS: meaningless offline, so refused, not ignored. */
const AWS_ONLY = [
  ['maxAge', '--max-age'],
  ['profile', '--profile'],
  ['endpointUrl', '--endpoint-url'],
] as const;

const STDIN_HINT =
  'Pipe the document in, e.g. `prophecy-audit policy print --suffix acme | prophecy-audit verify --policy-file - --suffix acme`, or give a file path.';

/** Everything wrong with the flags is found before the input is read; stdin is never waited on at a terminal. */
export function parse(flags: VerifyFlags, ctx: Context): OfflineVerifyInput {
  const file = flags.policyFile;
  if (file === undefined) throw new Error('offline verify needs --policy-file');
  const awsOnly = AWS_ONLY.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag);
  if (awsOnly.length > 0) {
    throw new UsageError(
      `--policy-file checks a document offline; ${awsOnly.join(' and ')} only appl${awsOnly.length === 1 ? 'ies' : 'y'} to the live bucket.`,
      `Drop ${awsOnly.join(' and ')}, or run verify without --policy-file to check the bucket in AWS.`,
    );
  }
  if (file === '') throw new UsageError('--policy-file needs a path, or - for stdin.');
  const { bucket } = resolveBucket(flags, ctx);
  const principals = resolvePrincipals(flags);
  if (file === '-' && ctx.stdinIsTTY) {
    throw new UsageError(
      '--policy-file - reads the document from stdin, but stdin is a terminal.',
      STDIN_HINT,
    );
  }
  return {
    file,
    bucket,
    principals,
    region: flags.region,
    strict: flags.strict === true,
    output: flags.json ? 'json' : 'table',
    quiet: flags.quiet === true,
  };
}

/** The input's name in messages: the path, or `stdin`. */
function inputLabel(file: string): string {
  return file === '-' ? 'stdin' : file;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The input's text; anything unreadable is exit 2. */
async function readText(ctx: Context, file: string): Promise<string> {
  if (file === '-') {
    if (!ctx.stdin) throw new UsageError('--policy-file -: this run has no stdin to read.', STDIN_HINT);
    return readAll(ctx.stdin());
  }
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (err as Error).message;
    throw new CliError(`Cannot read --policy-file ${file}: ${why}.`, { cause: err });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Judging

/**
 * The checks a document can decide. `bucket`, `region` and `freshness` describe a live bucket and are never
 * judged offline; ownership and public access only when the entry states them (a policy document does not,
 * and a template may leave them to another stack). A check the registry adds later is not judged here until
 * it is listed, so an offline pass never claims more than the input shows.
 */
const OFFLINE_CHECKS: readonly CheckId[] = [
  'name',
  'policy',
  'least-privilege',
  'ownership',
  'public-access',
];

function stated(entry: PolicyInputEntry, id: CheckId): boolean {
  if (id === 'ownership') return entry.ownership !== undefined;
  if (id === 'public-access') return entry.publicAccessBlock !== undefined;
  return true;
}

/** One entry's verdicts, or those for the bucket when the input has no entry for it (`entry` null). */
export interface OfflineGroup {
  entry: PolicyInputEntry | null;
  results: CheckResult[];
}

export interface OfflineReport {
  kind: PolicyInputKind;
  groups: OfflineGroup[];
  /** Entries for other buckets: shown, not judged. */
  ignored: { source: string; bucket: string }[];
  results: CheckResult[];
}

export interface OfflineOptions {
  bucket: string;
  principals: VendorPrincipals;
  expectedRegion: string;
}

const WHAT_IS_MISSING: Record<PolicyInputKind, string> = {
  policy: 'policy document',
  cloudformation: 'AWS::S3::BucketPolicy',
  'terraform-plan': 'aws_s3_bucket_policy',
};

/** The verdicts on one entry, through the same registry as the live bucket. */
function judgeEntry(entry: PolicyInputEntry, options: OfflineOptions): CheckResult[] {
  const all = runChecks({
    state: entryBucketState(entry, options.bucket),
    expectedRegion: options.expectedRegion,
    principals: options.principals,
  });
  const kept = all.filter((r) => OFFLINE_CHECKS.includes(r.id) && stated(entry, r.id));
  if (entry.problems.length === 0) return kept;
  // Not checkable is never a pass: the policy check fails with the reasons, as for a policy AWS refused to show.
  return kept.map((r) => {
    if (r.id === 'policy') {
      return fail('policy', `not checkable: ${entry.problems.join('; ')}`, { problems: entry.problems });
    }
    if (r.id === 'least-privilege') {
      return warn(
        'least-privilege',
        'not checked: the policy could not be determined (see the policy check)',
      );
    }
    return r;
  });
}

/** Judges every entry of the input that is for `bucket`; pure. */
export function judgeOffline(input: PolicyInput, options: OfflineOptions): OfflineReport {
  const ignored: OfflineReport['ignored'] = [];
  const groups: OfflineGroup[] = [];
  for (const entry of input.entries) {
    if (entry.bucket !== undefined && entry.bucket !== options.bucket) {
      ignored.push({ source: entry.source, bucket: entry.bucket });
      continue;
    }
    const shown =
      entry.bucket === undefined
        ? {
            ...entry,
            notes: [
              ...entry.notes,
              `the input does not say which bucket this is for; checked as ${options.bucket}`,
            ],
          }
        : entry;
    groups.push({ entry: shown, results: judgeEntry(entry, options) });
  }
  if (groups.length === 0) {
    // Judged like a bucket without a policy: the name as usual, the policy fails.
    const [name] = runChecks({
      state: { bucket: options.bucket, existence: 'yours', denied: [] },
      expectedRegion: options.expectedRegion,
      principals: options.principals,
    }).filter((r) => r.id === 'name');
    const others =
      ignored.length > 0 ? ` (it has entries for ${ignored.map((i) => i.bucket).join(', ')})` : '';
    const results: CheckResult[] = [
      ...(name ? [name] : []),
      fail(
        'policy',
        `the input has no ${WHAT_IS_MISSING[input.kind]} for ${options.bucket}${others}, so there is nothing that lets Prophecy sync into it`,
      ),
    ];
    groups.push({ entry: null, results });
  }
  return { kind: input.kind, groups, ignored, results: groups.flatMap((g) => g.results) };
}

// ---------------------------------------------------------------------------------------------------------
// Output

const KIND_NAME: Record<PolicyInputKind, string> = {
  policy: 'bucket policy document',
  cloudformation: 'CloudFormation template',
  'terraform-plan': 'Terraform plan',
};

export function offlineDocument(
  report: OfflineReport,
  input: Pick<OfflineVerifyInput, 'file' | 'bucket' | 'strict'> & { region: string },
): OfflineVerifyResult {
  const { strict } = input;
  return {
    schemaVersion: 1,
    ok: summarize(report.results, { strict }).ok,
    bucket: input.bucket,
    region: input.region,
    checks: report.groups.flatMap((g) =>
      checkEntries(g.results).map((c) => ({ ...c, entry: g.entry?.source ?? null })),
    ),
    policyFile: {
      path: input.file,
      kind: report.kind,
      entries: report.groups.flatMap((g) =>
        g.entry
          ? [
              {
                source: g.entry.source,
                bucket: g.entry.bucket ?? null,
                ok: summarize(g.results, { strict }).ok,
                problems: g.entry.problems,
                notes: g.entry.notes,
              },
            ]
          : [],
      ),
      ignored: report.ignored,
    },
  };
}

/** The table of live verify, one group per entry under a heading that names it, and one summary line. */
export function renderOffline(
  report: OfflineReport,
  options: { file: string; bucket: string; quiet: boolean; strict: boolean; stream: NodeJS.WriteStream },
): string {
  const c = paint(options.stream);
  const safe = (s: string) => terminalSafe(s, { newlines: true });
  const { quiet, strict, stream } = options;
  let out = '';
  if (!quiet) {
    out += `${c.bold(`${safe(inputLabel(options.file))}: ${KIND_NAME[report.kind]}`)}, checked offline as ${safe(options.bucket)}\n`;
    for (const i of report.ignored) {
      out += `  ${c.dim(`ignored ${safe(i.source)}: it is for ${safe(i.bucket)}`)}\n`;
    }
  }
  const several = report.groups.length > 1 || report.kind !== 'policy';
  for (const g of report.groups) {
    const failed = g.results.some((r) => r.status === 'fail');
    if (quiet && !failed) continue;
    if (several && g.entry) out += `${c.bold(safe(g.entry.source))}\n`;
    if (!quiet) for (const n of g.entry?.notes ?? []) out += `  ${c.dim(`note: ${safe(n)}`)}\n`;
    out += renderChecks(g.results, { quiet, strict, stream, summary: false });
  }
  return out + renderSummary(report.results, { quiet, strict, stream });
}

export async function run(ctx: Context, input: OfflineVerifyInput): Promise<number> {
  const text = await readText(ctx, input.file);
  let parsed: PolicyInput;
  try {
    parsed = readPolicyInput(text, { bucket: input.bucket, region: input.region });
  } catch (err) {
    if (!(err instanceof PolicyInputError)) throw err;
    throw new CliError(`Cannot check --policy-file ${inputLabel(input.file)}: ${err.message}.`, {
      hint: 'Expected a bucket policy (JSON), a CloudFormation template (YAML or JSON) or the output of `terraform show -json <planfile>`.',
      cause: err,
    });
  }
  const region = input.region ?? DEFAULT_REGION;
  const report = judgeOffline(parsed, {
    bucket: input.bucket,
    principals: input.principals,
    expectedRegion: region,
  });
  if (input.output === 'json') {
    const doc = offlineDocument(report, { ...input, region });
    ctx.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    ctx.stdout.write(
      renderOffline(report, {
        file: input.file,
        bucket: input.bucket,
        quiet: input.quiet,
        strict: input.strict,
        stream: ctx.stdout,
      }),
    );
  }
  return summarize(report.results, { strict: input.strict }).exitCode;
}
