import type { S3Client } from '@aws-sdk/client-s3';
import { getBucketPolicyText } from '../../../aws/bucket-read.js';
import {
  createBucket,
  putBucketPolicy,
  putOwnershipControls,
  putPublicAccessBlock,
} from '../../../aws/bucket-write.js';
import { isAwsFailure } from '../../../aws/errors.js';
import type { AwsClientFactory } from '../../../aws/factory.js';
import { keyRegion } from '../../../core/kms.js';
import type { VendorPrincipals } from '../../../core/policy.js';
import {
  ALL_BLOCKED,
  isKeyPolicyStep,
  type PlanStep,
  policyStepOf,
  type SetupPlan,
} from '../../../core/setup-plan.js';
import { CliError } from '../../../errors.js';
import { PRINCIPAL_FLAGS } from '../../../schemas/flags.js';
import { applyWithSpinners } from '../../shared/steps/apply.js';
import { need, type SetupInput, type SetupStep } from '../state.js';

/**
 * S3 checks every principal of a policy when it is stored; a role or user that does not exist answers
 * MalformedPolicy "Invalid principal in policy" without saying which one. We name the principals we wrote
 * and which of them came from a flag, since a mistyped flag is the usual cause.
 */
export function invalidPrincipalError(
  err: unknown,
  bucket: string,
  principals: VendorPrincipals,
  overridden: (keyof VendorPrincipals)[],
): CliError {
  const suspects = overridden.length
    ? overridden.map((k) => `${principals[k]} (from ${PRINCIPAL_FLAGS[k]})`)
    : [principals.datasyncRoleArn, principals.locationUserArn];
  return new CliError(
    `S3 refused the policy for ${bucket}: a principal does not exist in IAM. Check ${suspects.join(' and ')}.`,
    {
      cause: err,
      hint: overridden.length
        ? `Correct ${overridden.map((k) => PRINCIPAL_FLAGS[k]).join(' / ')} (copy the ARN exactly as Prophecy gave it) and run setup again.`
        : 'If Prophecy gave you other ARNs, pass them with --datasync-role-arn / --location-user-arn; otherwise ask Prophecy whether their role was renamed.',
    },
  );
}

/**
 * Reads the policy again just before writing it: a change made since the look (by someone else, while the
 * wizard waited at its confirmation) would be lost by writing a merge of the old text. `basedOn` is the
 * text the plan merged into (undefined: no policy). Any failure to read stops the write (fail closed).
 */
export async function assertPolicyUnchanged(
  s3: S3Client,
  plan: SetupPlan,
  basedOn: string | undefined,
): Promise<void> {
  const now = await getBucketPolicyText(s3, plan.bucket, plan.account);
  if (now !== basedOn) {
    throw new CliError(`The policy of ${plan.bucket} changed since the plan; run again.`, {
      hint: 'Someone changed the bucket policy while setup was planning; nothing was written to it, so their change is kept. Running setup again plans on the current policy.',
    });
  }
}

/** What one plan step does to the bucket. Every call but CreateBucket carries ExpectedBucketOwner. */
async function perform(
  s3: S3Client,
  aws: AwsClientFactory,
  plan: SetupPlan,
  step: PlanStep,
  input: SetupInput,
  basedOn: string | undefined,
): Promise<void> {
  switch (step.id) {
    case 'kms-key-policy': {
      if (!isKeyPolicyStep(step)) return;
      // KMS answers about a key only in its own region; the module (and the KMS SDK) loads only here.
      const [kms, { putKeyPolicy }] = await Promise.all([
        aws.kms(keyRegion(step.keyArn)),
        import('../../../aws/kms.js'),
      ]);
      await putKeyPolicy(kms, step.keyArn, step.policyText);
      return;
    }
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
      await assertPolicyUnchanged(s3, plan, basedOn);
      try {
        await putBucketPolicy(s3, plan.bucket, plan.account, policyStepOf(plan).policyText);
      } catch (err) {
        if (isAwsFailure(err, 'malformed-policy') && /invalid principal/i.test(err.detail)) {
          throw invalidPrincipalError(err, plan.bucket, input.principals, input.overridden);
        }
        throw err;
      }
      return;
  }
}

/** 8. Apply the plan, one spinner per step, in the bucket's region. */
export const apply: SetupStep = async (ctx, state) => {
  const plan = need(state, 'plan');
  const found = need(state, 'found');
  const basedOn = found.existence === 'yours' ? found.policyText : undefined;
  const s3 = await state.aws.s3(need(state, 'region'));
  state.s3 = s3;
  state.outcomes = plan.satisfied
    ? plan.steps.map((step) => ({ step, status: 'unchanged' as const }))
    : await applyWithSpinners(
        ctx,
        plan.steps,
        (step) => perform(s3, state.aws, plan, step, state.input, basedOn),
        {
          command: 'setup',
        },
      );
  return undefined;
};
