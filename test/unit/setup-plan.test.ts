import { describe, expect, it } from 'vitest';
import type { BucketState } from '../../src/core/bucket-state.js';
import { DEFAULT_PRINCIPALS, generatePolicy } from '../../src/core/policy.js';
import { ALL_BLOCKED, planSetup } from '../../src/core/setup-plan.js';

const BUCKET = 'prophecy-customer-backend-events-acme';
const ACCOUNT = '123456789012';

function plan(state: Partial<BucketState>, region = 'us-east-1') {
  return planSetup({
    bucket: BUCKET,
    region,
    account: ACCOUNT,
    principals: DEFAULT_PRINCIPALS,
    state: { bucket: BUCKET, existence: 'yours', denied: [], ...state },
  });
}

const finished: Partial<BucketState> = {
  region: 'us-east-1',
  objectOwnership: 'BucketOwnerEnforced',
  publicAccessBlock: ALL_BLOCKED,
  policyText: JSON.stringify(generatePolicy(BUCKET)),
  hasObjects: false,
};

const changes = (p: ReturnType<typeof plan>) => p.steps.map((s) => `${s.id}:${s.change}`);

describe('planSetup', () => {
  it('creates everything for a bucket that does not exist', () => {
    const p = plan({ existence: 'not-found' });
    expect(changes(p)).toEqual([
      'create-bucket:create',
      'ownership:none',
      'public-access-block:create',
      'policy:create',
    ]);
    expect(p.steps[0].detail).toBe('create it in us-east-1 with Object Ownership BucketOwnerEnforced');
    expect(p.steps[3].policy).toStrictEqual(generatePolicy(BUCKET));
    expect(p.satisfied).toBe(false);
    expect(p.warnings).toEqual([]);
    expect(p.bucketArn).toBe(`arn:aws:s3:::${BUCKET}`);
  });

  it('plans no change anywhere for a finished bucket', () => {
    const p = plan(finished);
    expect(changes(p)).toEqual([
      'create-bucket:none',
      'ownership:none',
      'public-access-block:none',
      'policy:none',
    ]);
    expect(p.satisfied).toBe(true);
  });

  it('fixes ObjectWriter ownership and missing ownership controls', () => {
    expect(plan({ ...finished, objectOwnership: 'ObjectWriter' }).steps[1]).toMatchObject({
      change: 'update',
      detail: 'ObjectWriter → BucketOwnerEnforced',
    });
    expect(plan({ ...finished, objectOwnership: undefined }).steps[1]).toMatchObject({
      change: 'update',
      detail: expect.stringMatching(/^not set/),
    });
  });

  it('turns on the Block Public Access settings that are off, with a note', () => {
    const step = plan({ ...finished, publicAccessBlock: { ...ALL_BLOCKED, BlockPublicPolicy: false } })
      .steps[2];
    expect(step).toMatchObject({ change: 'update', detail: 'turn on BlockPublicPolicy' });
    expect(step.notes[0]).toMatch(/stops working/);
    expect(plan({ ...finished, publicAccessBlock: undefined }).steps[2].change).toBe('create');
  });

  it('warns about a non-empty bucket and a non-default region', () => {
    expect(plan({ ...finished, hasObjects: true }).warnings[0]).toMatch(/is not empty/);
    const eu = plan({ existence: 'not-found' }, 'eu-west-1');
    expect(eu.steps[0].detail).toMatch(/in eu-west-1/);
    expect(eu.warnings[0]).toMatch(/^Region eu-west-1: Prophecy recommends us-east-1/);
  });

  it('refuses a bucket of another account', () => {
    expect(() => plan({ existence: 'exists-not-yours' })).toThrow(
      `The bucket name ${BUCKET} is taken: it exists in another AWS account.`,
    );
  });

  it('refuses an existing bucket in another region than asked', () => {
    expect(() => plan({ ...finished, region: 'eu-west-1' })).toThrow(
      /already exists in eu-west-1, not in us-east-1/,
    );
  });

  it('refuses to plan a policy it could not read', () => {
    expect(() => plan({ ...finished, policyText: undefined, denied: ['s3:GetBucketPolicy'] })).toThrow(
      /will not overwrite a policy it cannot see/,
    );
  });

  it('refuses a policy it cannot parse', () => {
    expect(() => plan({ ...finished, policyText: 'not json' })).toThrow(/setup will not overwrite it/);
  });
});
