import { getBucketPolicyText } from '../../../aws/bucket-read.js';
import { policyJson } from '../../../core/policy-json.js';
import { checkRevoked } from '../../../core/revoke-plan.js';
import { ExitCode } from '../../../errors.js';
import type { RevokeResultDocument } from '../../../schemas/revoke.js';
import { paint } from '../../../ui/color.js';
import { renderRevokeCheck } from '../render.js';
import { need, type RevokeStepFn } from '../state.js';

/**
 * 7. Read the bucket policy again and ask the evaluator verify uses whether Prophecy's principals may still
 * perform any of the actions setup granted: exit 0 when none, 1 naming the statements that still allow one.
 */
export const check: RevokeStepFn = async (ctx, state) => {
  const { input } = state;
  const plan = need(state, 'plan');
  const me = need(state, 'identity');
  const after = await getBucketPolicyText(need(state, 's3'), input.bucket, me.account);
  const result = checkRevoked(after ?? null, input.principals, input.bucket);
  state.check = result;
  ctx.stderr.write(renderRevokeCheck(result, input.bucket, ctx.stderr));
  if (result.ok) {
    ctx.stderr.write(
      `${paint(ctx.stderr).dim(`If cron runs \`prophecy-audit verify\` for ${input.bucket}, remove that entry: its policy check now fails by design ("Prophecy's access was removed").`)}\n`,
    );
  }
  if (input.json) {
    const doc: RevokeResultDocument = {
      schemaVersion: 1,
      kind: 'result',
      ok: result.ok,
      identity: { account: me.account, arn: me.arn },
      bucket: plan.bucket,
      bucketArn: plan.bucketArn,
      steps: need(state, 'outcomes').map((o) => ({
        id: o.step.id,
        title: o.step.title,
        target: o.step.target,
        change: o.step.change,
        status: o.status,
      })),
      remaining: result.remaining,
      warnings: plan.warnings,
      kept: plan.kept,
    };
    ctx.stdout.write(`${policyJson(doc, 2)}\n`);
  }
  return result.ok ? ExitCode.ok : ExitCode.checkFailed;
};
