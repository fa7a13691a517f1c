import type { BucketState } from './bucket-state.js';
import { CHECKS } from './checks/index.js';
import { type NewestObject, READS, type ReadKey, type ReadResult, type ReadResults } from './checks/reads.js';
import type { Check, CheckOptions, CheckStatus, CheckResult as Result } from './checks/types.js';

/*
 * verify's check runner. The checks themselves live in ./checks/, one file each, listed in order by
 * ./checks/index.ts; this module derives the ids and the reads from that list and judges the reads.
 */

export { type ExtraGrant, extraGrants, S3_ACTIONS } from './checks/least-privilege.js';
export type { NewestObject, ReadKey, ReadResult, ReadResults } from './checks/reads.js';
export type { Check, CheckOptions, CheckStatus, JudgeInput } from './checks/types.js';
export { shortPrincipal } from './principal.js';

type Ids<T extends readonly { id: string }[]> = { [I in keyof T]: T[I]['id'] };

/** verify's check ids in the order they run. Stable: scripts match on these ids, and the JSON schema uses this list. */
export const CHECK_IDS = CHECKS.map((c) => c.id) as unknown as Ids<typeof CHECKS>;
export type CheckId = (typeof CHECK_IDS)[number];
export type CheckResult = Result<CheckId>;

type AnyCheck = Check<CheckId, ReadKey>;
const ALL: readonly AnyCheck[] = CHECKS as unknown as readonly AnyCheck[];

/** The checks that run for these options, in order (freshness only with a max age). */
export function selectChecks(options: CheckOptions): readonly AnyCheck[] {
  return ALL.filter((c) => c.applies?.(options) ?? true);
}

/** The union of what the given checks read, in catalogue order: exactly the reads verify performs. */
export function readsOf(checks: readonly Pick<AnyCheck, 'reads'>[]): ReadKey[] {
  const wanted = new Set(checks.flatMap((c) => c.reads));
  return (Object.keys(READS) as ReadKey[]).filter((k) => wanted.has(k));
}

const MISSING = { status: 'missing' } as const;

/**
 * Judges the reads with every selected check, in order. The bucket checks (all but `bucket` and `name`) are
 * left out unless HeadBucket found the bucket in the caller's account. Pure; `now` defaults to the clock.
 */
export function judgeChecks(
  reads: ReadResults,
  options: CheckOptions & { now?: Date | undefined },
): CheckResult[] {
  const now = options.now ?? new Date();
  const head = reads.head;
  const yours = head?.status === 'ok' && head.value === 'yours';
  const results: CheckResult[] = [];
  for (const check of selectChecks(options)) {
    if (check.needsBucket && !yours) continue;
    const own = Object.fromEntries(check.reads.map((k) => [k, reads[k] ?? MISSING]));
    const r = check.judge({ ...options, now, reads: own as never });
    if (r) results.push(r);
  }
  return results;
}

/** What setup knows about a bucket (BucketState), as the reads the checks judge. */
export function readsFromState(state: BucketState, newest?: NewestObject | null): ReadResults {
  const from = <T>(key: ReadKey, value: T | undefined, whenUndefined: 'ok' | 'missing'): ReadResult<T> => {
    const permission = READS[key].permissions[0];
    if (state.denied.includes(permission)) return { status: 'denied', permission };
    if (value === undefined && whenUndefined === 'missing') return MISSING;
    return { status: 'ok', value: value as T };
  };
  return {
    head: { status: 'ok', value: state.existence },
    location: from('location', state.region, 'missing'),
    ownership: from('ownership', state.objectOwnership, 'ok'),
    publicAccessBlock: from('publicAccessBlock', state.publicAccessBlock, 'ok'),
    policy: from('policy', state.policyText, 'ok'),
    hasObjects: from('hasObjects', state.hasObjects, 'missing'),
    newest: from('newest', newest, 'missing'),
  };
}

export interface CheckInput {
  state: BucketState;
  expectedRegion: string;
  principals: CheckOptions['principals'];
  /** With --max-age: the oldest the newest object may be. */
  maxAgeMs?: number;
  /** The newest object; null = the bucket is empty; undefined = not read (the freshness check is left out). */
  newest?: NewestObject | null;
  now?: Date;
}

/** Every check of `verify` on what setup read, in a fixed order; pure, so `setup` runs the same ones on its result. */
export function runChecks(input: CheckInput): CheckResult[] {
  return judgeChecks(readsFromState(input.state, input.newest), {
    bucket: input.state.bucket,
    expectedRegion: input.expectedRegion,
    principals: input.principals,
    maxAgeMs: input.maxAgeMs,
    now: input.now,
  });
}

export interface Summary {
  pass: number;
  warn: number;
  fail: number;
  /** No failures (and, with strict, no warnings). */
  ok: boolean;
  exitCode: 0 | 1;
}

/** Counts and the exit code: 1 when a check failed, or warned with `strict`; 0 otherwise. */
export function summarize(results: readonly Result[], opts: { strict?: boolean } = {}): Summary {
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  const counts = { pass: count('pass'), warn: count('warn'), fail: count('fail') };
  const ok = counts.fail === 0 && (!opts.strict || counts.warn === 0);
  return { ...counts, ok, exitCode: ok ? 0 : 1 };
}
