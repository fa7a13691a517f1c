import type { CheckResult, CheckStatus } from '../core/checks.js';
import { summarize } from '../core/checks.js';
import { terminalSafe } from '../core/sanitize.js';
import { paint, symbols } from './color.js';

export interface RenderOptions {
  /** Only failed checks (for cron mail); the summary line is kept when something failed. */
  quiet?: boolean;
  /** Where the text will be written; decides colours (default stdout). */
  stream?: NodeJS.WriteStream;
  /** Count warnings as failures in the summary line. */
  strict?: boolean;
  /** Print the summary line (`OK: 3 passed, …`); default yes. `false` for one group of several. */
  summary?: boolean;
  /** Said once, before the summary line (what this account cannot see); left out with `quiet`. */
  notes?: readonly string[];
}

/** A check's fix (a statement snippet), indented under its line. */
function fixLines(fix: string, c: ReturnType<typeof paint>): string[] {
  return terminalSafe(fix, { newlines: true })
    .split('\n')
    .map((l) => `    ${c.dim(l)}`);
}

/**
 * The compact check table: one line per check, `✔ id  message`. Messages are never cut: a missing grant
 * that is cut off is a missing grant nobody can act on, so long ones simply wrap in the terminal.
 */
export function renderChecks(results: CheckResult[], opts: RenderOptions = {}): string {
  const c = paint(opts.stream ?? process.stdout);
  const mark: Record<CheckStatus, string> = {
    pass: c.green(symbols.pass),
    warn: c.yellow(symbols.warn),
    fail: c.red(symbols.fail),
  };
  const shown = opts.quiet ? results.filter((r) => r.status === 'fail') : results;
  // The id column is padded by `.length`: check ids are ASCII (lower case and `-`), so that is their width.
  const width = Math.max(0, ...shown.map((r) => r.id.length));
  const lines = shown.flatMap((r) => {
    // Messages quote bucket contents (object keys, policy text) that the bucket's writers control.
    const text = terminalSafe(r.message, { newlines: true });
    const message = r.status === 'fail' ? c.red(text) : r.status === 'warn' ? c.yellow(text) : text;
    const line = `${mark[r.status]} ${c.bold(r.id.padEnd(width))}  ${message}`;
    return r.fix && r.status !== 'pass' ? [line, ...fixLines(r.fix, c)] : [line];
  });
  if (opts.summary !== false) lines.push(...summaryLines(results, opts));
  return lines.map((l) => `${l}\n`).join('');
}

/** The summary line over all results (none with --quiet when nothing failed). */
function summaryLines(results: readonly CheckResult[], opts: RenderOptions): string[] {
  const c = paint(opts.stream ?? process.stdout);
  const s = summarize(results, { strict: opts.strict === true });
  if (opts.quiet && s.fail === 0) return [];
  const notes = opts.quiet ? [] : (opts.notes ?? []).map((n) => c.dim(`Note: ${n}`));
  const parts = [`${s.pass} passed`, `${s.warn} warning${s.warn === 1 ? '' : 's'}`, `${s.fail} failed`];
  const verdict = s.fail > 0 ? c.red('FAILED') : !s.ok ? c.yellow('FAILED (strict)') : c.green('OK');
  return [...notes, `${verdict}: ${parts.join(', ')}`];
}

/** `renderChecks`' summary line alone, for output that renders its checks in groups. */
export function renderSummary(results: readonly CheckResult[], opts: RenderOptions = {}): string {
  return summaryLines(results, opts)
    .map((l) => `${l}\n`)
    .join('');
}
