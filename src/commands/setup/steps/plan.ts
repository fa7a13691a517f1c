import { policyJson } from '../../../core/policy-json.js';
import { planSetup } from '../../../core/setup-plan.js';
import { ExitCode } from '../../../errors.js';
import { paint } from '../../../ui/color.js';
import { planDocument, renderPlan } from '../render.js';
import { need, type SetupStep } from '../state.js';

/** 5. The plan on stderr; a dry run ends here (with the plan as JSON on stdout for --json). */
export const plan: SetupStep = async (ctx, state) => {
  const { input } = state;
  const me = need(state, 'identity');
  const plan = planSetup({
    bucket: need(state, 'bucket'),
    region: need(state, 'region'),
    account: me.account,
    principals: input.principals,
    state: need(state, 'found'),
  });
  state.plan = plan;
  ctx.stderr.write(renderPlan(plan, ctx.stderr));
  if (!input.dryRun) return undefined;
  if (input.json) ctx.stdout.write(`${policyJson(planDocument(plan, me), 2)}\n`);
  ctx.stderr.write(`${paint(ctx.stderr).dim('Dry run: nothing was changed.')}\n`);
  return ExitCode.ok;
};
