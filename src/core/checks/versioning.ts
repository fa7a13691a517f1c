import { judgeVersioning } from '../bucket-features.js';
import { asResult, unreadable } from './encryption.js';
import { defineCheck } from './types.js';

export const versioningCheck = defineCheck({
  id: 'versioning',
  title: 'Versioning and Object Lock, and what they mean for DataSync',
  reads: ['versioning', 'objectLock'],
  needsBucket: true,
  outcomes: {
    pass: 'versioning and Object Lock are off',
    warn: 'versioning is on or suspended (every overwrite keeps a version, deletes leave delete markers, all billed), Object Lock is on (locked versions cannot be overwritten or deleted), or a setting could not be read',
  },
  judge({ reads: { versioning: v, objectLock: l } }) {
    if (v.status === 'missing' && l.status === 'missing') return undefined;
    return asResult(
      'versioning',
      judgeVersioning({
        versioning: v.status === 'ok' ? v.value : unreadable(v),
        objectLock: l.status === 'ok' ? l.value : unreadable(l),
      }),
    );
  },
});
