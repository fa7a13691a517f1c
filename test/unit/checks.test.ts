import { describe, expect, it } from 'vitest';
import type { BucketState } from '../../src/core/bucket-state.js';
import {
  type CheckInput,
  type CheckResult,
  extraGrants,
  runChecks,
  summarize,
} from '../../src/core/checks.js';
import {
  bucketArn,
  DEFAULT_PRINCIPALS,
  generatePolicy,
  objectsArn,
  type PolicyDocument,
  type PolicyStatement,
} from '../../src/core/policy.js';
import { policyStatements } from '../../src/core/policy-eval.js';
import { DATASYNC_ACTIONS } from '../../src/core/vendor.js';
import { verifyResultSchema } from '../../src/schemas/verify.js';
import { renderChecks } from '../../src/ui/checks-render.js';

const BUCKET = 'prophecy-customer-backend-events-acme';
const B = bucketArn(BUCKET);
const O = objectsArn(BUCKET);
const ROLE = DEFAULT_PRINCIPALS.datasyncRoleArn;
const USER = DEFAULT_PRINCIPALS.locationUserArn;

function healthy(overrides: Partial<BucketState> = {}): BucketState {
  return {
    bucket: BUCKET,
    existence: 'yours',
    region: 'us-east-1',
    objectOwnership: 'BucketOwnerEnforced',
    publicAccessBlock: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
    policyText: JSON.stringify(generatePolicy(BUCKET)),
    denied: [],
    ...overrides,
  };
}

function run(state: BucketState, extra: Partial<CheckInput> = {}): CheckResult[] {
  return runChecks({ state, expectedRegion: 'us-east-1', principals: DEFAULT_PRINCIPALS, ...extra });
}

function check(results: CheckResult[], id: CheckResult['id']): CheckResult {
  const r = results.find((c) => c.id === id);
  if (!r) throw new Error(`no ${id} check in ${results.map((c) => c.id).join(',')}`);
  return r;
}

function withPolicy(edit: (p: PolicyDocument) => void): BucketState {
  const p = generatePolicy(BUCKET);
  edit(p);
  return healthy({ policyText: JSON.stringify(p) });
}

describe('runChecks', () => {
  it('a bucket set up as the vendor page says passes every check', () => {
    const results = run(healthy());
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['bucket', 'pass'],
      ['name', 'pass'],
      ['region', 'pass'],
      ['ownership', 'pass'],
      ['policy', 'pass'],
      ['least-privilege', 'pass'],
      ['public-access', 'pass'],
    ]);
    expect(summarize(results)).toMatchObject({ pass: 7, warn: 0, fail: 0, ok: true, exitCode: 0 });
  });

  it('a missing bucket fails the bucket check and skips the rest', () => {
    const results = run({ bucket: BUCKET, existence: 'not-found', denied: [] });
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['bucket', 'fail'],
      ['name', 'pass'],
    ]);
    expect(check(results, 'bucket').message).toMatch(/does not exist/);
    expect(summarize(results).exitCode).toBe(1);
  });

  it('a refused HeadBucket says "not yours or no s3:ListBucket"', () => {
    const r = check(run({ bucket: BUCKET, existence: 'forbidden', denied: [] }), 'bucket');
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/not yours or no s3:ListBucket/);
  });

  it('a name without the vendor prefix warns', () => {
    const r = check(
      run(healthy({ bucket: 'acme-audit', policyText: JSON.stringify(generatePolicy('acme-audit')) })),
      'name',
    );
    expect(r.status).toBe('warn');
    expect(r.message).toMatch(/prophecy-customer-backend-events-/);
  });

  it('region: mismatch fails, a matching non-default region warns with the vendor note', () => {
    const mismatch = check(run(healthy({ region: 'eu-west-1' })), 'region');
    expect(mismatch.status).toBe('fail');
    expect(mismatch.message).toMatch(/in eu-west-1, expected us-east-1/);
    const other = check(run(healthy({ region: 'eu-west-1' }), { expectedRegion: 'eu-west-1' }), 'region');
    expect(other.status).toBe('warn');
    expect(other.message).toMatch(/extra configuration/);
  });

  it('ownership: ObjectWriter and no setting fail; BucketOwnerEnforced passes', () => {
    const writer = check(run(healthy({ objectOwnership: 'ObjectWriter' })), 'ownership');
    expect(writer.status).toBe('fail');
    expect(writer.message).toMatch(/ObjectWriter.*BucketOwnerEnforced/);
    const none = check(run(healthy({ objectOwnership: undefined })), 'ownership');
    expect(none.status).toBe('fail');
    expect(none.message).toMatch(/no Object Ownership/);
  });

  it('policy: none at all fails', () => {
    const r = check(run(healthy({ policyText: undefined })), 'policy');
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/no policy/);
  });

  it('policy: unparseable text fails and least-privilege says it could not check', () => {
    const results = run(healthy({ policyText: '{"Statement": ' }));
    expect(check(results, 'policy')).toMatchObject({ status: 'fail' });
    expect(check(results, 'policy').message).toMatch(/not valid JSON/);
    expect(check(results, 'least-privilege').status).toBe('warn');
  });

  it('policy: one action removed fails naming principal, action and resource', () => {
    const state = withPolicy((p) => {
      const st = p.Statement[0] as PolicyStatement;
      st.Action = (st.Action as string[]).filter((a) => a !== 's3:PutObjectTagging');
    });
    const r = check(run(state), 'policy');
    expect(r.status).toBe('fail');
    expect(r.message).toContain('1 of 11 required grants missing');
    expect(r.message).toContain(
      `role/AWSDataSyncS3BucketAccessCustomerBackendEventsRole: s3:PutObjectTagging on ${O}`,
    );
    expect(r.details).toEqual({
      missing: [
        {
          principal: ROLE,
          action: 's3:PutObjectTagging',
          resource: O,
          verdict: 'implicit-deny',
          reason: "no statement allows it for Prophecy's role",
        },
      ],
    });
  });

  it('policy: object actions only on the bucket ARN fail for each object action', () => {
    const state = withPolicy((p) => {
      (p.Statement[0] as PolicyStatement).Resource = B;
    });
    const r = check(run(state), 'policy');
    expect(r.message).toContain('7 of 11 required grants missing');
    expect(r.message).toContain(`s3:GetObject on ${O}`);
  });

  it('policy: an explicit Deny is named', () => {
    const state = withPolicy((p) => {
      p.Statement.push({
        Sid: 'NoPut',
        Effect: 'Deny',
        Principal: { AWS: ROLE },
        Action: 's3:PutObject',
        Resource: O,
      });
    });
    const r = check(run(state), 'policy');
    expect(r.status).toBe('fail');
    expect(r.message).toContain('s3:PutObject');
    expect(r.message).toContain('Deny "NoPut" applies to Prophecy\'s role without a condition');
    // A Deny without a condition blocks everyone: no exception snippet is offered for it.
    expect(r.fix).toBeUndefined();
  });

  it('policy: a deleted role shown as AROA… is reported by name', () => {
    const text = JSON.stringify(generatePolicy(BUCKET)).replace(ROLE, 'AROAXMPLE1234567890AB');
    const r = check(run(healthy({ policyText: text })), 'policy');
    expect(r.status).toBe('fail');
    expect(r.message).toContain(
      'the principal is a unique id (AROAXMPLE1234567890AB), the role it named was deleted; re-run setup',
    );
  });

  it('policy: a deny-non-TLS statement (aws:SecureTransport) is decided: DataSync always uses TLS', () => {
    const state = withPolicy((p) => {
      p.Statement.push({
        Sid: 'TLSOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [B, O],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
    });
    const results = run(state);
    expect(check(results, 'policy')).toMatchObject({
      status: 'pass',
      message: "all 11 required grants are allowed for Prophecy's requests",
    });
    // A Deny to "*" is not a public grant.
    expect(check(results, 'least-privilege').status).toBe('pass');
  });

  it('policy: a condition on a key nobody can know from here (aws:SourceIp) warns, naming the key; --strict fails', () => {
    const state = withPolicy((p) => {
      p.Statement.push({
        Sid: 'OfficeOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [B, O],
        Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
      });
    });
    const results = run(state);
    const r = check(results, 'policy');
    expect(r.status).toBe('warn');
    expect(r.message).toContain('all 11 required grants depend on aws:SourceIp');
    expect(r.message).toContain('Deny "OfficeOnly" depends on aws:SourceIp, not known for Prophecy\'s role');
    expect(JSON.stringify(r.details)).toContain('"unknownKeys":["aws:SourceIp"]');
    expect(summarize(results).exitCode).toBe(0);
    expect(summarize(results, { strict: true }).exitCode).toBe(1);
  });

  it('policy: an org-id guardrail Deny fails naming statement and key, with the exception snippet', () => {
    const state = withPolicy((p) => {
      p.Statement.push({
        Sid: 'OrgOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [B, O],
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
      });
    });
    const r = check(run(state), 'policy');
    expect(r.status).toBe('fail');
    expect(r.message).toContain('11 of 11 required grants missing');
    expect(r.message).toContain(
      'role/AWSDataSyncS3BucketAccessCustomerBackendEventsRole: all 10 of its grants (Deny "OrgOnly": aws:PrincipalOrgID is not the customer\'s org for Prophecy\'s role)',
    );
    expect(r.message).toContain('user/s3access: s3:ListBucket');
    expect(r.message).toContain('fix: keep statement "OrgOnly" and add an exception for Prophecy');
    expect(r.fix).toContain('"StringNotEqualsIfExists"');
    expect(r.fix).toContain('"aws:PrincipalAccount"');
    const fixes = (r.details as { fixes: { statement: string; fixed: { Condition: unknown } }[] }).fixes;
    expect(fixes).toHaveLength(1);
    expect(fixes[0]?.statement).toBe('"OrgOnly"');
    expect(fixes[0]?.fixed.Condition).toEqual({
      StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' },
      StringNotEqualsIfExists: { 'aws:PrincipalAccount': ['133450206866'] },
    });
  });

  it('policy: the same guardrail with the exception for Prophecy passes', () => {
    const state = withPolicy((p) => {
      p.Statement.push({
        Sid: 'OrgOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [B, O],
        Condition: {
          StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' },
          StringNotEqualsIfExists: { 'aws:PrincipalAccount': ['133450206866'] },
        },
      });
    });
    expect(check(run(state), 'policy').status).toBe('pass');
  });

  it('policy: a VPC endpoint guardrail fails; ArnNotLike exceptions count only for the principals they name', () => {
    const vpce = (exception?: string[]) =>
      withPolicy((p) => {
        p.Statement.push({
          Sid: 'VpceOnly',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [B, O],
          Condition: {
            StringNotEquals: { 'aws:SourceVpce': 'vpce-0abc' },
            ...(exception ? { ArnNotLike: { 'aws:PrincipalArn': exception } } : {}),
          },
        });
      });
    const blocked = check(run(vpce()), 'policy');
    expect(blocked.status).toBe('fail');
    expect(blocked.message).toContain(
      "aws:SourceVpce is not the customer's VPC endpoint (DataSync does not come through it)",
    );
    const roleOnly = check(run(vpce([ROLE])), 'policy');
    expect(roleOnly.status).toBe('fail');
    expect(roleOnly.message).toContain('1 of 11 required grants missing — user/s3access: s3:ListBucket');
    // The fix widens the existing ArnNotLike exception rather than adding a second one.
    expect(roleOnly.fix).toContain('"ArnNotLike"');
    expect(roleOnly.fix).toContain('arn:aws:iam::133450206866:user/s3access');
    expect(check(run(vpce([ROLE, 'arn:aws:iam::133450206866:user/s3access'])), 'policy').status).toBe('pass');
  });

  it('policy: the account root warns as delegated to the account', () => {
    const text = JSON.stringify(generatePolicy(BUCKET)).replaceAll(
      /"arn:aws:iam::133450206866:[^"]+"/g,
      '"133450206866"',
    );
    const r = check(run(healthy({ policyText: text })), 'policy');
    expect(r.status).toBe('warn');
    expect(r.message).toMatch(/whole account 133450206866 \(root\)/);
  });

  it('least privilege: s3:* to the role passes the policy check and warns listing the extra actions', () => {
    const state = withPolicy((p) => {
      (p.Statement[0] as PolicyStatement).Action = 's3:*';
    });
    const results = run(state);
    expect(check(results, 'policy').status).toBe('pass');
    const lp = check(results, 'least-privilege');
    expect(lp.status).toBe('warn');
    expect(lp.message).toContain('s3:DeleteBucket');
    expect(lp.message).toContain('s3:PutBucketPolicy');
    expect(lp.message).toContain('"DataSyncCreateS3LocationAndTaskAccess"');
  });

  it('least privilege: named extra actions, for the location user too', () => {
    const state = withPolicy((p) => {
      (p.Statement[1] as PolicyStatement).Action = ['s3:ListBucket', 's3:GetObject'];
      (p.Statement[1] as PolicyStatement).Resource = [B, O];
    });
    const extra = extraGrants(policyStatements(state.policyText), BUCKET, DEFAULT_PRINCIPALS);
    expect(extra).toEqual([
      { principal: USER, actions: ['s3:GetObject'], statements: ['"DataSyncCreateS3Location"'] },
    ]);
    expect(check(run(state), 'least-privilege').message).toMatch(/user\/s3access also gets s3:GetObject/);
  });

  it('least privilege: an extra action that a Deny blocks is not reported', () => {
    const state = withPolicy((p) => {
      (p.Statement[0] as PolicyStatement).Action = 's3:*';
      p.Statement.push({
        Effect: 'Deny',
        Principal: '*',
        NotAction: [...DATASYNC_ACTIONS],
        Resource: [B, O],
      });
    });
    const results = run(state);
    expect(check(results, 'least-privilege').status).toBe('pass');
    expect(check(results, 'policy').status).toBe('pass');
  });

  it('least privilege: Principal "*" fails as public', () => {
    const state = withPolicy((p) => {
      p.Statement.push({ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: O });
    });
    const lp = check(run(state), 'least-privilege');
    expect(lp.status).toBe('fail');
    expect(lp.message).toMatch(/makes the bucket public.*"Open"/);
  });

  it('public access block: missing or partly off warns', () => {
    const none = check(run(healthy({ publicAccessBlock: undefined })), 'public-access');
    expect(none.status).toBe('warn');
    const partial = check(
      run(
        healthy({
          publicAccessBlock: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: false,
            RestrictPublicBuckets: false,
          },
        }),
      ),
      'public-access',
    );
    expect(partial.status).toBe('warn');
    expect(partial.message).toContain('BlockPublicPolicy, RestrictPublicBuckets');
  });

  it('a refused read fails its check naming the permission', () => {
    const r = check(run(healthy({ policyText: undefined, denied: ['s3:GetBucketPolicy'] })), 'policy');
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/access denied.*s3:GetBucketPolicy/);
  });

  describe('freshness', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    const maxAgeMs = 26 * 3_600_000;

    it('is absent without --max-age', () => {
      expect(run(healthy()).some((r) => r.id === 'freshness')).toBe(false);
    });

    it('passes when the newest object is younger than the limit', () => {
      const newest = { key: 'a/b.json', lastModified: new Date('2026-11-25T02:00:00Z'), count: 3 };
      const r = check(run(healthy(), { maxAgeMs, newest, now }), 'freshness');
      expect(r.status).toBe('pass');
      expect(r.message).toContain('2026-11-25T02:00:00.000Z (10h ago)');
    });

    it('fails with the timestamp when it is older', () => {
      const newest = { key: 'a/b.json', lastModified: new Date('2026-11-23T09:30:00Z'), count: 3 };
      const r = check(run(healthy(), { maxAgeMs, newest, now }), 'freshness');
      expect(r.status).toBe('fail');
      expect(r.message).toContain('2026-11-23T09:30:00.000Z (2d 2h ago), older than 1d 2h');
    });

    it('fails on an empty bucket', () => {
      const r = check(run(healthy(), { maxAgeMs, newest: null, now }), 'freshness');
      expect(r.status).toBe('fail');
      expect(r.message).toMatch(/no objects/);
    });

    it('fails when the listing was refused', () => {
      const r = check(run(healthy({ denied: ['s3:ListBucket'] }), { maxAgeMs, now }), 'freshness');
      expect(r.status).toBe('fail');
      expect(r.message).toMatch(/s3:ListBucket/);
    });
  });
});

describe('renderChecks', () => {
  const stream = { isTTY: false } as NodeJS.WriteStream;

  it('one line per check with ✔/⚠/✖ and a summary line, no colours off a TTY', () => {
    const results = run(healthy({ objectOwnership: 'ObjectWriter', publicAccessBlock: undefined }));
    const out = renderChecks(results, { stream });
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatch(/^✔ bucket +prophecy-customer-backend-events-acme exists/);
    expect(lines[3]).toMatch(/^✖ ownership +Object Ownership is ObjectWriter/);
    expect(lines[6]).toMatch(/^⚠ public-access/);
    expect(lines[7]).toBe('FAILED: 5 passed, 1 warning, 1 failed');
    expect(out.includes('\u001b[')).toBe(false);
  });

  it('--quiet prints only failures (and nothing when all is well)', () => {
    const bad = run(healthy({ objectOwnership: 'ObjectWriter', publicAccessBlock: undefined }));
    const lines = renderChecks(bad, { stream, quiet: true }).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^✖ ownership/);
    expect(renderChecks(run(healthy({ publicAccessBlock: undefined })), { stream, quiet: true })).toBe('');
  });
});

describe('verifyResultSchema', () => {
  it('accepts a document built from real check results and rejects a wrong schemaVersion', () => {
    const results = run(healthy());
    const doc = {
      schemaVersion: 1,
      ok: true,
      bucket: BUCKET,
      region: 'us-east-1',
      checks: results.map((r) => ({ ...r, details: r.details ?? null })),
    };
    expect(verifyResultSchema.parse(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
    expect(verifyResultSchema.safeParse({ ...doc, schemaVersion: 2 }).success).toBe(false);
    expect(
      verifyResultSchema.safeParse({ ...doc, checks: [{ id: 'nope', status: 'pass', message: '' }] }).success,
    ).toBe(false);
  });
});
