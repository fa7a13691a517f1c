import { describe, expect, it } from 'vitest';
import {
  judgeRequestPayment,
  judgeRestrictPublicBuckets,
  judgeVersioning,
  ORGANIZATION_GUARDRAILS_NOTE,
} from '../../src/core/bucket-features.js';
import type { PublicAccessBlock } from '../../src/core/bucket-state.js';
import { generatePolicy, objectsArn } from '../../src/core/policy.js';

const BUCKET = 'prophecy-customer-backend-events-acme';

describe('judgeRequestPayment', () => {
  it.each([
    ['Requester', 'fail', /Requester Pays is on.*x-amz-request-payer/],
    ['BucketOwner', 'pass', /owner pays/],
    [undefined, 'pass', /owner pays/],
    [{ unreadable: 'AccessDenied' }, 'warn', /s3:GetBucketRequestPayment/],
  ] as const)('%o → %s', (payer, status, message) => {
    const r = judgeRequestPayment(payer);
    expect([r.status, r.message]).toEqual([status, expect.stringMatching(message)]);
  });
});

describe('judgeVersioning', () => {
  it.each([
    ['never enabled', {}, 'pass', /off/],
    ['enabled', { versioning: 'Enabled' }, 'warn', /old version.*delete marker/],
    ['suspended', { versioning: 'Suspended' }, 'warn', /suspended/],
    [
      'Object Lock with retention',
      { versioning: 'Enabled', objectLock: { enabled: true, mode: 'COMPLIANCE', days: 30 } },
      'warn',
      /COMPLIANCE retention for 30 days: DataSync cannot overwrite or delete locked versions/,
    ],
    [
      'Object Lock without retention',
      { objectLock: { enabled: true } },
      'warn',
      /without a default retention/,
    ],
    ['unreadable', { versioning: { unreadable: 'AccessDenied' } }, 'warn', /s3:GetBucketVersioning/],
  ] as const)('%s', (_name, input, status, message) => {
    const r = judgeVersioning(input);
    expect([r.status, r.message]).toEqual([status, expect.stringMatching(message)]);
  });
});

describe('judgeRestrictPublicBuckets', () => {
  const allOn: PublicAccessBlock = {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  };
  const vendor = JSON.stringify(generatePolicy(BUCKET));
  const publicToo = (() => {
    const p = generatePolicy(BUCKET) as { Statement: unknown[] };
    p.Statement.push({
      Sid: 'Open',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: objectsArn(BUCKET),
    });
    return JSON.stringify(p);
  })();

  it.each([
    ['on, vendor policy only', allOn, vendor, 'pass'],
    ['on, no policy', allOn, undefined, 'pass'],
    ['on, a public statement', allOn, publicToo, 'fail'],
    ['off, a public statement', { ...allOn, RestrictPublicBuckets: false }, publicToo, 'pass'],
    ['no configuration, a public statement', undefined, publicToo, 'pass'],
    ['on, an unreadable policy', allOn, '{', 'warn'],
  ] as const)('%s → %s', (_name, pab, policy, status) => {
    expect(judgeRestrictPublicBuckets(pab, policy).status).toBe(status);
  });

  it('names the public statement and says Prophecy is cut off', () => {
    expect(judgeRestrictPublicBuckets(allOn, publicToo).message).toMatch(
      /RestrictPublicBuckets is on while statement "Open" \(Principal "\*"\).*Prophecy's included/,
    );
  });
});

it('the organization note names SCPs, RCPs and Prophecy’s account', () => {
  expect(ORGANIZATION_GUARDRAILS_NOTE).toMatch(/SCPs.*RCPs.*133450206866/);
});
