import { summarize } from '../../../core/checks.js';
import { policyJson } from '../../../core/policy-json.js';
import { DEFAULT_REGION } from '../../../core/vendor.js';
import type { SetupResultDocument } from '../../../schemas/setup.js';
import { checkEntries } from '../../../schemas/verify.js';
import { paint, symbols } from '../../../ui/color.js';
import { handOffMessage, renderHandOff } from '../render.js';
import { need, type SetupStep } from '../state.js';

/** 10. What to send Prophecy (stdout: the result document with --json), and the exit code of the checks. */
export const handOff: SetupStep = async (ctx, state) => {
  const plan = need(state, 'plan');
  const me = need(state, 'identity');
  const region = need(state, 'region');
  const checks = need(state, 'checks');
  const summary = summarize(checks);
  // A customer managed key: Prophecy's role policy must name it, so it is part of the hand-off.
  const enc = checks.find((c) => c.id === 'encryption')?.details as { keyArn?: unknown } | undefined;
  const kmsKeyArn = typeof enc?.keyArn === 'string' ? enc.keyArn : undefined;
  if (state.input.json) {
    const doc: SetupResultDocument = {
      schemaVersion: 1,
      kind: 'result',
      ok: summary.ok,
      identity: { account: me.account, arn: me.arn },
      bucket: plan.bucket,
      bucketArn: plan.bucketArn,
      region,
      steps: need(state, 'outcomes').map((o) => ({
        id: o.step.id,
        title: o.step.title,
        change: o.step.change,
        status: o.status,
      })),
      checks: checkEntries(checks),
      handOff: {
        bucketArn: plan.bucketArn,
        region,
        needsProphecyRegionSetup: region !== DEFAULT_REGION,
        message: handOffMessage(region),
        ...(kmsKeyArn ? { kmsKeyArn } : {}),
      },
    };
    ctx.stdout.write(`${policyJson(doc, 2)}\n`);
  } else {
    ctx.stdout.write(renderHandOff(plan.bucketArn, region, kmsKeyArn));
  }
  if (!summary.ok) {
    ctx.stderr.write(
      `${paint(ctx.stderr).red(`${symbols.fail} A check of the finished bucket failed; fix it before sending the details to Prophecy.`)}\n`,
    );
  }
  return summary.exitCode;
};
