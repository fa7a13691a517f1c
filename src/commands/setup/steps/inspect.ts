import { performReads } from '../../../aws/bucket-read.js';
import { judgeChecks, readsFromState, readsOf, selectChecks } from '../../../core/checks.js';
import { keyToDescribe } from '../../../core/kms.js';
import type { KeyPolicyInput } from '../../../core/setup-plan.js';
import { startStep } from '../../../ui/progress.js';
import { need, type SetupState, type SetupStep } from '../state.js';

/** The options verify's checks run with for this setup. */
export function checkOptions(state: SetupState) {
  return {
    bucket: need(state, 'bucket'),
    expectedRegion: need(state, 'region'),
    principals: state.input.principals,
  };
}

/**
 * 5. For an existing bucket of yours: verify's reads (the same ones, through the same read table), so the plan
 * can show what verify's checks say about the settings setup does not change — default encryption and its
 * KMS key, Requester Pays, versioning — before anything is changed.
 */
export const inspect: SetupStep = async (ctx, state) => {
  if (need(state, 'found').existence !== 'yours') return undefined;
  const options = checkOptions(state);
  const step = await startStep(`Reading the settings of ${options.bucket}`, ctx.stderr);
  try {
    const s3 = await state.aws.s3(options.expectedRegion);
    // The look already read location, ownership, Block Public Access and the policy: only the rest is read
    // here, so the policy the plan merges into is read once (and re-read only right before the write).
    const fromLook = readsFromState(need(state, 'found'));
    const more = await performReads(
      readsOf(selectChecks(options)).filter((k) => !(k in fromLook)),
      { s3, bucket: options.bucket, owner: need(state, 'identity').account, aws: state.aws },
    );
    const reads = { ...fromLook, ...more };
    state.findings = judgeChecks(reads, { ...options, now: new Date(ctx.now()) });
    const policy = reads.kmsKeyPolicy;
    const key = reads.kmsKey;
    const enc = reads.encryption;
    const arn = enc?.status === 'ok' ? keyToDescribe(enc.value) : undefined;
    const customer =
      key?.status === 'ok' &&
      key.value !== null &&
      'key' in key.value &&
      key.value.key.KeyManager !== 'AWS' &&
      (key.value.key.KeyState ?? 'Enabled') === 'Enabled';
    if (arn && customer && policy?.status === 'ok' && policy.value) {
      const consent: KeyPolicyInput['consent'] = state.input.updateKeyPolicy
        ? 'given'
        : state.input.interactive && !state.input.yes && !state.input.dryRun
          ? 'ask'
          : 'manual';
      state.keyPolicy = { keyArn: arn, policyText: policy.value.policy, consent };
    }
    step.succeed(`Read the settings of ${options.bucket}`);
  } catch (e) {
    step.fail(`Could not read the settings of ${options.bucket}`);
    throw e;
  }
  return undefined;
};
