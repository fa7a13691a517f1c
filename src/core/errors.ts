/** Exit codes are part of the interface: scripts and cron jobs depend on them. */
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  error: 2,
  interrupted: 130,
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

export function isCliError(err: unknown): err is CliError {
  return err instanceof CliError;
}
