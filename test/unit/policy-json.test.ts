import { describe, expect, it } from 'vitest';
import type { BucketState } from '../../src/core/bucket-state.js';
import { DEFAULT_PRINCIPALS } from '../../src/core/policy.js';
import {
  assertPolicyFits,
  MAX_BUCKET_POLICY_BYTES,
  parsePolicyJson,
  policyJson,
  policySize,
} from '../../src/core/policy-json.js';
import { mergePolicy } from '../../src/core/policy-merge.js';
import { ALL_BLOCKED, planSetup } from '../../src/core/setup-plan.js';
import { CliError } from '../../src/errors.js';

const BUCKET = 'prophecy-customer-backend-events-acme';

// A customer statement whose numbers a double cannot hold: 2^53 + 1, a 20-digit id, a long fraction.
const customerText = `{"Version":"2012-10-17","Statement":[{"Sid":"CustomerLimit","Effect":"Deny","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::${BUCKET}","Condition":{"NumericGreaterThan":{"s3:max-keys":9007199254740993},"NumericEquals":{"aws:MultiFactorAuthAge":[12345678901234567890,0.12345678901234567890123]}}}]}`;

describe('lossless policy numbers', () => {
  it('parse and re-serialize keep every digit', () => {
    expect(policyJson(parsePolicyJson(customerText))).toBe(customerText);
    expect(parsePolicyJson('{"a":1,"b":[2.5,"x"]}')).toEqual({ a: 1, b: [2.5, 'x'] });
  });

  it('a merge keeps an integer above 2^53 in a customer Condition exactly', () => {
    const m = mergePolicy(customerText, BUCKET, DEFAULT_PRINCIPALS);
    expect(m.change).toBe('update');
    expect(m.text).toContain('"s3:max-keys":9007199254740993');
    expect(m.text).toContain('[12345678901234567890,0.12345678901234567890123]');
    expect(m.text).not.toContain('9007199254740992');
    // The statement is carried over as it was, not rewritten.
    const again = mergePolicy(m.text, BUCKET, DEFAULT_PRINCIPALS);
    expect(again.change).toBe('none');
    expect(again.text).toBe(m.text);
  });

  it('bad JSON is still refused rather than overwritten', () => {
    expect(() => mergePolicy('{"Statement":', BUCKET, DEFAULT_PRINCIPALS)).toThrow(CliError);
  });
});

describe('the 20 KB bucket policy limit', () => {
  it('counts UTF-8 bytes', () => {
    expect(policySize('é')).toEqual({ bytes: 2, fits: true });
    expect(policySize('x'.repeat(MAX_BUCKET_POLICY_BYTES)).fits).toBe(true);
    expect(policySize('x'.repeat(MAX_BUCKET_POLICY_BYTES + 1)).fits).toBe(false);
  });

  it('an oversized merge stops the plan before any step, naming the sizes', () => {
    // A customer policy S3 accepts, with too little room left for Prophecy's two statements.
    const statements: unknown[] = [];
    const textOf = () => JSON.stringify({ Version: '2012-10-17', Statement: statements });
    for (let i = 0; policySize(textOf()).bytes < MAX_BUCKET_POLICY_BYTES - 300; i++) {
      statements.push({
        Sid: `Customer${i}`,
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::111122223333:role/Reader${i}` },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/team-${i}/*`,
      });
    }
    const text = textOf();
    expect(policySize(text).fits).toBe(true);
    const state: BucketState = {
      bucket: BUCKET,
      existence: 'yours',
      denied: [],
      region: 'us-east-1',
      objectOwnership: 'ObjectWriter',
      publicAccessBlock: ALL_BLOCKED,
      policyText: text,
      hasObjects: false,
    };
    const run = () =>
      planSetup({
        bucket: BUCKET,
        region: 'us-east-1',
        account: '123456789012',
        principals: DEFAULT_PRINCIPALS,
        state,
      });
    expect(run).toThrow(CliError);
    expect(run).toThrow(/would be [\d,]+ bytes; S3 accepts at most 20,480 bytes/);
    expect(() => assertPolicyFits(text, BUCKET)).not.toThrow();
  });
});
