import { describe, expect, it } from 'vitest';
import { bucketCheck } from '../../src/core/checks/bucket.js';
import { freshnessCheck } from '../../src/core/checks/freshness.js';
import { ownershipCheck } from '../../src/core/checks/ownership.js';
import { regionCheck } from '../../src/core/checks/region.js';
import { DEFAULT_PRINCIPALS } from '../../src/core/policy.js';

/*
 * Each check's judge on its own, with only the reads it declares: the shape of the test a new check brings.
 * (test/unit/checks.test.ts covers every check's messages through runChecks.)
 */

const base = {
  bucket: 'prophecy-customer-backend-events-acme',
  expectedRegion: 'us-east-1',
  principals: DEFAULT_PRINCIPALS,
  now: new Date('2026-11-25T12:00:00Z'),
};

describe('judges', () => {
  it('bucket: HeadBucket found it in your account → pass; not found → fail', () => {
    expect(bucketCheck.judge({ ...base, reads: { head: { status: 'ok', value: 'yours' } } })?.status).toBe(
      'pass',
    );
    expect(bucketCheck.judge({ ...base, reads: { head: { status: 'ok', value: 'not-found' } } })).toEqual({
      id: 'bucket',
      status: 'fail',
      message: `${base.bucket} does not exist; create it with \`prophecy-audit setup\``,
    });
  });

  it('region: a refused read fails naming the permission; an unread one says so', () => {
    const denied = regionCheck.judge({
      ...base,
      reads: { location: { status: 'denied', permission: 's3:GetBucketLocation' } },
    });
    expect(denied).toMatchObject({ id: 'region', status: 'fail' });
    expect(denied?.message).toContain(
      'your identity needs s3:GetBucketLocation on prophecy-customer-backend',
    );
    expect(regionCheck.judge({ ...base, reads: { location: { status: 'missing' } } })?.message).toBe(
      'the bucket did not report its region',
    );
  });

  it('ownership: no setting is a fail with value null in the details', () => {
    expect(
      ownershipCheck.judge({ ...base, reads: { ownership: { status: 'ok', value: undefined } } }),
    ).toMatchObject({
      status: 'fail',
      details: { value: null },
    });
  });

  it('freshness: applies only with a max age, and is left out when the listing was not made', () => {
    expect(freshnessCheck.applies?.(base)).toBe(false);
    expect(freshnessCheck.applies?.({ ...base, maxAgeMs: 1000 })).toBe(true);
    expect(
      freshnessCheck.judge({ ...base, maxAgeMs: 1000, reads: { newest: { status: 'missing' } } }),
    ).toBeUndefined();
    expect(
      freshnessCheck.judge({ ...base, maxAgeMs: 1000, reads: { newest: { status: 'ok', value: null } } })
        ?.status,
    ).toBe('fail');
  });
});
