import type { S3Client } from '@aws-sdk/client-s3';
import {
  createBucket,
  putBucketPolicy,
  putOwnershipControls,
  putPublicAccessBlock,
} from '../../aws/bucket-write.js';
import type { VendorPrincipals } from '../../core/policy.js';
import { ALL_BLOCKED, type PlanStep, type SetupPlan } from '../../core/setup-plan.js';
import { CliError } from '../../errors.js';
import { paint } from '../../ui/color.js';
import { setInterruptNote } from '../../ui/interrupt.js';
import { startStep } from '../../ui/progress.js';

export interface ApplyContext {
  s3: S3Client;
  principals: VendorPrincipals;
  /** Which principals came from flags, so an "Invalid principal" answer can name the likely culprit. */
  overridden: (keyof VendorPrincipals)[];
}

export interface StepOutcome {
  step: PlanStep;
  status: 'applied' | 'unchanged';
}

async function applyStep(plan: SetupPlan, step: PlanStep, ctx: ApplyContext): Promise<void> {
  const { s3 } = ctx;
  switch (step.id) {
    case 'create-bucket':
      await createBucket(s3, plan.bucket, plan.region);
      return;
    case 'ownership':
      await putOwnershipControls(s3, plan.bucket, plan.account);
      return;
    case 'public-access-block':
      await putPublicAccessBlock(s3, plan.bucket, plan.account, ALL_BLOCKED);
      return;
    case 'policy':
      await putBucketPolicy(
        s3,
        plan.bucket,
        plan.account,
        plan.steps[3].policyText,
        ctx.principals,
        ctx.overridden,
      );
      return;
  }
}

/**
 * Applies the steps in order with a spinner each. On a failure it says which steps completed and
 * which did not run, and throws: every step is idempotent, so running setup again resumes.
 */
export async function applyPlan(plan: SetupPlan, ctx: ApplyContext): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  let current = '';
  setInterruptNote(() => {
    const done = outcomes.filter((o) => o.status === 'applied').map((o) => o.step.title);
    return `Interrupted during "${current}". Completed: ${done.length ? done.join('; ') : 'nothing'}. Running setup again resumes: completed steps show as "no change".`;
  });
  try {
    return await applySteps(plan, ctx, outcomes, (title) => {
      current = title;
    });
  } finally {
    setInterruptNote(undefined);
  }
}

async function applySteps(
  plan: SetupPlan,
  ctx: ApplyContext,
  outcomes: StepOutcome[],
  starting: (title: string) => void,
): Promise<StepOutcome[]> {
  for (const [i, step] of plan.steps.entries()) {
    starting(step.title);
    const indicator = await startStep(step.title);
    if (step.change === 'none') {
      indicator.succeed(`${step.title}: no change`);
      outcomes.push({ step, status: 'unchanged' });
      continue;
    }
    try {
      await applyStep(plan, step, ctx);
    } catch (err) {
      const cause =
        err instanceof CliError ? err : new CliError(String((err as Error)?.message ?? err), { cause: err });
      indicator.fail(`${step.title}: failed`);
      const c = paint(process.stderr);
      const applied = outcomes.filter((o) => o.status === 'applied').map((o) => o.step.title);
      const notRun = plan.steps.slice(i + 1).map((s) => s.title);
      process.stderr.write(
        `${c.dim(`Completed: ${applied.length ? applied.join('; ') : 'nothing'}. Failed: ${step.title}. Not run: ${notRun.length ? notRun.join('; ') : 'nothing'}.`)}\n`,
      );
      throw new CliError(`Setup stopped at "${step.title}": ${cause.message}`, {
        cause: cause.cause ?? err,
        exitCode: cause.exitCode,
        hint: `${cause.hint ? `${cause.hint} ` : ''}Running setup again resumes: completed steps show as "no change".`,
      });
    }
    indicator.succeed(`${step.title}: ${step.change === 'create' ? 'created' : 'updated'}`);
    outcomes.push({ step, status: 'applied' });
  }
  return outcomes;
}
