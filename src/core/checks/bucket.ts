import { defineCheck, fail, pass } from './types.js';

export const bucketCheck = defineCheck({
  id: 'bucket',
  title: 'The bucket exists and is in your account',
  reads: ['head'],
  needsBucket: false,
  outcomes: {
    pass: 'HeadBucket answered: the bucket exists and is reachable',
    fail: 'the bucket does not exist, HeadBucket was refused (403), or it belongs to another account; the remaining bucket checks are skipped',
  },
  judge({ bucket: b, reads }) {
    if (reads.head.status !== 'ok')
      return fail(
        'bucket',
        `${b} exists but HeadBucket was refused (403): not yours or no s3:ListBucket for your identity`,
      );
    switch (reads.head.value) {
      case 'yours':
        return pass('bucket', `${b} exists and is reachable`);
      case 'not-found':
        return fail('bucket', `${b} does not exist; create it with \`prophecy-audit setup\``);
      case 'forbidden':
        return fail(
          'bucket',
          `${b} exists but HeadBucket was refused (403): not yours or no s3:ListBucket for your identity`,
        );
      case 'exists-not-yours':
        return fail('bucket', `${b} exists but belongs to another AWS account`);
    }
  },
});
