import type { VendorPrincipals } from '../policy.js';
import type { ReadKey, ReadResult, ReadValue } from './reads.js';
import type { CheckResult, CheckStatus } from './result.js';

export type { CheckResult, CheckStatus } from './result.js';

/** What the user asked for, the same for every check. */
export interface CheckOptions {
  bucket: string;
  expectedRegion: string;
  principals: VendorPrincipals;
  /** With --max-age: the oldest the newest object may be. */
  maxAgeMs?: number | undefined;
}

/** A check's judge sees the options, the clock, and only the reads it declared. */
export interface JudgeInput<K extends ReadKey> extends CheckOptions {
  now: Date;
  reads: { [P in K]: ReadResult<ReadValue<P>> };
}

/** Pass/warn/fail in words, for docs/checks.md. */
export interface Outcomes {
  pass: string;
  warn?: string;
  fail?: string;
}

export interface Check<Id extends string = string, K extends ReadKey = ReadKey> {
  /** Stable: scripts match on it, and the JSON schema lists it. */
  id: Id;
  /** What it checks, in a few words (docs/checks.md). */
  title: string;
  /** The reads the judge needs; verify performs the union over the selected checks, in one round. */
  reads: readonly K[];
  /** Judged only when HeadBucket found the bucket in the caller's account (all but `bucket` and `name`). */
  needsBucket: boolean;
  /** Whether the check runs at all for these options (e.g. freshness only with --max-age); default yes. */
  applies?: (options: CheckOptions) => boolean;
  outcomes: Outcomes;
  /** Pure. `undefined` = nothing to judge (its read was not made), and the check is left out. */
  judge(input: JudgeInput<K>): CheckResult<Id> | undefined;
}

/** Keeps the literal id and the read keys, so `judge` can use exactly the reads it declared. */
export function defineCheck<const Id extends string, const K extends ReadKey>(
  check: Check<Id, K>,
): Check<Id, K> {
  return check;
}

function result<Id extends string>(id: Id, status: CheckStatus, message: string, details?: unknown) {
  const r: CheckResult<Id> = { id, status, message };
  if (details !== undefined) r.details = details;
  return r;
}

export const pass = <Id extends string>(id: Id, message: string, details?: unknown): CheckResult<Id> =>
  result(id, 'pass', message, details);
export const warn = <Id extends string>(id: Id, message: string, details?: unknown): CheckResult<Id> =>
  result(id, 'warn', message, details);
export const fail = <Id extends string>(id: Id, message: string, details?: unknown): CheckResult<Id> =>
  result(id, 'fail', message, details);

/** The message of a read that AWS refused. */
export function deniedMessage(bucket: string, permission: string): string {
  return `could not read it: access denied (your identity needs ${permission} on ${bucket}, and the bucket must be in your account)`;
}
