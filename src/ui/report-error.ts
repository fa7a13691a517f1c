import { requestIds } from '../aws/errors.js';
import { terminalSafe } from '../core/sanitize.js';
import { CliError, ExitCode } from '../errors.js';
import { paint } from './color.js';

/** The single place an error becomes text on stderr and an exit code. */
export function reportError(err: unknown, debug: boolean): number {
  const c = paint(process.stderr);
  const cli = err instanceof CliError ? err : undefined;
  const text = cli ? cli.message : `Unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  // Messages echo flags, object keys and AWS error text, any of which can carry terminal controls.
  const message = terminalSafe(text, { newlines: true });
  process.stderr.write(`${c.red('Error:')} ${message}\n`);
  const hint = cli
    ? cli.hint
    : 'This is a bug in prophecy-audit; run again with --debug and report the output.';
  if (hint) process.stderr.write(`${c.dim(terminalSafe(hint, { newlines: true }))}\n`);
  if (debug) {
    const root = cli?.cause ?? err;
    const ids = requestIds(root);
    if (ids) process.stderr.write(`AWS ${ids}\n`);
    if (root instanceof Error && root.stack)
      process.stderr.write(`${terminalSafe(root.stack, { newlines: true })}\n`);
  }
  return cli ? cli.exitCode : ExitCode.error;
}
