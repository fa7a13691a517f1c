import { AwsFailure } from '../aws/errors.js';
import { terminalSafe } from '../core/sanitize.js';
import { CliError, ExitCode } from '../errors.js';
import { asCliError } from './aws-failure.js';
import { paint } from './color.js';

/** What AWS said about the failed request, for --debug. */
function requestIds(err: unknown): string | undefined {
  const f = err instanceof AwsFailure ? err : undefined;
  const meta = f
    ? { requestId: f.requestId, extendedRequestId: f.extendedRequestId }
    : (err as { $metadata?: { requestId?: string; extendedRequestId?: string } } | undefined)?.$metadata;
  if (!meta?.requestId) return undefined;
  return `request id ${meta.requestId}${meta.extendedRequestId ? `, extended ${meta.extendedRequestId}` : ''}`;
}

/** The error that really happened: below our own wrapping (a CliError's cause, an AwsFailure's SDK error). */
function rootOf(err: unknown): { failure: AwsFailure | undefined; root: unknown } {
  let root = err;
  if (root instanceof CliError && root.cause !== undefined) root = root.cause;
  const failure = root instanceof AwsFailure ? root : undefined;
  if (failure && failure.cause !== undefined) root = failure.cause;
  return { failure, root };
}

/** The single place an error becomes text on stderr and an exit code. */
export function reportError(
  err: unknown,
  debug: boolean,
  stream: NodeJS.WriteStream = process.stderr,
): number {
  const c = paint(stream);
  const cli = asCliError(err);
  const text = cli ? cli.message : `Unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  // Messages echo flags, object keys and AWS error text, any of which can carry terminal controls.
  const message = terminalSafe(text, { newlines: true });
  stream.write(`${c.red('Error:')} ${message}\n`);
  const hint = cli
    ? cli.hint
    : 'This is a bug in prophecy-audit; run again with --debug and report the output.';
  if (hint) stream.write(`${c.dim(terminalSafe(hint, { newlines: true }))}\n`);
  if (debug) {
    const { failure, root } = rootOf(err);
    const ids = requestIds(failure ?? root);
    if (ids) stream.write(`AWS ${ids}\n`);
    if (root instanceof Error && root.stack)
      stream.write(`${terminalSafe(root.stack, { newlines: true })}\n`);
  }
  return cli ? cli.exitCode : ExitCode.error;
}
