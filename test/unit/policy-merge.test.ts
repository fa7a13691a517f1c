import { describe, expect, it } from 'vitest';
import { DEFAULT_PRINCIPALS, generatePolicy, type PolicyDocument } from '../../src/core/policy.js';
import { renderPolicyDiff, sameMeaning } from '../../src/core/policy-diff.js';
import { mergePolicy, parsePolicy } from '../../src/core/policy-merge.js';
import { CliError } from '../../src/errors.js';
import { vendorPolicyFor } from '../helpers/vendor-page.js';

const BUCKET = 'prophecy-customer-backend-events-acme';
const ROLE = DEFAULT_PRINCIPALS.datasyncRoleArn;
const USER = DEFAULT_PRINCIPALS.locationUserArn;

const denyInsecure = {
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
} as const;

const auditorRead = {
  Sid: 'AuditorRead',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::111122223333:role/Auditor' },
  Action: ['s3:GetObject'],
  Resource: `arn:aws:s3:::${BUCKET}/*`,
} as const;

function merge(doc: unknown) {
  return mergePolicy(typeof doc === 'string' ? doc : JSON.stringify(doc), BUCKET, DEFAULT_PRINCIPALS);
}

/** The vendor policy in the shape S3 hands back after storing it. */
function awsRewritten(): PolicyDocument {
  const p = vendorPolicyFor(BUCKET);
  const [ds, loc] = p.Statement as unknown as [Record<string, unknown>, Record<string, unknown>];
  return {
    Version: '2008-10-17',
    Statement: [
      // keys reordered, actions in another order and case, one-item arrays where the text had strings
      {
        Resource: [...(ds.Resource as string[])].reverse(),
        Action: [...(ds.Action as string[])].reverse().map((a, i) => (i % 2 ? a.toUpperCase() : a)),
        Principal: { AWS: [ROLE] },
        Effect: 'Allow',
        Sid: ds.Sid as string,
      },
      {
        Sid: loc.Sid as string,
        Effect: 'Allow',
        Principal: { AWS: [USER] },
        Action: ['s3:ListBucket'],
        Resource: [loc.Resource as string],
      },
    ],
  } as PolicyDocument;
}

describe('mergePolicy', () => {
  it('creates the vendor policy when the bucket has none', () => {
    const m = mergePolicy(undefined, BUCKET, DEFAULT_PRINCIPALS);
    expect(m.change).toBe('create');
    expect(m.merged).toStrictEqual(vendorPolicyFor(BUCKET));
    expect(JSON.parse(m.text)).toStrictEqual(vendorPolicyFor(BUCKET));
    expect(m.diff.map((d) => d.op)).toEqual(['+', '+']);
  });

  it('plans no change for the policy it wrote itself, and keeps the stored text', () => {
    const text = JSON.stringify(generatePolicy(BUCKET));
    const m = merge(text);
    expect(m.change).toBe('none');
    expect(m.text).toBe(text);
  });

  it('plans no change for the forms AWS rewrites a stored policy into', () => {
    const m = merge(awsRewritten());
    expect(m.change).toBe('none');
    expect(m.diff.every((d) => d.op === '=')).toBe(true);
  });

  it('treats an account id and arn:aws:iam::<id>:root as the same principal', () => {
    const a = {
      Effect: 'Allow',
      Principal: { AWS: '111122223333' },
      Action: 's3:GetObject',
      Resource: '*',
    } as const;
    const b = { ...a, Principal: { AWS: ['arn:aws:iam::111122223333:root'] } };
    expect(sameMeaning(a, b)).toBe(true);
    expect(sameMeaning(a, { ...a, Principal: { AWS: '444455556666' } })).toBe(false);
  });

  it('keeps a customer Deny of non-TLS access untouched and in place, and adds ours after it', () => {
    const m = merge({ Version: '2012-10-17', Statement: [denyInsecure] });
    expect(m.change).toBe('update');
    expect(m.merged.Statement[0]).toStrictEqual(denyInsecure);
    expect(m.merged.Statement.slice(1)).toStrictEqual(vendorPolicyFor(BUCKET).Statement);
    expect(m.merged.Version).toBe('2012-10-17');
    expect(m.diff.map((d) => [d.op, d.owner])).toEqual([
      ['=', 'customer'],
      ['+', 'prophecy'],
      ['+', 'prophecy'],
    ]);
  });

  it('replaces our statements where they stand and leaves the ones around them alone', () => {
    const stale = { ...vendorPolicyFor(BUCKET).Statement[0], Action: ['s3:GetObject'] };
    const current = { Version: '2008-10-17', Id: 'Policy1', Statement: [auditorRead, stale, denyInsecure] };
    const m = merge(current);
    expect(m.change).toBe('update');
    expect(m.merged.Id).toBe('Policy1');
    expect(m.merged.Statement[0]).toStrictEqual(auditorRead);
    expect(m.merged.Statement[1]).toStrictEqual(vendorPolicyFor(BUCKET).Statement[0]);
    expect(m.merged.Statement[2]).toStrictEqual(denyInsecure);
    expect(m.merged.Statement[3]).toStrictEqual(vendorPolicyFor(BUCKET).Statement[1]);
    const changed = m.diff.find((d) => d.op === '~');
    expect(changed?.changes).toEqual([
      expect.stringMatching(/^Action: \+ s3:GetBucketLocation, \+ s3:ListBucket/),
    ]);
  });

  it('keeps Version 2012-10-17 and turns a missing Version into the vendor one only when something changes', () => {
    const noVersion = { Statement: generatePolicy(BUCKET).Statement };
    expect(merge(noVersion).change).toBe('none');
    const withForeign = merge({ Statement: [auditorRead] });
    expect(withForeign.merged.Version).toBe('2008-10-17');
  });

  it('updates our statement when AWS rewrote its principal into a unique id (the role was deleted)', () => {
    const p = vendorPolicyFor(BUCKET);
    const deleted = {
      ...p,
      Statement: [{ ...p.Statement[0], Principal: { AWS: 'AROAZZZZZZZZZZZZZZZZZ' } }, p.Statement[1]],
    };
    const m = merge(deleted);
    expect(m.change).toBe('update');
    expect(m.merged).toStrictEqual(p);
    expect(m.notes.join('\n')).toMatch(
      /AROAZZZZZZZZZZZZZZZZZ, an IAM unique id: the role or user it granted was deleted/,
    );
    const lines = renderPolicyDiff(m.diff).join('\n');
    expect(lines).toMatch(/~ change "DataSyncCreateS3LocationAndTaskAccess"/);
    expect(lines).toMatch(
      /Principal: - AROAZZZZZZZZZZZZZZZZZ \(an IAM unique id.*\+ arn:aws:iam::133450206866:role\//,
    );
  });

  it('leaves a customer statement naming a unique id alone: it is theirs to fix', () => {
    const foreign = { ...auditorRead, Principal: { AWS: 'AROAYYYYYYYYYYYYYYYYY' } };
    const m = merge({ Version: '2008-10-17', Statement: [foreign, ...generatePolicy(BUCKET).Statement] });
    expect(m.change).toBe('none');
  });

  it('uses overridden principals and updates a statement that names the default ones', () => {
    const other = { datasyncRoleArn: 'arn:aws:iam::111122223333:role/Other', locationUserArn: USER };
    const m = mergePolicy(JSON.stringify(generatePolicy(BUCKET)), BUCKET, other);
    expect(m.change).toBe('update');
    expect(m.merged.Statement[0]?.Principal).toEqual({ AWS: other.datasyncRoleArn });
    expect(m.diff.map((d) => d.op)).toEqual(['~', '=']);
  });

  it('accepts a lone statement object instead of a Statement array', () => {
    const m = merge({ Version: '2012-10-17', Statement: denyInsecure });
    expect(m.merged.Statement).toHaveLength(3);
    expect(m.merged.Statement[0]).toStrictEqual(denyInsecure);
  });

  it('keeps the first of duplicated Sids of ours and says so', () => {
    const p = vendorPolicyFor(BUCKET);
    const m = merge({ ...p, Statement: [...p.Statement, p.Statement[1]] });
    expect(m.change).toBe('update');
    expect(m.merged.Statement).toStrictEqual(p.Statement);
    expect(m.notes.join(' ')).toMatch(/twice/);
  });

  it.each([
    ['not JSON', '{"Version": "2012-10-17", "Statement": ['],
    ['not an object', '[]'],
    ['without statements', '{"Version":"2012-10-17"}'],
    ['with a bad Effect', '{"Statement":[{"Effect":"Maybe","Action":"s3:*"}]}'],
  ])('refuses a policy %s and never overwrites it', (_label, text) => {
    expect(() => mergePolicy(text, BUCKET, DEFAULT_PRINCIPALS)).toThrow(CliError);
    expect(() => parsePolicy(text)).toThrow(/setup cannot read .*; setup will not overwrite it/);
  });
});

describe('renderPolicyDiff', () => {
  it('shows one line per statement, whose it is, and what each will do', () => {
    const m = merge({ Version: '2012-10-17', Statement: [denyInsecure] });
    const lines = renderPolicyDiff(m.diff);
    expect(lines[0]).toBe(
      `= keep "DenyInsecureTransport" (yours): Deny *: s3:* on arn:aws:s3:::${BUCKET}, arn:aws:s3:::${BUCKET}/* when Bool aws:SecureTransport = false`,
    );
    expect(lines[1]).toMatch(
      /^\+ add "DataSyncCreateS3LocationAndTaskAccess" \(Prophecy's\): Allow arn:aws:iam::133450206866:role\/.*and 7 more on/,
    );
    expect(lines[2]).toBe(
      `+ add "DataSyncCreateS3Location" (Prophecy's): Allow ${USER}: s3:ListBucket on arn:aws:s3:::${BUCKET}`,
    );
  });
});
