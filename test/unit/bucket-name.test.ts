import { describe, expect, it } from 'vitest';
import { checkBucketName, checkSuffix, MAX_SUFFIX } from '../../src/core/bucket-name.js';

describe('checkSuffix', () => {
  it('accepts a plain suffix and builds the vendor name', () => {
    expect(checkSuffix('acme')).toEqual({
      ok: true,
      bucket: 'prophecy-customer-backend-events-acme',
      warnings: [],
    });
  });

  it('allows exactly 30 characters (63 - 33) and no more', () => {
    expect(MAX_SUFFIX).toBe(30);
    expect(checkSuffix('a'.repeat(30)).ok).toBe(true);
    const long = checkSuffix('a'.repeat(31));
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.message).toMatch(/31 characters; at most 30/);
  });

  it.each([
    ['', 'length', /must not be empty/],
    ['Acme', 'lowercase', /lowercase/],
    ['acme_corp', 'charset', /"_" is not allowed/],
    ['a.b', 'no-dots', /TLS/],
    ['x-', 'no-trailing-hyphen', /hyphen/],
    ['data-s3alias', 'reserved-suffix', /-s3alias/],
    ['data--ol-s3', 'reserved-suffix', /--ol-s3/],
    ['data--x-s3', 'reserved-suffix', /--x-s3/],
    ['data--table-s3', 'reserved-suffix', /--table-s3/],
    ['a b', 'charset', /" " is not allowed/],
  ])('rejects %j by rule %s', (suffix, rule, message) => {
    const r = checkSuffix(suffix);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.rule).toBe(rule);
      expect(r.message).toMatch(message);
    }
  });

  it('allows a suffix starting with a hyphen or digit (the prefix already starts the name)', () => {
    expect(checkSuffix('-acme').ok).toBe(true);
    expect(checkSuffix('2026').ok).toBe(true);
  });
});

describe('checkBucketName', () => {
  it('accepts a vendor name without warnings', () => {
    expect(checkBucketName('prophecy-customer-backend-events-acme')).toEqual({
      ok: true,
      bucket: 'prophecy-customer-backend-events-acme',
      warnings: [],
    });
  });

  it('accepts another name with a warning about the prefix', () => {
    const r = checkBucketName('acme-audit-logs');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.warnings[0]).toMatch(/does not start with "prophecy-customer-backend-events-"/);
  });

  it.each([
    ['ab', 'length'],
    ['a'.repeat(64), 'length'],
    ['-abc', 'start'],
    ['my.bucket', 'no-dots'],
    ['MyBucket', 'lowercase'],
    ['xn--abc', 'reserved-prefix'],
    ['sthree-abc', 'reserved-prefix'],
    ['abc-', 'no-trailing-hyphen'],
    ['abc-s3alias', 'reserved-suffix'],
  ])('rejects %j by rule %s', (name, rule) => {
    const r = checkBucketName(name);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.rule).toBe(rule);
  });
});
