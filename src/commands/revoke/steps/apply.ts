import { getBucketPolicyText } from '../../../aws/bucket-read.js';
import { deleteBucketPolicy, putBucketPolicy } from '../../../aws/bucket-write.js';
import { getKeyPolicy, putKeyPolicy } from '../../../aws/kms.js';
import type { RevokeStep } from '../../../core/revoke-plan.js';
import { CliError } from '../../../errors.js';
import { applyWithSpinners } from '../../shared/steps/apply.js';
import { need, type RevokeState, type RevokeStepFn } from '../state.js';

/**
 * Fail closed: the plan removed statements from the text it showed; if the policy is different now (someone
 * edited it, or another run got there first), writing the planned text would undo an edit nobody saw.
 */
function changedSincePlan(what: string): CliError {
  return new CliError(
    `The ${what} changed since revoke read it, so revoke did not write it: it never writes over an edit the plan did not show.`,
    { hint: 'Run revoke again to plan against the current policy.' },
  );
}

/**
 * What one plan step does. Each re-reads its policy immediately before writing and compares it with the
 * text the plan was made from (S3 and KMS offer no conditional write, so this narrows the window to the
 * time between two calls). Every bucket call carries ExpectedBucketOwner.
 */
async function perform(state: RevokeState, step: RevokeStep): Promise<void> {
  const s3 = need(state, 's3');
  const owner = need(state, 'identity').account;
  const bucket = state.input.bucket;
  switch (step.id) {
    case 'bucket-policy': {
      const now = (await getBucketPolicyText(s3, bucket, owner)) ?? null;
      if (now !== (state.policyText ?? null)) throw changedSincePlan(`bucket policy of ${bucket}`);
      if (step.change === 'delete') await deleteBucketPolicy(s3, bucket, owner);
      else await putBucketPolicy(s3, bucket, owner, step.text as string);
      return;
    }
    case 'key-policy': {
      const key = need(state, 'key');
      const kms = await state.aws.kms(key.region);
      if ((await getKeyPolicy(kms, key.keyId)) !== key.text) {
        throw changedSincePlan(`key policy of ${key.keyId}`);
      }
      await putKeyPolicy(kms, key.keyId, step.text as string);
      return;
    }
  }
}

/** 6. Apply the plan, one spinner per step; a failure says what completed and that a re-run resumes. */
export const apply: RevokeStepFn = async (ctx, state) => {
  const plan = need(state, 'plan');
  state.outcomes = plan.satisfied
    ? plan.steps.map((step) => ({ step, status: 'unchanged' as const }))
    : await applyWithSpinners(ctx, plan.steps, (step) => perform(state, step), { command: 'revoke' });
  return undefined;
};
