import { policyJson } from '../../../core/policy-json.js';
import { planRevoke, RevokeInputError, revokePlanJson } from '../../../core/revoke-plan.js';
import { CliError, ExitCode } from '../../../errors.js';
import { revokePlanDocument } from '../../../schemas/revoke.js';
import { paint } from '../../../ui/color.js';
import { renderRevokePlan } from '../render.js';
import { need, type RevokeStepFn } from '../state.js';

/** 4. The plan on stderr; a dry run ends here (with the plan document on stdout for --json). */
export const plan: RevokeStepFn = async (ctx, state) => {
  const { input } = state;
  const me = need(state, 'identity');
  const key = state.key;
  let plan: ReturnType<typeof planRevoke>;
  try {
    plan = planRevoke({
      bucket: input.bucket,
      policyText: state.policyText ?? null,
      principals: input.principals,
      objectSummary: state.objects ?? undefined,
      keyPolicy: key ? { keyId: key.keyId, text: key.text, remove: input.keyPolicy } : undefined,
    });
  } catch (err) {
    if (err instanceof RevokeInputError) throw new CliError(err.message, { hint: err.hint, cause: err });
    throw err;
  }
  plan = { ...plan, warnings: [...plan.warnings, ...(state.readWarnings ?? [])] };
  state.plan = plan;
  ctx.stderr.write(renderRevokePlan(plan, me.account, ctx.stderr));
  if (!input.dryRun) return undefined;
  if (input.json) ctx.stdout.write(`${policyJson(revokePlanDocument(revokePlanJson(plan), me), 2)}\n`);
  ctx.stderr.write(`${paint(ctx.stderr).dim('Dry run: nothing was changed.')}\n`);
  return ExitCode.ok;
};
