import { shortPrincipal } from '../../core/checks.js';
import { renderPolicyDiff } from '../../core/policy-diff.js';
import type { RevokeChange, RevokeCheck, RevokePlan } from '../../core/revoke-plan.js';
import { terminalSafe } from '../../core/sanitize.js';
import { paint, symbols } from '../../ui/color.js';

type Paint = ReturnType<typeof paint>;

const LABEL: Record<RevokeChange, string> = { update: 'update', delete: 'delete', none: 'no change' };

function stepLabel(change: RevokeChange, c: Paint): string {
  const text = `[${LABEL[change]}]`;
  return change === 'none' ? c.dim(text) : change === 'delete' ? c.red(text) : c.yellow(text);
}

function diffLine(line: string, c: Paint): string {
  if (line.startsWith('-')) return c.red(line);
  if (line.startsWith('=')) return c.dim(line);
  return line;
}

/**
 * The plan for people, on stderr: one line per step with the statements it removes (`-`) and keeps (`=`),
 * the doors that stay open, and the one line saying what is never touched. Sids and statement summaries
 * quote the stored policy, which is not ours to trust on a terminal.
 */
export function renderRevokePlan(plan: RevokePlan, account: string, stream: NodeJS.WriteStream): string {
  const c = paint(stream);
  const safe = (s: string) => terminalSafe(s);
  const lines = ['', c.bold(`Revoke plan for ${plan.bucket} (account ${account}):`)];
  plan.steps.forEach((step, i) => {
    lines.push(`  ${i + 1}. ${stepLabel(step.change, c)} ${safe(step.title)}: ${safe(step.detail)}`);
    if (step.change !== 'none') {
      for (const l of renderPolicyDiff(step.diff)) lines.push(`       ${diffLine(safe(l), c)}`);
    }
    for (const n of step.notes) lines.push(`       ${c.dim(`note: ${safe(n)}`)}`);
  });
  for (const w of plan.warnings) lines.push(c.yellow(`${symbols.warn} ${safe(w)}`));
  lines.push(`${c.green(symbols.info)} ${safe(plan.kept)}.`);
  if (plan.satisfied) {
    lines.push(c.green(`${symbols.pass} Nothing to revoke: none of Prophecy's statements are left.`));
  }
  return `${lines.join('\n')}\n`;
}

/** The check after applying, on stderr: no access left, or which statement still grants what. */
export function renderRevokeCheck(check: RevokeCheck, bucket: string, stream: NodeJS.WriteStream): string {
  const c = paint(stream);
  if (check.ok) {
    return `\n${c.green(`${symbols.pass} Prophecy's access was removed: under the bucket policy of ${bucket}, neither its DataSync role nor its s3access user may perform any of the actions setup granted.`)}\n`;
  }
  const byStatement = new Map<
    string,
    { principals: Set<string>; actions: Set<string>; conditional: boolean }
  >();
  for (const r of check.remaining) {
    const g = byStatement.get(r.statement) ?? {
      principals: new Set(),
      actions: new Set(),
      conditional: false,
    };
    g.principals.add(shortPrincipal(r.principal));
    g.actions.add(r.action);
    g.conditional ||= r.conditional;
    byStatement.set(r.statement, g);
  }
  const lines = [`\n${c.red(`${symbols.fail} Some access remains under the bucket policy of ${bucket}:`)}`];
  for (const [statement, g] of byStatement) {
    lines.push(
      `  statement ${terminalSafe(statement)} allows ${[...g.principals].join(', ')}: ${[...g.actions].join(', ')}${g.conditional ? ' (when its Condition holds)' : ''}`,
    );
  }
  lines.push(c.dim('  revoke removes only the statements setup added; remove or narrow these yourself.'));
  return `${lines.join('\n')}\n`;
}
