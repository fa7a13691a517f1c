import { policyJson } from '../../../core/policy-json.js';
import { planSetup } from '../../../core/setup-plan.js';
import { CliError, ExitCode } from '../../../errors.js';
import { paint } from '../../../ui/color.js';
import { planDocument, renderPlan } from '../render.js';
import { need, type SetupStep } from '../state.js';

/** 6. The plan on stderr; a dry run ends here (with the plan as JSON on stdout for --json). */
export const plan: SetupStep = async (ctx, state) => {
  const { input } = state;
  const me = need(state, 'identity');
  const plan = planSetup({
    bucket: need(state, 'bucket'),
    region: need(state, 'region'),
    account: me.account,
    principals: input.principals,
    state: need(state, 'found'),
    findings: state.findings ?? [],
    keyPolicy: state.keyPolicy,
  });
  state.plan = plan;
  ctx.stderr.write(renderPlan(plan, ctx.stderr));
  if (plan.blockers.length > 0) {
    // Settings setup does not change on its own: stop before applying anything (a dry run too).
    throw new CliError(
      `Setup stops before changing anything: ${plan.blockers.length === 1 ? 'a setting' : `${plan.blockers.length} settings`} of ${plan.bucket} stop${plan.blockers.length === 1 ? 's' : ''} Prophecy's DataSync, and setup does not change ${plan.blockers.length === 1 ? 'it' : 'them'} on its own (see above).`,
      { hint: plan.blockers.join('\n') },
    );
  }
  if (!input.dryRun) return undefined;
  if (input.json) ctx.stdout.write(`${policyJson(planDocument(plan, me), 2)}\n`);
  ctx.stderr.write(`${paint(ctx.stderr).dim('Dry run: nothing was changed.')}\n`);
  return ExitCode.ok;
};
