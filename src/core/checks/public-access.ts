import { judgeRestrictPublicBuckets } from '../bucket-features.js';
import type { PublicAccessBlock } from '../bucket-state.js';
import { defineCheck, deniedMessage, fail, pass, warn } from './types.js';

/**
 * Block Public Access, and (folded in here rather than a check of its own, because it is about the same
 * setting) the one way it stops Prophecy: RestrictPublicBuckets on while a policy statement is public cuts
 * off every other account.
 */
export const publicAccessCheck = defineCheck({
  id: 'public-access',
  title: 'All four Block Public Access settings are on, and RestrictPublicBuckets does not cut Prophecy off',
  reads: ['publicAccessBlock', 'policy'],
  needsBucket: true,
  outcomes: {
    pass: 'all four settings are on',
    warn: 'a setting is off, none are configured on the bucket, or they could not be read',
    fail: "RestrictPublicBuckets is on while a policy statement is public: S3 then refuses every other account, Prophecy's included",
  },
  judge({ bucket, reads: { publicAccessBlock, policy } }) {
    if (publicAccessBlock.status === 'denied') {
      return warn('public-access', deniedMessage(bucket, publicAccessBlock.permission));
    }
    const pab = publicAccessBlock.status === 'ok' ? publicAccessBlock.value : undefined;
    const restrict = judgeRestrictPublicBuckets(pab, policy.status === 'ok' ? policy.value : undefined);
    if (restrict.status === 'fail') {
      return fail('public-access', restrict.message, { value: pab ?? null, ...(restrict.details as object) });
    }
    if (!pab) {
      return warn(
        'public-access',
        'the bucket has no Block Public Access configuration (account-level settings may still apply); turn all four on (re-run setup)',
        { value: null },
      );
    }
    const off = (Object.keys(pab) as (keyof PublicAccessBlock)[]).filter((k) => !pab[k]);
    if (off.length > 0) {
      return warn(
        'public-access',
        `Block Public Access is off for ${off.join(', ')}; turn all four on (re-run setup)`,
        { value: pab },
      );
    }
    return pass('public-access', 'all four Block Public Access settings are on', { value: pab });
  },
});
