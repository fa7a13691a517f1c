import { readBucketState } from '../../../aws/bucket-read.js';
import { runChecks } from '../../../core/checks.js';
import { showCheckResult } from '../../shared/steps/check.js';
import { need, type SetupStep } from '../state.js';

/** 8. Read the bucket again and judge it with verify's checks. */
export const check: SetupStep = async (ctx, state) => {
  const plan = need(state, 'plan');
  const after = await readBucketState(need(state, 's3'), plan.bucket, {
    owner: need(state, 'identity').account,
  });
  const checks = runChecks({
    state: after,
    expectedRegion: need(state, 'region'),
    principals: state.input.principals,
  });
  state.checks = checks;
  showCheckResult(ctx, checks);
  return undefined;
};
