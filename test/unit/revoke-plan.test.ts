import { describe, expect, it } from 'vitest';
import { DEFAULT_PRINCIPALS, generatePolicy, vendorStatements } from '../../src/core/policy.js';
import { renderPolicyDiff } from '../../src/core/policy-diff.js';
import { removeStatementEntries, statementSpans } from '../../src/core/policy-text.js';
import {
  checkRevoked,
  isRevoked,
  type KeyPolicyInput,
  planRevoke,
  type RevokeInput,
  RevokeInputError,
  revokePlanJson,
} from '../../src/core/revoke-plan.js';
import { DATASYNC_SID, KMS_SID, LOCATION_SID, VENDOR_ACCOUNT_ID } from '../../src/core/vendor.js';
import { revokePlanDocument, revokePlanSchema } from '../../src/schemas/revoke.js';

const BUCKET = 'prophecy-customer-backend-events-acme';
const ROLE = DEFAULT_PRINCIPALS.datasyncRoleArn;
const USER = DEFAULT_PRINCIPALS.locationUserArn;
const ROOT = `arn:aws:iam::${VENDOR_ACCOUNT_ID}:root`;
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const [ds, loc] = vendorStatements(BUCKET) as [object, object];

const denyInsecure = {
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};

const auditorRead = {
  Sid: 'AuditorRead',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::111122223333:role/Auditor' },
  Action: ['s3:GetObject'],
  Resource: `arn:aws:s3:::${BUCKET}/*`,
};

/** No Sid, and a number JSON.parse would respell (10.50 → 10.5): the text must keep it as written. */
const noSidListing = {
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::111122223333:root' },
  Action: 's3:ListBucket',
  Resource: `arn:aws:s3:::${BUCKET}`,
  Condition: { NumericLessThanEquals: { 's3:max-keys': '__NUM__' } },
};

/** A policy text laid out by hand (4-space statements, odd spacing), as a customer may have written it. */
function handText(
  statements: object[],
  head = '"Version": "2012-10-17",\n  "Id": "CustomerPolicy",',
): string {
  const body = statements
    .map((s) => JSON.stringify(s, null, 4).replace('"__NUM__"', '10.50'))
    .join(' ,\n    ');
  return `{\n  ${head}\n  "Statement" : [\n    ${body}\n  ]\n}\n`;
}

function plan(policyText: string | null, extra: Partial<RevokeInput> = {}) {
  return planRevoke({ bucket: BUCKET, policyText, principals: DEFAULT_PRINCIPALS, ...extra });
}

const bucketStep = (p: ReturnType<typeof plan>) => {
  const s = p.steps[0];
  if (s?.id !== 'bucket-policy') throw new Error('no bucket-policy step');
  return s;
};

describe('planRevoke: the bucket-policy step', () => {
  const cases: Array<{
    name: string;
    text: string | null;
    change: 'update' | 'delete' | 'none';
    api: string | null;
    before: (string | null)[];
    after: (string | null)[];
    /** The exact text after the step, when it is known up front. */
    expectText?: string | null;
  }> = [
    { name: 'no policy', text: null, change: 'none', api: null, before: [], after: [], expectText: null },
    {
      name: 'an empty policy text',
      text: '  ',
      change: 'none',
      api: null,
      before: [],
      after: [],
      expectText: null,
    },
    {
      name: 'only the vendor statements (as setup writes them)',
      text: JSON.stringify(generatePolicy(BUCKET)),
      change: 'delete',
      api: 'DeleteBucketPolicy',
      before: [DATASYNC_SID, LOCATION_SID],
      after: [],
      expectText: null,
    },
    {
      name: 'a single vendor statement given as an object, not a list',
      text: JSON.stringify({ Version: '2008-10-17', Statement: ds }),
      change: 'delete',
      api: 'DeleteBucketPolicy',
      before: [DATASYNC_SID],
      after: [],
      expectText: null,
    },
    {
      name: 'customer statements only',
      text: handText([auditorRead, denyInsecure]),
      change: 'none',
      api: null,
      before: ['AuditorRead', 'DenyInsecureTransport'],
      after: ['AuditorRead', 'DenyInsecureTransport'],
      expectText: handText([auditorRead, denyInsecure]),
    },
    {
      name: 'vendor statements between customer ones',
      text: handText([auditorRead, ds, denyInsecure, noSidListing, loc]),
      change: 'update',
      api: 'PutBucketPolicy',
      before: ['AuditorRead', DATASYNC_SID, 'DenyInsecureTransport', null, LOCATION_SID],
      after: ['AuditorRead', 'DenyInsecureTransport', null],
      expectText: handText([auditorRead, denyInsecure, noSidListing]),
    },
    {
      name: 'vendor statements first',
      text: handText([ds, loc, denyInsecure]),
      change: 'update',
      api: 'PutBucketPolicy',
      before: [DATASYNC_SID, LOCATION_SID, 'DenyInsecureTransport'],
      after: ['DenyInsecureTransport'],
      expectText: handText([denyInsecure]),
    },
    {
      name: 'minified, as S3 returns it',
      text: JSON.stringify({ Version: '2012-10-17', Statement: [denyInsecure, ds, loc, auditorRead] }),
      change: 'update',
      api: 'PutBucketPolicy',
      before: ['DenyInsecureTransport', DATASYNC_SID, LOCATION_SID, 'AuditorRead'],
      after: ['DenyInsecureTransport', 'AuditorRead'],
      expectText: JSON.stringify({ Version: '2012-10-17', Statement: [denyInsecure, auditorRead] }),
    },
    {
      name: 'a vendor statement edited by hand (still ours by Sid) and a duplicate',
      text: JSON.stringify({ Statement: [{ ...ds, Action: 's3:GetObject' }, auditorRead, loc, loc] }),
      change: 'update',
      api: 'PutBucketPolicy',
      before: [DATASYNC_SID, 'AuditorRead', LOCATION_SID, LOCATION_SID],
      after: ['AuditorRead'],
      expectText: JSON.stringify({ Statement: [auditorRead] }),
    },
  ];

  it.each(cases)('$name → $change', (c) => {
    const p = plan(c.text);
    const step = bucketStep(p);
    expect(step.change).toBe(c.change);
    expect(step.api).toBe(c.api);
    expect(step.before).toEqual(c.before);
    expect(step.after).toEqual(c.after);
    expect(step.removed).toEqual(c.before.filter((s) => s === DATASYNC_SID || s === LOCATION_SID));
    if (c.expectText !== undefined) expect(step.text).toBe(c.expectText);
    expect(p.satisfied).toBe(c.change === 'none');
    expect(step.diff.map((d) => d.op)).toEqual(
      c.before.map((s) => (s === DATASYNC_SID || s === LOCATION_SID ? '-' : '=')),
    );
  });

  it.each(cases.filter((c) => c.change === 'update'))(
    '$name: the kept statements deep-equal the input ones, in order',
    (c) => {
      const input = JSON.parse(c.text as string).Statement as Array<{ Sid?: string }>;
      const customer = input.filter((s) => s.Sid !== DATASYNC_SID && s.Sid !== LOCATION_SID);
      const out = JSON.parse(bucketStep(plan(c.text)).text as string);
      expect(out.Statement).toStrictEqual(customer);
      const { Statement: _a, ...restIn } = JSON.parse(c.text as string);
      const { Statement: _b, ...restOut } = out;
      expect(restOut).toStrictEqual(restIn);
    },
  );

  it.each(cases)('$name: a second run on the result changes nothing', (c) => {
    const first = bucketStep(plan(c.text));
    const second = plan(first.text);
    expect(second.steps.map((s) => s.change)).toEqual(['none']);
    expect(second.satisfied).toBe(true);
    expect(bucketStep(second).text).toBe(first.text);
  });

  it('keeps a number exactly as the customer wrote it', () => {
    const text = handText([noSidListing, ds]);
    expect(text).toContain('10.50');
    expect(bucketStep(plan(text)).text).toContain('"s3:max-keys": 10.50');
  });

  it('describes the edit in words and in the diff', () => {
    const step = bucketStep(plan(handText([auditorRead, ds, loc])));
    expect(step.detail).toBe(
      "remove Prophecy's 2 statements, keeping your 1 other statement as it is, in order",
    );
    expect(renderPolicyDiff(step.diff)[1]).toMatch(
      /^- remove "DataSyncCreateS3LocationAndTaskAccess" \(Prophecy's\)/,
    );
    expect(renderPolicyDiff(step.diff)[0]).toMatch(/^= keep "AuditorRead" \(yours\)/);
    expect(bucketStep(plan(JSON.stringify(generatePolicy(BUCKET)))).detail).toMatch(
      /^delete the bucket policy: it holds only Prophecy's 2 statements/,
    );
  });

  it('notes a vendor statement that was edited since setup and a duplicated one', () => {
    const step = bucketStep(
      plan(JSON.stringify({ Statement: [{ ...ds, Action: 's3:GetObject' }, loc, loc] })),
    );
    expect(step.notes).toEqual([
      expect.stringMatching(
        /^Statement "DataSyncCreateS3LocationAndTaskAccess" differs from what setup writes \(Action: /,
      ),
      'The policy has statement "DataSyncCreateS3Location" more than once; every copy is removed.',
    ]);
  });

  it.each([
    ['not JSON', '{"Statement": ['],
    ['no Statement', '{"Version": "2012-10-17"}'],
    ['a Statement entry that is not an object', '{"Statement": ["x"]}'],
  ])('refuses a policy it cannot read (%s)', (_name, text) => {
    expect(() => plan(text)).toThrow(RevokeInputError);
  });
});

describe('planRevoke: grants to Prophecy that stay', () => {
  const cases: Array<{
    name: string;
    statement: Record<string, unknown>;
    principals: string[];
    actions?: string[];
    public?: boolean;
    conditional?: boolean;
  }> = [
    {
      name: 'an Allow to the DataSync role in a customer statement',
      statement: {
        Sid: 'ExtraRead',
        Effect: 'Allow',
        Principal: { AWS: ROLE },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
      },
      principals: [ROLE],
      actions: ['s3:GetObject'],
    },
    {
      name: "an Allow to Prophecy's account root (bare account id)",
      statement: {
        Sid: 'WholeAccount',
        Effect: 'Allow',
        Principal: { AWS: VENDOR_ACCOUNT_ID },
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
      },
      principals: [ROLE, USER, ROOT],
    },
    {
      name: "an Allow to Prophecy's account root (root ARN)",
      statement: {
        Sid: 'WholeAccountArn',
        Effect: 'Allow',
        Principal: { AWS: [ROOT] },
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${BUCKET}`,
      },
      principals: [ROLE, USER, ROOT],
      actions: ['s3:ListBucket'],
    },
    {
      name: 'a public Allow (Principal "*")',
      statement: {
        Sid: 'PublicRead',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
      },
      principals: [ROLE, USER, ROOT],
      actions: ['s3:GetObject'],
      public: true,
    },
    {
      name: 'a conditional Allow to the s3access user',
      statement: {
        Sid: 'UserFromOffice',
        Effect: 'Allow',
        Principal: { AWS: USER },
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${BUCKET}`,
        Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
      },
      principals: [USER],
      actions: ['s3:ListBucket'],
      conditional: true,
    },
  ];

  it.each(cases)('reports $name', (c) => {
    const p = plan(handText([ds, c.statement, denyInsecure, loc]));
    expect(bucketStep(p).change).toBe('update');
    expect(p.remainingGrants).toHaveLength(1);
    const g = p.remainingGrants[0];
    expect(g).toMatchObject({
      policy: 'bucket',
      statement: `"${c.statement.Sid}"`,
      sid: c.statement.Sid,
      index: 0,
      principals: c.principals,
      public: c.public ?? false,
      conditional: c.conditional ?? false,
    });
    if (c.actions) expect(g?.actions).toEqual(c.actions);
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toContain(`statement "${c.statement.Sid}" is not Prophecy's and stays`);
  });

  it('names a statement without Sid by its position after the revoke', () => {
    const p = plan(handText([ds, auditorRead, { ...auditorRead, Sid: undefined, Principal: { AWS: ROLE } }]));
    expect(p.remainingGrants.map((g) => g.statement)).toEqual(['#2']);
  });

  it.each([
    ['a grant to another account', [auditorRead]],
    ['a Deny', [denyInsecure]],
    [
      'an Allow to the role that a Deny overrides',
      [
        {
          Sid: 'R',
          Effect: 'Allow',
          Principal: { AWS: ROLE },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
        },
        {
          Sid: 'D',
          Effect: 'Deny',
          Principal: { AWS: ROLE },
          Action: 's3:*',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
        },
      ],
    ],
  ])('reports nothing for %s', (_name, statements) => {
    const p = plan(handText([ds, ...statements, loc]));
    expect(p.remainingGrants).toEqual([]);
    expect(p.warnings).toEqual([]);
  });

  it('reports nothing when the whole policy goes', () => {
    expect(plan(JSON.stringify(generatePolicy(BUCKET))).warnings).toEqual([]);
  });
});

describe('planRevoke: the kept line', () => {
  it.each([
    [undefined, /^objects and the bucket are kept \(objects not counted\); its encryption/],
    [{ count: 0 }, /^objects and the bucket are kept: the bucket is empty;/],
    [
      { count: 1, newest: '2026-11-26T10:00:00Z' },
      /^objects and the bucket are kept: 1 object, newest 2026-11-26T10:00:00Z;/,
    ],
    [
      { count: 12345, newest: new Date('2026-11-26T10:00:00Z') },
      /^objects and the bucket are kept: 12,345 objects, newest 2026-11-26T10:00:00.000Z;/,
    ],
    [{ count: 1000, lowerBound: true }, /^objects and the bucket are kept: 1,000\+ objects;/],
  ])('%j', (summary, line) => {
    const p = plan(null, { objectSummary: summary });
    expect(p.kept).toMatch(line);
    expect(p.warnings).toEqual([]);
  });
});

describe('planRevoke: the key policy', () => {
  const admin = {
    Sid: 'Enable IAM User Permissions',
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::123456789012:root' },
    Action: 'kms:*',
    Resource: '*',
  };
  const ours = {
    Sid: KMS_SID,
    Effect: 'Allow',
    Principal: { AWS: ROLE },
    Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    Resource: '*',
  };
  const key = (statements: object[], remove: boolean): KeyPolicyInput => ({
    keyId: KEY_ARN,
    text: JSON.stringify({ Version: '2012-10-17', Id: 'key-default-1', Statement: statements }, null, 2),
    remove,
  });
  const vendorOnly = JSON.stringify(generatePolicy(BUCKET));

  it('removes only the statement with our KMS Sid, keeping the rest textually', () => {
    const p = plan(vendorOnly, { keyPolicy: key([admin, ours], true) });
    expect(p.steps.map((s) => `${s.id}:${s.change}`)).toEqual(['bucket-policy:delete', 'key-policy:update']);
    const step = p.steps[1];
    expect(step).toMatchObject({
      api: 'PutKeyPolicy',
      target: KEY_ARN,
      before: ['Enable IAM User Permissions', KMS_SID],
      after: ['Enable IAM User Permissions'],
      removed: [KMS_SID],
    });
    expect(step?.text).toBe(
      JSON.stringify({ Version: '2012-10-17', Id: 'key-default-1', Statement: [admin] }, null, 2),
    );
    expect(p.warnings).toEqual([]);
  });

  it('plans no change when the statement is not there, and a re-run plans none', () => {
    const first = plan(vendorOnly, { keyPolicy: key([admin, ours], true) });
    const again = plan(null, {
      keyPolicy: { keyId: KEY_ARN, text: first.steps[1]?.text as string, remove: true },
    });
    expect(again.steps.map((s) => s.change)).toEqual(['none', 'none']);
    expect(again.satisfied).toBe(true);
  });

  it('leaves a key policy that is only our statement, with a warning', () => {
    const p = plan(null, { keyPolicy: key([ours], true) });
    expect(p.steps[1]).toMatchObject({ change: 'none', api: null, removed: [] });
    expect(p.warnings).toEqual([
      expect.stringMatching(/consists only of Prophecy's statement "ProphecyDataSyncKmsAccess"/),
    ]);
  });

  it('without --key-policy: no step, but a warning that our statement is still there', () => {
    const p = plan(vendorOnly, { keyPolicy: key([admin, ours], false) });
    expect(p.steps.map((s) => s.id)).toEqual(['bucket-policy']);
    expect(p.warnings).toEqual([
      expect.stringMatching(/still has Prophecy's statement "ProphecyDataSyncKmsAccess".*--key-policy/),
    ]);
    expect(p.remainingGrants).toMatchObject([{ policy: 'key', sid: KMS_SID, principals: [ROLE] }]);
  });

  it('warns about another key-policy statement that grants to Prophecy', () => {
    const other = { ...ours, Sid: 'LegacyProphecy', Principal: { AWS: ROOT }, Action: 'kms:*' };
    const p = plan(null, { keyPolicy: key([admin, ours, other], true) });
    expect(p.steps[1]?.after).toEqual(['Enable IAM User Permissions', 'LegacyProphecy']);
    expect(p.warnings).toEqual([
      expect.stringContaining('statement "LegacyProphecy" is not Prophecy\'s and stays'),
    ]);
    expect(p.remainingGrants).toMatchObject([
      { policy: 'key', sid: 'LegacyProphecy', principals: [ROLE, USER, ROOT] },
    ]);
  });

  it('refuses an unreadable key policy it was asked to edit, and only warns otherwise', () => {
    const bad = { keyId: KEY_ARN, text: '{', remove: true };
    expect(() => plan(null, { keyPolicy: bad })).toThrow(RevokeInputError);
    expect(plan(null, { keyPolicy: { ...bad, remove: false } }).warnings).toEqual([
      expect.stringMatching(/could not be read/),
    ]);
  });
});

describe('checkRevoked and isRevoked', () => {
  const roleExtra = {
    Sid: 'ExtraRead',
    Effect: 'Allow',
    Principal: { AWS: ROLE },
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${BUCKET}/*`,
  };
  const cases: Array<{
    name: string;
    policy: unknown;
    ok: boolean;
    revoked: boolean;
    statements?: string[];
  }> = [
    { name: 'no policy', policy: null, ok: true, revoked: true },
    {
      name: 'customer statements only',
      policy: handText([auditorRead, denyInsecure]),
      ok: true,
      revoked: true,
    },
    {
      name: 'the vendor policy',
      policy: JSON.stringify(generatePolicy(BUCKET)),
      ok: false,
      revoked: false,
      statements: [`"${DATASYNC_SID}"`, `"${LOCATION_SID}"`],
    },
    {
      name: 'a customer grant to the role',
      policy: { Statement: [roleExtra] },
      ok: false,
      revoked: false,
      statements: ['"ExtraRead"'],
    },
    {
      name: 'a grant to the account root',
      policy: { Statement: [{ ...roleExtra, Sid: 'Acct', Principal: { AWS: ROOT } }] },
      ok: false,
      revoked: false,
      statements: ['"Acct"'],
    },
    {
      name: 'a vendor Sid that grants nothing any more (edited to another principal)',
      policy: {
        Statement: [
          { ...roleExtra, Sid: DATASYNC_SID, Principal: { AWS: 'arn:aws:iam::111122223333:root' } },
        ],
      },
      ok: true,
      revoked: false,
    },
  ];

  it.each(cases)('$name', (c) => {
    const r = checkRevoked(c.policy, DEFAULT_PRINCIPALS, BUCKET);
    expect(r.ok).toBe(c.ok);
    expect([...new Set(r.remaining.map((x) => x.statement))]).toEqual(c.statements ?? []);
    expect(isRevoked(c.policy, DEFAULT_PRINCIPALS, BUCKET)).toBe(c.revoked);
  });

  it('names principal, action, resource and statement of what remains', () => {
    const r = checkRevoked({ Statement: [roleExtra] }, DEFAULT_PRINCIPALS, BUCKET);
    expect(r.remaining).toEqual([
      {
        principal: ROLE,
        action: 's3:GetObject',
        resource: `arn:aws:s3:::${BUCKET}/*`,
        statement: '"ExtraRead"',
        sid: 'ExtraRead',
        conditional: false,
      },
    ]);
  });

  it('holds for the text the plan writes', () => {
    const step = bucketStep(plan(handText([auditorRead, ds, loc])));
    expect(checkRevoked(step.text, DEFAULT_PRINCIPALS, BUCKET).ok).toBe(true);
    expect(isRevoked(step.text, DEFAULT_PRINCIPALS, BUCKET)).toBe(true);
  });

  it('treats an unreadable policy as not revoked', () => {
    expect(isRevoked('{', DEFAULT_PRINCIPALS, BUCKET)).toBe(false);
  });
});

describe('revokePlanSchema', () => {
  const identity = { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/admin' };
  it.each([
    ['no policy', plan(null)],
    [
      'delete',
      plan(JSON.stringify(generatePolicy(BUCKET)), { objectSummary: { count: 3, newest: new Date(0) } }),
    ],
    [
      'update with warnings and a key step',
      plan(handText([ds, { ...auditorRead, Sid: undefined, Principal: '*' }, loc]), {
        keyPolicy: {
          keyId: KEY_ARN,
          text: JSON.stringify({
            Statement: [
              {
                Sid: 'Admin',
                Effect: 'Allow',
                Principal: { AWS: '123456789012' },
                Action: 'kms:*',
                Resource: '*',
              },
              {
                Sid: KMS_SID,
                Effect: 'Allow',
                Principal: { AWS: ROLE },
                Action: 'kms:Decrypt',
                Resource: '*',
              },
            ],
          }),
          remove: true,
        },
      }),
    ],
  ])('describes the %s plan, through a JSON round trip', (_name, p) => {
    const doc = revokePlanDocument(revokePlanJson(p), identity);
    const parsed = revokePlanSchema.parse(JSON.parse(JSON.stringify(doc)));
    expect(parsed).toStrictEqual(doc);
    expect(parsed.steps.every((s) => !('text' in s))).toBe(true);
  });
});

describe('policy-text', () => {
  const tricky =
    '{"Id":"a[b]{c},\\"d","Statement":[{"Sid":"x]","Condition":{"A":{"k":["1","2"]}}} , {"Sid":"y"},{"Sid":"z\\"}"}]}';
  it('finds each entry, past brackets and quotes inside strings', () => {
    const spans = statementSpans(tricky);
    expect(spans.entries.map(([a, b]) => JSON.parse(tricky.slice(a, b)).Sid)).toEqual(['x]', 'y', 'z"}']);
  });
  it.each([
    [[0], '{"Id":"a[b]{c},\\"d","Statement":[{"Sid":"y"},{"Sid":"z\\"}"}]}'],
    [
      [1],
      '{"Id":"a[b]{c},\\"d","Statement":[{"Sid":"x]","Condition":{"A":{"k":["1","2"]}}},{"Sid":"z\\"}"}]}',
    ],
    [[2], '{"Id":"a[b]{c},\\"d","Statement":[{"Sid":"x]","Condition":{"A":{"k":["1","2"]}}} , {"Sid":"y"}]}'],
    [[0, 2], '{"Id":"a[b]{c},\\"d","Statement":[{"Sid":"y"}]}'],
  ])('removes entries %j and nothing else', (remove, want) => {
    const out = removeStatementEntries(tricky, new Set(remove));
    expect(out).toBe(want);
    expect(() => JSON.parse(out)).not.toThrow();
  });
  it('refuses to remove every entry', () => {
    expect(() => removeStatementEntries(tricky, new Set([0, 1, 2]))).toThrow(/empty policy/);
  });
});
