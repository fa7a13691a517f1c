import { checkBucketName } from '../bucket-name.js';
import { defineCheck, fail, pass, warn } from './types.js';

export const nameCheck = defineCheck({
  id: 'name',
  title: 'The name follows `prophecy-customer-backend-events-<suffix>`',
  reads: [],
  needsBucket: false,
  outcomes: {
    pass: 'the name follows the vendor pattern',
    warn: 'a valid S3 name that Prophecy does not expect (e.g. without the vendor prefix)',
    fail: 'not a valid S3 bucket name',
  },
  judge({ bucket }) {
    const r = checkBucketName(bucket);
    if (!r.ok) return fail('name', r.message);
    if (r.warnings.length > 0) return warn('name', r.warnings.join(' '));
    return pass('name', 'follows prophecy-customer-backend-events-<suffix>');
  },
});
