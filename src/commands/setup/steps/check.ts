import { performReads } from '../../../aws/bucket-read.js';
import { ORGANIZATION_GUARDRAILS_NOTE } from '../../../core/bucket-features.js';
import { judgeChecks, readsOf, selectChecks } from '../../../core/checks.js';
import { showCheckResult } from '../../shared/steps/check.js';
import { need, type SetupStep } from '../state.js';
import { checkOptions } from './inspect.js';

/** 9. Read the bucket again with verify's reads (the same read table) and judge it with verify's checks. */
export const check: SetupStep = async (ctx, state) => {
  const options = checkOptions(state);
  const reads = await performReads(readsOf(selectChecks(options)), {
    s3: need(state, 's3'),
    bucket: options.bucket,
    owner: need(state, 'identity').account,
    aws: state.aws,
  });
  const checks = judgeChecks(reads, { ...options, now: new Date(ctx.now()) });
  state.checks = checks;
  showCheckResult(ctx, checks, [ORGANIZATION_GUARDRAILS_NOTE]);
  return undefined;
};
