import { describe, expect, it } from 'vitest';
import { guardrailException, guardrailFixes } from '../../src/core/guardrail-fix.js';
import {
  bucketArn,
  DEFAULT_PRINCIPALS,
  generatePolicy,
  objectsArn,
  requiredPermissions,
} from '../../src/core/policy.js';
import {
  arnMatches,
  evaluate,
  evaluateCondition,
  ipInCidr,
  parseOperator,
  type RequestContext,
  type Tri,
} from '../../src/core/policy-eval.js';
import {
  evaluateForProphecy,
  principalKind,
  prophecyKmsContext,
  prophecyRequestContext,
} from '../../src/core/request-context.js';

const BUCKET = 'prophecy-customer-backend-events-acme';
const B = bucketArn(BUCKET);
const O = objectsArn(BUCKET);
const ROLE = DEFAULT_PRINCIPALS.datasyncRoleArn;
const USER = DEFAULT_PRINCIPALS.locationUserArn;
const ORG = 'o-customer123';
const CUSTOMER = '111122223333';

/** A context with some known values, one absent key, and everything else unknown. */
const CTX: RequestContext = {
  label: 'the test caller',
  values: {
    'aws:PrincipalAccount': '133450206866',
    'aws:PrincipalArn': ROLE,
    'aws:SecureTransport': 'true',
    'aws:SourceIp': '203.0.113.7',
    'aws:SourceIpV6': '2001:db8::1',
    'aws:CurrentTime': '2026-11-27T04:00:00Z',
    'aws:EpochTime': '1795838400',
    's3:max-keys': '100',
    'aws:TagKeys': ['team', 'env'],
    'kms:ViaService': 's3.us-east-1.amazonaws.com',
    'custom:Binary': 'QmluYXJ5',
    'aws:username': 's3access',
  },
  absent: ['aws:PrincipalOrgID', 'aws:SourceVpce', 'aws:CalledVia'],
};

function outcome(condition: Record<string, unknown>, ctx: RequestContext = CTX): Tri {
  return evaluateCondition(condition, ctx).outcome;
}

/** `${key}` as a policy writes it. */
const policyVar = (key: string) => `\${${key}}`;

type Row = [name: string, condition: Record<string, unknown>, expected: Tri];

describe('evaluateCondition: every operator family', () => {
  const rows: Row[] = [
    // String
    ['StringEquals match', { StringEquals: { 'aws:PrincipalAccount': '133450206866' } }, true],
    ['StringEquals miss', { StringEquals: { 'aws:PrincipalAccount': CUSTOMER } }, false],
    ['StringEquals is case-sensitive', { StringEquals: { 'aws:username': 'S3ACCESS' } }, false],
    ['StringNotEquals match', { StringNotEquals: { 'aws:PrincipalAccount': CUSTOMER } }, true],
    ['StringNotEquals miss', { StringNotEquals: { 'aws:PrincipalAccount': '133450206866' } }, false],
    ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'aws:username': 'S3Access' } }, true],
    ['StringNotEqualsIgnoreCase', { StringNotEqualsIgnoreCase: { 'aws:username': 'S3ACCESS' } }, false],
    ['StringLike *', { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::133450206866:role/*' } }, true],
    ['StringLike ?', { StringLike: { 'aws:username': 's3acces?' } }, true],
    ['StringLike miss', { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:*' } }, false],
    ['StringNotLike', { StringNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:*' } }, true],
    [
      'policy variable',
      {
        StringEquals: {
          'aws:PrincipalArn': `arn:aws:iam::${policyVar('aws:PrincipalAccount')}:role/AWSDataSyncS3BucketAccessCustomerBackendEventsRole`,
        },
      },
      true,
    ],
    [
      'policy variable on an unknown key',
      { StringEquals: { 'aws:username': policyVar('aws:userid') } },
      'unknown',
    ],
    // Numeric
    ['NumericEquals', { NumericEquals: { 's3:max-keys': '100' } }, true],
    ['NumericNotEquals', { NumericNotEquals: { 's3:max-keys': '100' } }, false],
    ['NumericLessThan', { NumericLessThan: { 's3:max-keys': '101' } }, true],
    ['NumericLessThanEquals', { NumericLessThanEquals: { 's3:max-keys': '100' } }, true],
    ['NumericGreaterThan', { NumericGreaterThan: { 's3:max-keys': '100' } }, false],
    ['NumericGreaterThanEquals', { NumericGreaterThanEquals: { 's3:max-keys': 99 } }, true],
    ['Numeric with a non-number', { NumericEquals: { 's3:max-keys': 'ten' } }, false],
    // Date
    ['DateEquals ISO', { DateEquals: { 'aws:CurrentTime': '2026-11-27T04:00:00Z' } }, true],
    ['DateNotEquals', { DateNotEquals: { 'aws:CurrentTime': '2026-11-27T04:00:00Z' } }, false],
    ['DateLessThan', { DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } }, true],
    ['DateLessThanEquals', { DateLessThanEquals: { 'aws:CurrentTime': '2026-01-01' } }, false],
    ['DateGreaterThan epoch', { DateGreaterThan: { 'aws:CurrentTime': '1700000000' } }, true],
    [
      'DateGreaterThanEquals on epoch key',
      { DateGreaterThanEquals: { 'aws:EpochTime': '2026-11-27T00:00:00Z' } },
      true,
    ],
    // Bool and Binary
    ['Bool true', { Bool: { 'aws:SecureTransport': 'true' } }, true],
    ['Bool false', { Bool: { 'aws:SecureTransport': 'false' } }, false],
    ['Bool as a JSON boolean, any case', { Bool: { 'aws:SecureTransport': true } }, true],
    ['BinaryEquals', { BinaryEquals: { 'custom:Binary': 'QmluYXJ5' } }, true],
    ['BinaryEquals miss', { BinaryEquals: { 'custom:Binary': 'QmluYXJ6' } }, false],
    // IpAddress
    ['IpAddress in CIDR', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, true],
    ['IpAddress outside', { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } }, false],
    ['IpAddress one of several', { IpAddress: { 'aws:SourceIp': ['198.51.100.0/24', '203.0.113.7'] } }, true],
    ['NotIpAddress', { NotIpAddress: { 'aws:SourceIp': '198.51.100.0/24' } }, true],
    ['IpAddress IPv6', { IpAddress: { 'aws:SourceIpV6': '2001:db8::/32' } }, true],
    ['IpAddress IPv6 vs IPv4 range', { IpAddress: { 'aws:SourceIpV6': '0.0.0.0/0' } }, false],
    // Arn
    ['ArnEquals', { ArnEquals: { 'aws:PrincipalArn': ROLE } }, true],
    ['ArnLike', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/AWSDataSync*' } }, true],
    ['ArnLike * stays in its part', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*' } }, false],
    ['ArnNotEquals', { ArnNotEquals: { 'aws:PrincipalArn': USER } }, true],
    ['ArnNotLike', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::133450206866:*' } }, false],
    // Null
    ['Null true on an absent key', { Null: { 'aws:PrincipalOrgID': 'true' } }, true],
    ['Null false on an absent key', { Null: { 'aws:PrincipalOrgID': 'false' } }, false],
    ['Null true on a present key', { Null: { 'aws:SecureTransport': 'true' } }, false],
    ['Null false on a present key', { Null: { 'aws:SecureTransport': 'false' } }, true],
    ['Null on an unknown key', { Null: { 'aws:userid': 'true' } }, 'unknown'],
    // Keys are case-insensitive
    ['key case', { StringEquals: { 'AWS:PRINCIPALACCOUNT': '133450206866' } }, true],
  ];
  it.each(rows)('%s', (_name, condition, expected) => {
    expect(outcome(condition)).toBe(expected);
  });
});

describe('evaluateCondition: absent keys, IfExists, negation', () => {
  const rows: Row[] = [
    ['non-negated on an absent key is false', { StringEquals: { 'aws:PrincipalOrgID': ORG } }, false],
    ['negated on an absent key is true', { StringNotEquals: { 'aws:PrincipalOrgID': ORG } }, true],
    ['ArnNotLike on an absent key is true', { ArnNotLike: { 'aws:SourceVpce': 'arn:*' } }, true],
    ['NotIpAddress on an absent key is true', { NotIpAddress: { 'aws:SourceVpce': '10.0.0.0/8' } }, true],
    ['IfExists on an absent key is true', { StringEqualsIfExists: { 'aws:PrincipalOrgID': ORG } }, true],
    ['BoolIfExists on an absent key', { BoolIfExists: { 'aws:CalledVia': 'false' } }, true],
    [
      'IfExists on a present key is the operator',
      { StringEqualsIfExists: { 'aws:PrincipalAccount': CUSTOMER } },
      false,
    ],
    [
      'negated IfExists on a present key',
      { StringNotEqualsIfExists: { 'aws:PrincipalAccount': CUSTOMER } },
      true,
    ],
    [
      'IfExists on an unknown key stays unknown',
      { StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } },
      'unknown',
    ],
    ['negated on an unknown key is unknown', { StringNotEquals: { 'aws:userid': 'AROA' } }, 'unknown'],
    ['an operator IAM does not have', { StringSortOf: { 'aws:PrincipalAccount': '1' } }, 'unknown'],
  ];
  it.each(rows)('%s', (_name, condition, expected) => {
    expect(outcome(condition)).toBe(expected);
  });
});

describe('evaluateCondition: several keys, several values, set operators', () => {
  const rows: Row[] = [
    [
      'several values: any may match',
      { StringEquals: { 'aws:PrincipalAccount': [CUSTOMER, '133450206866'] } },
      true,
    ],
    [
      'negated, several values: none may match',
      { StringNotEquals: { 'aws:PrincipalAccount': [CUSTOMER, '133450206866'] } },
      false,
    ],
    [
      'two keys in one block, both hold',
      { StringEquals: { 'aws:PrincipalAccount': '133450206866', 'aws:username': 's3access' } },
      true,
    ],
    [
      'two keys in one block, one fails',
      { StringEquals: { 'aws:PrincipalAccount': '133450206866', 'aws:username': 'x' } },
      false,
    ],
    [
      'two operators, both must hold',
      { StringEquals: { 'aws:PrincipalAccount': '133450206866' }, Bool: { 'aws:SecureTransport': 'false' } },
      false,
    ],
    [
      'false beats unknown',
      {
        StringEquals: { 'aws:PrincipalAccount': CUSTOMER },
        IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
        StringLike: { 'aws:userid': 'x' },
      },
      false,
    ],
    [
      'true and unknown is unknown',
      { StringEquals: { 'aws:PrincipalAccount': '133450206866', 'aws:userid': 'x' } },
      'unknown',
    ],
    [
      'ForAnyValue: one request value matches',
      { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env', 'cost'] } },
      true,
    ],
    ['ForAnyValue: none matches', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['cost'] } }, false],
    [
      'ForAllValues: every request value allowed',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env', 'cost'] } },
      true,
    ],
    [
      'ForAllValues: one request value not allowed',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } },
      false,
    ],
    [
      'ForAllValues:StringNotEquals: every value outside',
      { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['cost'] } },
      true,
    ],
    [
      'ForAnyValue:StringNotEquals: one value outside',
      { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['team'] } },
      true,
    ],
    [
      'ForAnyValue:StringNotEquals: none outside',
      { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['team', 'env'] } },
      false,
    ],
    [
      'ForAllValues on an absent key is true',
      { 'ForAllValues:StringEquals': { 'aws:CalledVia': ['athena.amazonaws.com'] } },
      true,
    ],
    [
      'ForAnyValue on an absent key is false',
      { 'ForAnyValue:StringEquals': { 'aws:CalledVia': ['athena.amazonaws.com'] } },
      false,
    ],
    [
      'ForAnyValue…IfExists on an absent key is true',
      { 'ForAnyValue:StringEqualsIfExists': { 'aws:CalledVia': ['athena.amazonaws.com'] } },
      true,
    ],
    ['ForAnyValue with StringLike', { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'te*' } }, true],
    [
      'multi-valued key without a set operator, negated: no value may match',
      { StringNotEquals: { 'aws:TagKeys': 'env' } },
      false,
    ],
    [
      'ForAnyValue on an unknown key',
      { 'ForAnyValue:StringEquals': { 'aws:PrincipalTag/team': 'x' } },
      'unknown',
    ],
  ];
  it.each(rows)('%s', (_name, condition, expected) => {
    expect(outcome(condition)).toBe(expected);
  });

  it('names the keys and facts it used', () => {
    const r = evaluateCondition(
      { StringNotEquals: { 'aws:PrincipalOrgID': ORG }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      CTX,
    );
    expect(r.tests.map((t) => [t.key, t.outcome, t.fact])).toEqual([
      ['aws:PrincipalOrgID', true, 'aws:PrincipalOrgID is absent'],
      ['aws:SourceIp', false, 'aws:SourceIp is 203.0.113.7'],
    ]);
  });
});

describe('operator parsing and helpers', () => {
  it('reads set prefixes and IfExists; rejects NullIfExists and unknown names', () => {
    expect(parseOperator('ForAllValues:StringNotLikeIfExists')).toMatchObject({
      family: 'string',
      compare: 'like',
      negated: true,
      set: 'all',
      ifExists: true,
    });
    expect(parseOperator('NullIfExists')).toBeUndefined();
    expect(parseOperator('StringAlmostEquals')).toBeUndefined();
  });

  it('ipInCidr and arnMatches', () => {
    expect(ipInCidr('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(ipInCidr('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(ipInCidr('10.1.2.3', '0.0.0.0/0')).toBe(true);
    expect(ipInCidr('2001:db8:0:1::5', '2001:db8::/48')).toBe(true);
    expect(ipInCidr('2001:db9::5', '2001:db8::/32')).toBe(false);
    expect(ipInCidr('not-an-ip', '10.0.0.0/8')).toBe(false);
    expect(arnMatches('arn:aws:iam::133450206866:user/*', USER)).toBe(true);
    expect(arnMatches('arn:aws:iam::133450206866:*', ROLE)).toBe(true);
    expect(arnMatches('arn:aws:iam::*', ROLE)).toBe(false);
    expect(arnMatches(ROLE, 'not-an-arn')).toBe(false);
  });
});

describe("Prophecy's request context", () => {
  it('role and user: account from the ARN, type, TLS, absent org/VPC keys, unknown source IP', () => {
    const role = prophecyRequestContext(ROLE);
    const user = prophecyRequestContext(USER);
    expect(role.label).toBe("Prophecy's role");
    expect(user.label).toBe("Prophecy's s3access user");
    expect(outcome({ StringEquals: { 'aws:PrincipalType': 'AssumedRole' } }, role)).toBe(true);
    expect(outcome({ StringEquals: { 'aws:PrincipalType': 'User' } }, user)).toBe(true);
    expect(outcome({ StringEquals: { 'aws:PrincipalArn': USER } }, user)).toBe(true);
    expect(outcome({ Bool: { 'aws:SecureTransport': 'true' } }, role)).toBe(true);
    expect(outcome({ Bool: { 'aws:ViaAWSService': 'false' } }, role)).toBe(true);
    expect(outcome({ Null: { 'aws:PrincipalOrgID': 'true' } }, role)).toBe(true);
    expect(outcome({ Null: { 's3:x-amz-server-side-encryption': 'true' } }, role)).toBe(true);
    expect(outcome({ Null: { 's3:x-amz-acl': 'true' } }, role)).toBe(true);
    expect(outcome({ 'ForAnyValue:StringEquals': { 'aws:CalledVia': 'x' } }, role)).toBe(false);
    for (const key of [
      'aws:SourceIp',
      'aws:userid',
      'aws:PrincipalTag/team',
      's3:ExistingObjectTag/a',
      'aws:Foo',
    ]) {
      expect([key, outcome({ StringEquals: { [key]: 'x' } }, role)]).toEqual([key, 'unknown']);
    }
  });

  it('aws:PrincipalAccount follows an overridden role ARN', () => {
    const other = 'arn:aws:iam::444455556666:role/Custom';
    expect(principalKind(other)).toBe('role');
    expect(
      outcome({ StringEquals: { 'aws:PrincipalAccount': '444455556666' } }, prophecyRequestContext(other)),
    ).toBe(true);
  });

  it('the KMS context adds kms:ViaService for the region and kms:CallerAccount', () => {
    const k = prophecyKmsContext(ROLE, 'eu-west-1');
    expect(outcome({ StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } }, k)).toBe(true);
    expect(outcome({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }, k)).toBe(false);
    expect(outcome({ StringEquals: { 'kms:CallerAccount': '133450206866' } }, k)).toBe(true);
  });
});

// ---- guardrails on a bucket with the vendor policy ----------------------------------------------

const REQUESTS = [
  { principal: ROLE, action: 's3:PutObject', resource: O },
  { principal: ROLE, action: 's3:ListBucket', resource: B },
  { principal: USER, action: 's3:ListBucket', resource: B },
];

function withGuardrail(...extra: Record<string, unknown>[]) {
  const p = generatePolicy(BUCKET) as { Statement: unknown[] };
  p.Statement.push(...extra);
  return p;
}

function judge(policy: unknown) {
  return REQUESTS.map((r) => evaluate(policy, r, prophecyRequestContext(r.principal)));
}

const orgOnly = {
  Sid: 'OrgOnly',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [B, O],
  Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG } },
};

describe('guardrail patterns, evaluated for Prophecy', () => {
  it('the vendor policy alone allows every request', () => {
    expect(judge(generatePolicy(BUCKET)).map((e) => e.verdict)).toEqual(['allowed', 'allowed', 'allowed']);
  });

  it('evaluateForProphecy picks the context from the permission: every required grant is denied by the org-id Deny', () => {
    const policy = withGuardrail(orgOnly);
    const results = requiredPermissions(BUCKET).map((r) => evaluateForProphecy(policy, r));
    expect(results).toHaveLength(11);
    expect(new Set(results.map((e) => e.verdict))).toEqual(new Set(['denied']));
    expect(results.at(-1)?.reason).toMatch(/for Prophecy's s3access user$/);
  });

  it('an org-id Deny blocks both principals and names statement and key', () => {
    const [put, , user] = judge(withGuardrail(orgOnly));
    expect(put?.verdict).toBe('denied');
    expect(put?.reason).toBe(
      `Deny "OrgOnly": aws:PrincipalOrgID is not the customer's org for Prophecy's role`,
    );
    expect(user?.verdict).toBe('denied');
    expect(user?.reason).toBe(
      `Deny "OrgOnly": aws:PrincipalOrgID is not the customer's org for Prophecy's s3access user`,
    );
  });

  it('an org-id Deny with a Prophecy aws:PrincipalAccount exception lets Prophecy through', () => {
    const withException = {
      ...orgOnly,
      Condition: {
        StringNotEquals: { 'aws:PrincipalOrgID': ORG },
        StringNotEqualsIfExists: { 'aws:PrincipalAccount': [CUSTOMER, '133450206866'] },
      },
    };
    const results = judge(withGuardrail(withException));
    expect(results.map((e) => e.verdict)).toEqual(['allowed', 'allowed', 'allowed']);
    expect(results[0]?.excluded.map((m) => m.sid)).toEqual(['OrgOnly']);
    // The same exception for another account does not help.
    const wrong = {
      ...withException,
      Condition: {
        ...withException.Condition,
        StringNotEqualsIfExists: { 'aws:PrincipalAccount': CUSTOMER },
      },
    };
    expect(judge(withGuardrail(wrong)).map((e) => e.verdict)).toEqual(['denied', 'denied', 'denied']);
  });

  it('a VPC endpoint Deny blocks Prophecy', () => {
    const vpce = {
      Sid: 'VpceOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [B, O],
      Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0abc' } },
    };
    const [put] = judge(withGuardrail(vpce));
    expect(put?.verdict).toBe('denied');
    expect(put?.reason).toMatch(/^Deny "VpceOnly": aws:SourceVpce is not the customer's VPC endpoint/);
  });

  it('ArnNotLike aws:PrincipalArn exceptions: with the s3access user all pass, without it the user is denied', () => {
    const deny = (arns: string[]) => ({
      Sid: 'Perimeter',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [B, O],
      Condition: {
        StringNotEquals: { 'aws:PrincipalOrgID': ORG },
        ArnNotLike: { 'aws:PrincipalArn': arns },
      },
    });
    expect(judge(withGuardrail(deny([ROLE, USER]))).map((e) => e.verdict)).toEqual([
      'allowed',
      'allowed',
      'allowed',
    ]);
    const [put, list, user] = judge(withGuardrail(deny([ROLE])));
    expect([put?.verdict, list?.verdict, user?.verdict]).toEqual(['allowed', 'allowed', 'denied']);
    expect(user?.reason).toBe(
      `Deny "Perimeter": aws:PrincipalOrgID is not the customer's org and aws:PrincipalArn is ${USER}, not ${ROLE} for Prophecy's s3access user`,
    );
  });

  it('an aws:SecureTransport=false Deny does not apply: DataSync uses TLS', () => {
    const tls = {
      Sid: 'TLS',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [B, O],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    expect(judge(withGuardrail(tls)).map((e) => e.verdict)).toEqual(['allowed', 'allowed', 'allowed']);
    // Without a context nothing is known, as before.
    expect(evaluate(withGuardrail(tls), REQUESTS[0] as (typeof REQUESTS)[0]).verdict).toBe('conditional');
  });

  it('a Deny on an unknown key (aws:SourceIp) is conditional and names the key', () => {
    const ip = {
      Sid: 'OfficeOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [B, O],
      Condition: { NotIpAddress: { 'aws:SourceIp': '198.51.100.0/24' } },
    };
    const [put] = judge(withGuardrail(ip));
    expect(put?.verdict).toBe('conditional');
    expect(put?.unknownKeys).toEqual(['aws:SourceIp']);
    expect(put?.reason).toBe(`Deny "OfficeOnly" depends on aws:SourceIp, not known for Prophecy's role`);
  });

  it('a Deny requiring an encryption header blocks PutObject only', () => {
    const kmsOnly = {
      Sid: 'RequireKmsHeader',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: O,
      Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
    };
    expect(judge(withGuardrail(kmsOnly)).map((e) => e.verdict)).toEqual(['denied', 'allowed', 'allowed']);
  });

  it('an Allow whose condition fails for Prophecy leaves an implicit deny, with the reason', () => {
    const policy = {
      Statement: [
        {
          Sid: 'OrgRead',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:*',
          Resource: [B, O],
          Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
        },
      ],
    };
    const [put] = judge(policy);
    expect(put?.verdict).toBe('implicit-deny');
    expect(put?.reason).toBe(
      `no statement allows it for Prophecy's role: Allow "OrgRead" does not apply, aws:PrincipalOrgID is not the customer's org`,
    );
  });
});

describe('guardrail fixes', () => {
  it('adds a StringNotEqualsIfExists aws:PrincipalAccount exception that makes the org-id Deny pass', () => {
    const policy = withGuardrail(orgOnly);
    const [put] = judge(policy);
    const fixes = guardrailFixes(policy, put as NonNullable<typeof put>, DEFAULT_PRINCIPALS);
    expect(fixes).toHaveLength(1);
    const fix = fixes[0] as (typeof fixes)[number];
    expect(fix.sid).toBe('OrgOnly');
    expect(fix.kind).toBe('principal-account');
    expect(fix.exception).toEqual({ StringNotEqualsIfExists: { 'aws:PrincipalAccount': ['133450206866'] } });
    expect(fix.statement.Condition).toEqual({
      StringNotEquals: { 'aws:PrincipalOrgID': ORG },
      StringNotEqualsIfExists: { 'aws:PrincipalAccount': ['133450206866'] },
    });
    expect(fix.text).toContain('Statement "OrgOnly" blocks Prophecy');
    const fixed = withGuardrail(fix.statement);
    fixed.Statement.splice(2, 1);
    expect(judge(fixed).map((e) => e.verdict)).toEqual(['allowed', 'allowed', 'allowed']);
  });

  it('widens an existing ArnNotLike aws:PrincipalArn exception with the missing user', () => {
    const perimeter = {
      Sid: 'Perimeter',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [B, O],
      Condition: {
        StringNotEquals: { 'aws:PrincipalOrgID': ORG },
        ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/Admin', ROLE] },
      },
    };
    const fix = guardrailException(perimeter, 2, DEFAULT_PRINCIPALS);
    expect(fix.kind).toBe('principal-arn');
    expect(fix.exception).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/Admin', ROLE, USER] },
    });
    const fixed = generatePolicy(BUCKET) as { Statement: unknown[] };
    fixed.Statement.push(fix.statement);
    expect(judge(fixed).map((e) => e.verdict)).toEqual(['allowed', 'allowed', 'allowed']);
  });

  it('adds ArnNotLikeIfExists with both principals when asked for the ARN form', () => {
    const fix = guardrailException(orgOnly, 2, DEFAULT_PRINCIPALS, 'principal-arn');
    expect(fix.exception).toEqual({ ArnNotLikeIfExists: { 'aws:PrincipalArn': [ROLE, USER] } });
  });

  it('widens an existing aws:PrincipalAccount exception instead of adding a second', () => {
    const s = {
      ...orgOnly,
      Condition: { ...orgOnly.Condition, StringNotEqualsIfExists: { 'aws:PrincipalAccount': CUSTOMER } },
    };
    expect(guardrailException(s, 0, DEFAULT_PRINCIPALS).exception).toEqual({
      StringNotEqualsIfExists: { 'aws:PrincipalAccount': [CUSTOMER, '133450206866'] },
    });
  });

  it('a Deny conditional on an unknown key (aws:SourceIp) gets the same exception, which settles it', () => {
    const ip = {
      Sid: 'OfficeOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [B, O],
      Condition: { NotIpAddress: { 'aws:SourceIp': '198.51.100.0/24' } },
    };
    const policy = withGuardrail(ip);
    const [put] = judge(policy);
    const [fix] = guardrailFixes(policy, put as NonNullable<typeof put>, DEFAULT_PRINCIPALS);
    expect(fix?.sid).toBe('OfficeOnly');
    const fixed = withGuardrail(fix?.statement as Record<string, unknown>);
    fixed.Statement.splice(2, 1);
    expect(judge(fixed).map((e) => e.verdict)).toEqual(['allowed', 'allowed', 'allowed']);
  });

  it('no fix for an allowed request or a Deny without a condition', () => {
    const plain = { Sid: 'NoPut', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: O };
    const policy = withGuardrail(plain);
    const [put, list] = judge(policy);
    expect(guardrailFixes(policy, put as NonNullable<typeof put>, DEFAULT_PRINCIPALS)).toEqual([]);
    expect(guardrailFixes(policy, list as NonNullable<typeof list>, DEFAULT_PRINCIPALS)).toEqual([]);
  });
});
