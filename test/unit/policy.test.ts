import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRINCIPALS,
  generatePolicy,
  renderPolicy,
  requiredPermissions,
} from '../../src/core/policy.js';
import { vendorPagePolicy, vendorPolicyFor } from '../helpers/vendor-page.js';

describe('generatePolicy', () => {
  it('is the vendor page policy with the bucket substituted', () => {
    const page = vendorPolicyFor('prophecy-customer-backend-events-acme');
    expect(generatePolicy('prophecy-customer-backend-events-acme')).toStrictEqual(page);
  });

  it('keeps the vendor text byte-for-byte in key and action order', () => {
    const ours = JSON.stringify(generatePolicy('prophecy-customer-backend-events-xyz'));
    expect(ours).toBe(JSON.stringify(vendorPagePolicy()));
  });

  it('substitutes overridden principals', () => {
    const p = generatePolicy('b', {
      datasyncRoleArn: 'arn:aws:iam::111122223333:role/Other',
      locationUserArn: 'arn:aws:iam::111122223333:user/other',
    });
    expect(p.Statement[0]?.Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:role/Other' });
    expect(p.Statement[1]?.Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:user/other' });
  });

  it('renders with two-space indent and a trailing newline', () => {
    const text = renderPolicy(generatePolicy('b'));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "Version": "2008-10-17",');
  });
});

describe('requiredPermissions', () => {
  const bucket = 'prophecy-customer-backend-events-acme';
  const set = requiredPermissions(bucket);

  it('has one triple per action per principal (10 + 1)', () => {
    expect(set).toHaveLength(11);
    expect(set.filter((p) => p.principal === DEFAULT_PRINCIPALS.locationUserArn)).toEqual([
      {
        sid: 'DataSyncCreateS3Location',
        principal: DEFAULT_PRINCIPALS.locationUserArn,
        action: 's3:ListBucket',
        resource: `arn:aws:s3:::${bucket}`,
      },
    ]);
  });

  it('checks bucket-level actions on the bucket ARN and object actions on bucket/*', () => {
    const byAction = new Map(
      set
        .filter((p) => p.principal === DEFAULT_PRINCIPALS.datasyncRoleArn)
        .map((p) => [p.action, p.resource]),
    );
    expect(byAction.get('s3:ListBucket')).toBe(`arn:aws:s3:::${bucket}`);
    expect(byAction.get('s3:GetBucketLocation')).toBe(`arn:aws:s3:::${bucket}`);
    expect(byAction.get('s3:ListBucketMultipartUploads')).toBe(`arn:aws:s3:::${bucket}`);
    expect(byAction.get('s3:PutObject')).toBe(`arn:aws:s3:::${bucket}/*`);
    expect(byAction.get('s3:DeleteObject')).toBe(`arn:aws:s3:::${bucket}/*`);
  });

  it('covers exactly the actions the generated policy grants, per principal', () => {
    const policy = generatePolicy(bucket);
    for (const st of policy.Statement) {
      const principal = (st.Principal as { AWS: string }).AWS;
      const actions = ([] as string[]).concat(st.Action ?? []);
      expect(set.filter((p) => p.principal === principal).map((p) => p.action)).toEqual(actions);
    }
  });
});
