import { describe, expect, it } from 'vitest';
import {
  bucketArn,
  DEFAULT_PRINCIPALS,
  generatePolicy,
  objectsArn,
  type PolicyStatement,
  requiredPermissions,
} from '../../src/core/policy.js';
import {
  evaluate,
  isUniqueId,
  PolicyParseError,
  policyStatements,
  publicStatements,
  type Verdict,
  wildcardMatch,
} from '../../src/core/policy-eval.js';
import { DATASYNC_ACTIONS } from '../../src/core/vendor.js';
import { vendorPolicyFor } from '../helpers/vendor-page.js';

const BUCKET = 'prophecy-customer-backend-events-acme';
const B = bucketArn(BUCKET);
const O = objectsArn(BUCKET);
const ROLE = DEFAULT_PRINCIPALS.datasyncRoleArn;
const USER = DEFAULT_PRINCIPALS.locationUserArn;
const REQUIRED = requiredPermissions(BUCKET);

/** The verdict of every required triple, keyed `principal action resource`. */
function verdicts(policy: unknown): Record<string, Verdict> {
  return Object.fromEntries(
    REQUIRED.map((r) => [`${r.principal} ${r.action} ${r.resource}`, evaluate(policy, r).verdict]),
  );
}

/** The same map with every triple set to `v`, except the `overrides`. */
function expectAll(v: Verdict, overrides: Record<string, Verdict> = {}): Record<string, Verdict> {
  const all = Object.fromEntries(REQUIRED.map((r) => [`${r.principal} ${r.action} ${r.resource}`, v]));
  return { ...all, ...overrides };
}

function doc(...Statement: unknown[]) {
  return { Version: '2012-10-17', Statement };
}

const userList = {
  Sid: 'L',
  Effect: 'Allow',
  Principal: { AWS: USER },
  Action: 's3:ListBucket',
  Resource: B,
};

describe('evaluate: the table of policies, one verdict per required triple', () => {
  it('the exact vendor policy allows every triple', () => {
    expect(verdicts(vendorPolicyFor(BUCKET))).toEqual(expectAll('allowed'));
    expect(REQUIRED).toHaveLength(11);
  });

  it('as policy text, as AWS returns it', () => {
    expect(verdicts(JSON.stringify(generatePolicy(BUCKET)))).toEqual(expectAll('allowed'));
  });

  it('Version 2012-10-17, reordered actions, strings for one-item lists, principals as arrays', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'L', Effect: 'Allow', Principal: { AWS: [USER] }, Action: ['s3:ListBucket'], Resource: [B] },
        {
          Effect: 'Allow',
          Principal: { AWS: [ROLE, 'arn:aws:iam::111122223333:role/Other'] },
          Action: [...DATASYNC_ACTIONS].reverse(),
          Resource: [O, B],
        },
      ],
    };
    expect(verdicts(policy)).toEqual(expectAll('allowed'));
  });

  it('a single Statement object (not an array) is accepted', () => {
    const policy = {
      Version: '2008-10-17',
      Statement: { Effect: 'Allow', Principal: { AWS: [ROLE, USER] }, Action: 's3:*', Resource: [B, O] },
    };
    expect(verdicts(policy)).toEqual(expectAll('allowed'));
  });

  it('s3:* to the role allows every role triple', () => {
    const policy = doc(userList, {
      Effect: 'Allow',
      Principal: { AWS: ROLE },
      Action: 's3:*',
      Resource: [B, O],
    });
    expect(verdicts(policy)).toEqual(expectAll('allowed'));
  });

  it('one action removed: only that triple is implicitly denied', () => {
    const p = generatePolicy(BUCKET);
    const st = p.Statement[0] as PolicyStatement;
    st.Action = (st.Action as string[]).filter((a) => a !== 's3:DeleteObject');
    expect(verdicts(p)).toEqual(expectAll('allowed', { [`${ROLE} s3:DeleteObject ${O}`]: 'implicit-deny' }));
  });

  it('object actions granted only on the bucket ARN, not bucket/*: every object triple fails', () => {
    const p = generatePolicy(BUCKET);
    (p.Statement[0] as PolicyStatement).Resource = B;
    const objectTriples = Object.fromEntries(
      REQUIRED.filter((r) => r.resource === O).map((r) => [
        `${r.principal} ${r.action} ${r.resource}`,
        'implicit-deny',
      ]),
    );
    expect(Object.keys(objectTriples)).toHaveLength(7);
    expect(verdicts(p)).toEqual(expectAll('allowed', objectTriples as Record<string, Verdict>));
  });

  it('a Deny of s3:PutObject for the role wins over the Allow', () => {
    const p = generatePolicy(BUCKET);
    p.Statement.push({
      Sid: 'NoPut',
      Effect: 'Deny',
      Principal: { AWS: ROLE },
      Action: 's3:PutObject',
      Resource: O,
    });
    expect(verdicts(p)).toEqual(expectAll('allowed', { [`${ROLE} s3:PutObject ${O}`]: 'denied' }));
    const e = evaluate(p, { principal: ROLE, action: 's3:PutObject', resource: O });
    expect(e.matched.map((m) => [m.sid, m.effect])).toEqual([
      ['DataSyncCreateS3LocationAndTaskAccess', 'Allow'],
      ['NoPut', 'Deny'],
    ]);
  });

  it('a Deny with an aws:SecureTransport=false condition makes every triple conditional, with the condition', () => {
    const p = generatePolicy(BUCKET);
    const condition = { Bool: { 'aws:SecureTransport': 'false' } };
    p.Statement.push({
      Sid: 'TLS',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [B, O],
      Condition: condition,
    });
    expect(verdicts(p)).toEqual(expectAll('conditional'));
    expect(evaluate(p, { principal: ROLE, action: 's3:GetObject', resource: O }).conditions).toEqual([
      condition,
    ]);
  });

  it('an Allow with a Condition is conditional; a Condition-free Deny still wins', () => {
    const condition = { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } };
    const allow = {
      Effect: 'Allow',
      Principal: { AWS: [ROLE, USER] },
      Action: 's3:*',
      Resource: [B, O],
      Condition: condition,
    };
    expect(verdicts(doc(allow))).toEqual(expectAll('conditional'));
    const deny = { Effect: 'Deny', Principal: { AWS: USER }, Action: 's3:List*', Resource: B };
    expect(verdicts(doc(allow, deny))).toEqual(
      expectAll('conditional', { [`${USER} s3:ListBucket ${B}`]: 'denied' }),
    );
  });

  it('NotAction allow: everything except the listed actions', () => {
    const allow = {
      Effect: 'Allow',
      Principal: { AWS: ROLE },
      NotAction: ['s3:DeleteBucket', 's3:PutBucketPolicy'],
      Resource: [B, O],
    };
    expect(verdicts(doc(userList, allow))).toEqual(expectAll('allowed'));
    const narrower = { ...allow, NotAction: ['s3:DeleteBucket', 's3:Put*'] };
    expect(verdicts(doc(userList, narrower))).toEqual(
      expectAll('allowed', {
        [`${ROLE} s3:PutObject ${O}`]: 'implicit-deny',
        [`${ROLE} s3:PutObjectTagging ${O}`]: 'implicit-deny',
      }),
    );
  });

  it('NotResource: a Deny on everything but the bucket leaves the bucket alone', () => {
    const p = generatePolicy(BUCKET);
    p.Statement.push({ Effect: 'Deny', Principal: '*', Action: 's3:*', NotResource: [B, O] });
    expect(verdicts(p)).toEqual(expectAll('allowed'));
    const objectsOnly = { Effect: 'Allow', Principal: { AWS: [ROLE, USER] }, Action: 's3:*', NotResource: B };
    const v = verdicts(doc(objectsOnly));
    for (const r of REQUIRED)
      expect(v[`${r.principal} ${r.action} ${r.resource}`]).toBe(
        r.resource === O ? 'allowed' : 'implicit-deny',
      );
  });

  it('NotPrincipal: Deny everyone except the role denies the user only', () => {
    const p = generatePolicy(BUCKET);
    p.Statement.push({
      Effect: 'Deny',
      NotPrincipal: { AWS: [ROLE, 'arn:aws:iam::133450206866:root'] },
      Action: 's3:*',
      Resource: [B, O],
    });
    expect(verdicts(p)).toEqual(expectAll('allowed', { [`${USER} s3:ListBucket ${B}`]: 'denied' }));
  });

  it('NotPrincipal that lists the role but not its account still denies the role (AWS checks the account too)', () => {
    const p = generatePolicy(BUCKET);
    p.Statement.push({
      Effect: 'Deny',
      NotPrincipal: { AWS: [ROLE, USER] },
      Action: 's3:*',
      Resource: [B, O],
    });
    expect(verdicts(p)).toEqual(expectAll('denied'));
    const e = evaluate(p, { principal: USER, action: 's3:ListBucket', resource: B });
    expect(e.matched.find((m) => m.effect === 'Deny')?.principalMatch).toBe('not-principal');
  });

  it('action wildcards: s3:Get*, s3:?etObject, s3:List*, * and case-insensitive names', () => {
    const cases: [string, string, boolean][] = [
      ['s3:Get*', 's3:GetObject', true],
      ['s3:Get*', 's3:GetBucketLocation', true],
      ['s3:Get*', 's3:PutObject', false],
      ['s3:?etObject', 's3:GetObject', true],
      ['s3:?etObject', 's3:PutObject', false],
      ['s3:?etObject', 's3:GetObjectTagging', false],
      ['s3:List*', 's3:ListBucketMultipartUploads', true],
      ['*', 's3:DeleteObject', true],
      ['S3:PUTOBJECT', 's3:PutObject', true],
      ['s3:putobject*', 's3:PutObjectTagging', true],
    ];
    for (const [pattern, action, match] of cases) {
      const e = evaluate(doc({ Effect: 'Allow', Principal: { AWS: ROLE }, Action: pattern, Resource: '*' }), {
        principal: ROLE,
        action,
        resource: O,
      });
      expect([pattern, action, e.verdict]).toEqual([pattern, action, match ? 'allowed' : 'implicit-deny']);
    }
  });

  it('resource wildcards are case-sensitive and * crosses "/"', () => {
    const cases: [string, string, boolean][] = [
      [`${B}*`, B, true],
      [`${B}*`, O, true],
      [`${B}*`, `${B}/2026/11/25/x.json`, true],
      ['arn:aws:s3:::prophecy-*', O, true],
      ['arn:aws:s3:::prophecy-customer-backend-events-acm?', B, true],
      ['arn:aws:s3:::prophecy-customer-backend-events-acm?', O, false],
      [B, O, false],
      [O, B, false],
      [B.toUpperCase(), B, false],
      ['arn:aws:s3:::other-bucket/*', O, false],
    ];
    for (const [pattern, resource, match] of cases) {
      const e = evaluate(
        doc({ Effect: 'Allow', Principal: { AWS: ROLE }, Action: 's3:*', Resource: pattern }),
        {
          principal: ROLE,
          action: 's3:GetObject',
          resource,
        },
      );
      expect([pattern, resource, e.verdict]).toEqual([
        pattern,
        resource,
        match ? 'allowed' : 'implicit-deny',
      ]);
    }
  });

  it('account root (ARN or bare id) allows, but as delegated to the account, not as a grant to the role', () => {
    for (const root of ['arn:aws:iam::133450206866:root', '133450206866']) {
      const policy = doc({ Effect: 'Allow', Principal: { AWS: root }, Action: 's3:*', Resource: [B, O] });
      expect(verdicts(policy)).toEqual(expectAll('allowed'));
      const e = evaluate(policy, REQUIRED[0] as (typeof REQUIRED)[number]);
      expect(e.delegated).toBe(true);
      expect(e.matched[0]?.principalMatch).toBe('account');
    }
    const other = doc({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 's3:*',
      Resource: [B, O],
    });
    expect(verdicts(other)).toEqual(expectAll('implicit-deny'));
  });

  it('an exact grant next to an account-root grant is not delegated', () => {
    const p = generatePolicy(BUCKET);
    p.Statement.push({
      Effect: 'Allow',
      Principal: { AWS: '133450206866' },
      Action: 's3:*',
      Resource: [B, O],
    });
    expect(evaluate(p, { principal: ROLE, action: 's3:PutObject', resource: O }).delegated).toBe(false);
  });

  it('Principal "*" and {AWS: "*"} allow anyone (and are public)', () => {
    for (const principal of ['*', { AWS: '*' }, { AWS: ['*'] }]) {
      const policy = doc({ Effect: 'Allow', Principal: principal, Action: 's3:*', Resource: [B, O] });
      expect(verdicts(policy)).toEqual(expectAll('allowed'));
      expect(evaluate(policy, REQUIRED[0] as (typeof REQUIRED)[number]).matched[0]?.principalMatch).toBe(
        'public',
      );
      expect(publicStatements(policy)).toHaveLength(1);
    }
  });

  it('a unique id (AROA…) where the role was never matches, and is reported', () => {
    const p = JSON.parse(JSON.stringify(generatePolicy(BUCKET)).replace(ROLE, 'AROAXMPLE1234567890AB'));
    const v = verdicts(p);
    expect(v).toEqual(expectAll('implicit-deny', { [`${USER} s3:ListBucket ${B}`]: 'allowed' }));
    const e = evaluate(p, { principal: ROLE, action: 's3:PutObject', resource: O });
    expect(e.staleUniqueIds).toEqual(['AROAXMPLE1234567890AB']);
    expect(isUniqueId('AIDAXMPLE1234567890AB')).toBe(true);
    expect(isUniqueId(ROLE)).toBe(false);
  });

  it('service and federated principals do not match an IAM role', () => {
    const policy = doc({
      Effect: 'Allow',
      Principal: { Service: 'datasync.amazonaws.com' },
      Action: 's3:*',
      Resource: [B, O],
    });
    expect(verdicts(policy)).toEqual(expectAll('implicit-deny'));
  });

  it('a Principal with a wildcard other than "*" matches nothing (AWS does not expand it)', () => {
    const policy = doc({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::133450206866:role/*' },
      Action: 's3:*',
      Resource: [B, O],
    });
    expect(verdicts(policy)).toEqual(expectAll('implicit-deny'));
  });

  it('an empty policy allows nothing', () => {
    expect(verdicts(doc())).toEqual(expectAll('implicit-deny'));
  });
});

describe('publicStatements', () => {
  it('a restricting condition (aws:SourceAccount, aws:PrincipalOrgID) makes "*" not public', () => {
    for (const Condition of [
      { StringEquals: { 'aws:SourceAccount': '111122223333' } },
      { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
      { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    ]) {
      expect(
        publicStatements(
          doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: O, Condition }),
        ),
      ).toEqual([]);
    }
  });

  it('aws:SecureTransport, a wildcard value or a negated operator does not restrict who', () => {
    for (const Condition of [
      { Bool: { 'aws:SecureTransport': 'true' } },
      { StringLike: { 'aws:SourceAccount': '*' } },
      { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
      { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
    ]) {
      const found = publicStatements(
        doc({
          Sid: 'Open',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 's3:GetObject',
          Resource: O,
          Condition,
        }),
      );
      expect(found.map((f) => f.sid)).toEqual(['Open']);
    }
  });

  it('a Deny to "*" is not public; an Allow with NotPrincipal is', () => {
    expect(publicStatements(doc({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: O }))).toEqual(
      [],
    );
    const np = publicStatements(
      doc({ Effect: 'Allow', NotPrincipal: { AWS: USER }, Action: 's3:*', Resource: O }),
    );
    expect(np).toHaveLength(1);
  });
});

describe('policyStatements', () => {
  it('rejects text that is not a policy with a PolicyParseError', () => {
    expect(() => policyStatements('{not json')).toThrow(PolicyParseError);
    expect(() => policyStatements('[]')).toThrow(/not a JSON object/);
    expect(() => policyStatements('{"Version":"2012-10-17"}')).toThrow(/no Statement/);
    expect(() => policyStatements('{"Statement":[1]}')).toThrow(/not an object/);
  });
});

describe('wildcardMatch', () => {
  it('escapes regex characters in patterns', () => {
    expect(wildcardMatch('a.b', 'aXb', false)).toBe(false);
    expect(wildcardMatch('a+(b)', 'a+(b)', false)).toBe(true);
    expect(wildcardMatch('a?c', 'a/c', false)).toBe(true);
  });
});
