import type { Context } from '../../../context.js';
import { type CheckResult, summarize } from '../../../core/checks.js';
import { renderChecks } from '../../../ui/checks-render.js';
import { paint } from '../../../ui/color.js';

/** After applying: the checks of the result, on stderr, with verify's renderer; returns their summary. */
export function showCheckResult(
  ctx: Context,
  checks: CheckResult[],
  notes: readonly string[] = [],
): ReturnType<typeof summarize> {
  ctx.stderr.write(
    `\n${paint(ctx.stderr).bold('Checking the result:')}\n${renderChecks(checks, { stream: ctx.stderr, notes })}`,
  );
  return summarize(checks);
}
