import { defineCheck, deniedMessage, fail, pass } from './types.js';

export const ownershipCheck = defineCheck({
  id: 'ownership',
  title: 'Object Ownership is BucketOwnerEnforced (ACLs disabled)',
  reads: ['ownership'],
  needsBucket: true,
  outcomes: {
    pass: 'BucketOwnerEnforced: every object Prophecy writes belongs to you',
    fail: 'another setting or none (ACLs enabled), or the setting could not be read',
  },
  judge({ bucket, reads: { ownership } }) {
    if (ownership.status === 'denied') return fail('ownership', deniedMessage(bucket, ownership.permission));
    const o = ownership.status === 'ok' ? ownership.value : undefined;
    if (o === 'BucketOwnerEnforced')
      return pass('ownership', 'BucketOwnerEnforced (ACLs disabled)', { value: o });
    if (o === undefined) {
      return fail(
        'ownership',
        'no Object Ownership setting (ACLs enabled); set it to BucketOwnerEnforced (re-run setup)',
        { value: null },
      );
    }
    return fail(
      'ownership',
      `Object Ownership is ${o} (ACLs enabled); set it to BucketOwnerEnforced (re-run setup)`,
      { value: o },
    );
  },
});
