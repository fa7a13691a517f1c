/** Exit codes are part of the interface: scripts and cron jobs depend on them. */
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  error: 2,
  interrupted: 130,
  /** SIGTERM (128 + 15), as a shell reports a process the signal ended. */
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The one error type commands throw. `message` says what is wrong, `hint` how to fix it;
 * the top-level handler prints both (one or two lines) and exits with `exitCode`.
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; exitCode?: ExitCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? ExitCode.error;
    this.hint = options.hint;
  }
}

/** Bad flags or input: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
    this.name = 'UsageError';
  }
}

/** The user pressed Ctrl-C or declined: exit 130. */
export class InterruptedError extends CliError {
  constructor(message = 'Aborted, nothing was changed.') {
    super(message, { exitCode: ExitCode.interrupted });
    this.name = 'InterruptedError';
  }
}

/**
 * The bucket name belongs to another AWS account: said the same way whether the look before acting found
 * it, the plan refused it, or CreateBucket lost a race for it. Nothing was changed in any of those cases.
 */
export class BucketTakenError extends CliError {
  constructor(bucket: string, options: { cause?: unknown } = {}) {
    super(`The bucket name ${bucket} is taken: it exists in another AWS account.`, {
      ...options,
      hint: 'Bucket names are global: choose another suffix (--suffix), or use credentials of the account that owns the bucket. Nothing was changed.',
    });
    this.name = 'BucketTakenError';
  }
}

export function isCliError(err: unknown): err is CliError {
  return err instanceof CliError;
}
