import type { PublicAccessBlock } from '../bucket-state.js';
import { defineCheck, deniedMessage, pass, warn } from './types.js';

export const publicAccessCheck = defineCheck({
  id: 'public-access',
  title: 'All four Block Public Access settings are on',
  reads: ['publicAccessBlock'],
  needsBucket: true,
  outcomes: {
    pass: 'all four settings are on',
    warn: 'a setting is off, none are configured on the bucket, or they could not be read',
  },
  judge({ bucket, reads: { publicAccessBlock } }) {
    if (publicAccessBlock.status === 'denied') {
      return warn('public-access', deniedMessage(bucket, publicAccessBlock.permission));
    }
    const pab = publicAccessBlock.status === 'ok' ? publicAccessBlock.value : undefined;
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
