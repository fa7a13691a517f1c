// A leaf module: judges outside the registry (kms-judge, bucket-features) return these without importing it.

export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One check's verdict, as verify prints it and as its --json document carries it. */
export interface CheckResult<Id extends string = string> {
  id: Id;
  status: CheckStatus;
  /** One line a person can act on. */
  message: string;
  /** Machine-readable specifics (missing grants, conditions, timestamps); part of the --json output. */
  details?: unknown;
  /**
   * A ready fix to print under the line (a statement snippet); human output only — the same data is in
   * `details` for --json.
   */
  fix?: string;
}
