import type { CheckResult, CheckStatus } from './checks/result.js';

/**
 * A check's verdict without its id: what the pure judges of the newer checks return, so they can be tested
 * and reused before their ids join CHECK_IDS. `{ id, ...finding }` makes it a CheckResult.
 */
export type Finding = Omit<CheckResult, 'id'>;

export function finding(status: CheckStatus, message: string, details?: unknown): Finding {
  return details === undefined ? { status, message } : { status, message, details };
}

/** A read that was refused or failed, with why (AccessDenied, key in another account, …). */
export interface Unreadable {
  unreadable: string;
}

export function isUnreadable(v: unknown): v is Unreadable {
  return typeof v === 'object' && v !== null && 'unreadable' in v;
}
