import { DEFAULT_REGION, NON_DEFAULT_REGION_NOTE } from '../vendor.js';
import { defineCheck, deniedMessage, fail, pass, warn } from './types.js';

export const regionCheck = defineCheck({
  id: 'region',
  title: 'The bucket is in the expected region',
  reads: ['location'],
  needsBucket: true,
  outcomes: {
    pass: `the bucket is in the expected region, ${DEFAULT_REGION}`,
    warn: `the bucket is in the expected region, but that is not ${DEFAULT_REGION} (Prophecy needs extra configuration)`,
    fail: 'another region than --region (default us-east-1), or the location could not be read',
  },
  judge({ bucket, expectedRegion: expected, reads: { location } }) {
    if (location.status === 'denied') return fail('region', deniedMessage(bucket, location.permission));
    const actual = location.status === 'ok' ? location.value : undefined;
    if (!actual) return fail('region', 'the bucket did not report its region');
    const details = { actual, expected };
    if (actual !== expected) {
      return fail(
        'region',
        `the bucket is in ${actual}, expected ${expected} (pass --region ${actual} if that is intended)`,
        details,
      );
    }
    if (actual !== DEFAULT_REGION) return warn('region', `${actual}: ${NON_DEFAULT_REGION_NOTE}`, details);
    return pass('region', actual, details);
  },
});
