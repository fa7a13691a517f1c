import type { NewestObject } from '../aws/bucket-read.js';
import { checkBucketName } from './bucket-name.js';
import type { BucketState, PublicAccessBlock } from './bucket-state.js';
import { formatDuration } from './duration.js';
import {
  bucketArn,
  objectsArn,
  type RequiredPermission,
  requiredPermissions,
  type VendorPrincipals,
  vendorPrincipalArns,
} from './policy.js';
import {
  type Evaluation,
  evaluate,
  PolicyParseError,
  policyStatements,
  publicStatements,
  type RawStatement,
  statementLabel,
} from './policy-eval.js';
import { isRevoked } from './revoke-plan.js';
import { DEFAULT_REGION, NON_DEFAULT_REGION_NOTE } from './vendor.js';

/** verify's checks in the order they run. Stable: scripts match on these ids, and the JSON schema uses this list. */
export const CHECK_IDS = [
  'bucket',
  'name',
  'region',
  'ownership',
  'policy',
  'least-privilege',
  'public-access',
  'freshness',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];
export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** One line a person can act on. */
  message: string;
  /** Machine-readable specifics (missing grants, conditions, timestamps); part of the --json output. */
  details?: unknown;
}

export interface CheckInput {
  state: BucketState;
  expectedRegion: string;
  principals: VendorPrincipals;
  /** With --max-age: the oldest the newest object may be. */
  maxAgeMs?: number;
  /** The newest object; null = the bucket is empty; undefined = not requested (no freshness check). */
  newest?: NewestObject | null;
  now?: Date;
}

const pass = (id: CheckId, message: string, details?: unknown): CheckResult =>
  details === undefined ? { id, status: 'pass', message } : { id, status: 'pass', message, details };
const warn = (id: CheckId, message: string, details?: unknown): CheckResult =>
  details === undefined ? { id, status: 'warn', message } : { id, status: 'warn', message, details };
const fail = (id: CheckId, message: string, details?: unknown): CheckResult =>
  details === undefined ? { id, status: 'fail', message } : { id, status: 'fail', message, details };

function deniedRead(state: BucketState, action: string): string | undefined {
  return state.denied.includes(action)
    ? `could not read it: access denied (your identity needs ${action} on ${state.bucket}, and the bucket must be in your account)`
    : undefined;
}

function checkBucket(state: BucketState): CheckResult {
  const b = state.bucket;
  switch (state.existence) {
    case 'yours':
      return pass('bucket', `${b} exists and is reachable`);
    case 'not-found':
      return fail('bucket', `${b} does not exist; create it with \`prophecy-audit setup\``);
    case 'forbidden':
      return fail(
        'bucket',
        `${b} exists but HeadBucket was refused (403): not yours or no s3:ListBucket for your identity`,
      );
    case 'exists-not-yours':
      return fail('bucket', `${b} exists but belongs to another AWS account`);
  }
}

function checkName(bucket: string): CheckResult {
  const r = checkBucketName(bucket);
  if (!r.ok) return fail('name', r.message);
  if (r.warnings.length > 0) return warn('name', r.warnings.join(' '));
  return pass('name', 'follows prophecy-customer-backend-events-<suffix>');
}

function checkRegion(state: BucketState, expected: string): CheckResult {
  const denied = deniedRead(state, 's3:GetBucketLocation');
  if (denied) return fail('region', denied);
  const actual = state.region;
  if (!actual) return fail('region', 'the bucket did not report its region');
  const details = { actual, expected };
  if (actual !== expected) {
    return fail(
      'region',
      `the bucket is in ${actual}, expected ${expected} (pass --region ${actual} if that is intended)`,
      details,
    );
  }
  if (actual !== DEFAULT_REGION) return warn('region', `${actual}: ${NON_DEFAULT_REGION_NOTE}`, details);
  return pass('region', actual, details);
}

function checkOwnership(state: BucketState): CheckResult {
  const denied = deniedRead(state, 's3:GetBucketOwnershipControls');
  if (denied) return fail('ownership', denied);
  const o = state.objectOwnership;
  if (o === 'BucketOwnerEnforced')
    return pass('ownership', 'BucketOwnerEnforced (ACLs disabled)', { value: o });
  if (o === undefined) {
    return fail(
      'ownership',
      'no Object Ownership setting (ACLs enabled); set it to BucketOwnerEnforced (re-run setup)',
      { value: null },
    );
  }
  return fail(
    'ownership',
    `Object Ownership is ${o} (ACLs enabled); set it to BucketOwnerEnforced (re-run setup)`,
    { value: o },
  );
}

/** `arn:aws:iam::123:role/Name` → `role/Name (123)`, short enough for a table row. */
export function shortPrincipal(arn: string): string {
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):(.+)$/.exec(arn);
  return m ? `${m[2]}` : arn;
}

function conditionText(c: Record<string, unknown>): string {
  return JSON.stringify(c);
}

interface GrantVerdict extends RequiredPermission {
  evaluation: Evaluation;
}

type PolicyRead =
  | { kind: 'denied'; message: string }
  | { kind: 'absent' }
  | { kind: 'invalid'; message: string }
  | { kind: 'ok'; statements: RawStatement[] };

function readPolicy(state: BucketState): PolicyRead {
  const denied = deniedRead(state, 's3:GetBucketPolicy');
  if (denied) return { kind: 'denied', message: denied };
  if (state.policyText === undefined || state.policyText.trim() === '') return { kind: 'absent' };
  try {
    return { kind: 'ok', statements: policyStatements(state.policyText) };
  } catch (err) {
    if (err instanceof PolicyParseError) return { kind: 'invalid', message: err.message };
    throw err;
  }
}

function missingReason(e: Evaluation): string {
  if (e.verdict === 'denied') {
    const by = e.matched.filter((m) => m.effect === 'Deny' && !m.condition).map(statementLabel);
    return `denied by statement ${by.join(', ')}`;
  }
  if (e.staleUniqueIds.length > 0) {
    return `the principal is a unique id (${e.staleUniqueIds.join(', ')}), the role it named was deleted; re-run setup`;
  }
  return 'no statement allows it';
}

function grantText(g: RequiredPermission): string {
  return `${g.action} on ${g.resource}`;
}

/** Groups items by principal: `role/X: a; b — user/Y: c`. */
function byPrincipal<T extends { principal: string }>(items: T[], text: (t: T) => string): string {
  const groups = new Map<string, string[]>();
  for (const it of items) {
    const list = groups.get(it.principal) ?? [];
    list.push(text(it));
    groups.set(it.principal, list);
  }
  return [...groups].map(([p, list]) => `${shortPrincipal(p)}: ${list.join('; ')}`).join(' — ');
}

/**
 * No statement of this tool's and no other grant to Prophecy (`isRevoked`): what `revoke` leaves. Said in
 * so many words, so a cron job still running verify after an intentional revoke is easy to recognise.
 * Always holds for a bucket without policy; otherwise only when required grants are missing.
 */
function revokedPolicy(state: BucketState, principals: VendorPrincipals): CheckResult | undefined {
  if (!isRevoked(state.policyText ?? null, principals, state.bucket)) return undefined;
  const then = 'run setup to grant it again, or, if the revoke was intended, remove this verify (cron) entry';
  return state.policyText === undefined || state.policyText.trim() === ''
    ? fail(
        'policy',
        `the bucket has no policy, so Prophecy cannot sync into it: Prophecy's access was removed (or never granted); ${then}`,
        { revoked: true },
      )
    : fail(
        'policy',
        `Prophecy's access was removed: the bucket policy has none of Prophecy's statements and no other grant to Prophecy; ${then}`,
        { revoked: true },
      );
}

function checkPolicy(state: BucketState, principals: VendorPrincipals, policy: PolicyRead): CheckResult {
  if (policy.kind === 'denied') return fail('policy', policy.message);
  if (policy.kind === 'absent') {
    return (
      revokedPolicy(state, principals) ??
      fail('policy', 'the bucket has no policy, so Prophecy cannot sync into it; run setup to apply it')
    );
  }
  if (policy.kind === 'invalid') return fail('policy', `the bucket policy cannot be read: ${policy.message}`);
  const required = requiredPermissions(state.bucket, principals);
  const verdicts: GrantVerdict[] = required.map((r) => ({
    ...r,
    evaluation: evaluate(policy.statements, {
      principal: r.principal,
      action: r.action,
      resource: r.resource,
    }),
  }));
  const entry = (v: GrantVerdict) => ({
    principal: v.principal,
    action: v.action,
    resource: v.resource,
    verdict: v.evaluation.verdict,
    ...(v.evaluation.staleUniqueIds.length > 0 ? { staleUniqueIds: v.evaluation.staleUniqueIds } : {}),
    ...(v.evaluation.conditions.length > 0 ? { conditions: v.evaluation.conditions } : {}),
    ...(v.evaluation.delegated ? { delegatedToAccount: true } : {}),
  });
  const missing = verdicts.filter(
    (v) => v.evaluation.verdict === 'denied' || v.evaluation.verdict === 'implicit-deny',
  );
  if (missing.length > 0) {
    const revoked = revokedPolicy(state, principals);
    if (revoked) return revoked;
    const text = byPrincipal(missing, (v) => `${grantText(v)} (${missingReason(v.evaluation)})`);
    return fail('policy', `${missing.length} of ${required.length} required grants missing — ${text}`, {
      missing: missing.map(entry),
    });
  }
  const conditional = verdicts.filter((v) => v.evaluation.verdict === 'conditional');
  const delegated = verdicts.filter((v) => v.evaluation.delegated);
  if (conditional.length > 0 || delegated.length > 0) {
    const parts: string[] = [];
    if (conditional.length > 0) {
      const statements = [
        ...new Set(
          conditional.flatMap((v) =>
            v.evaluation.matched
              .filter((m) => m.condition)
              .map(
                (m) =>
                  `${m.effect} ${statementLabel(m)} if ${conditionText(m.condition as Record<string, unknown>)}`,
              ),
          ),
        ),
      ];
      const which =
        conditional.length === required.length
          ? `all ${required.length} required grants depend`
          : `${conditional.length} of ${required.length} required grants (${byPrincipal(conditional, (v) => v.action)}) depend`;
      parts.push(`${which} on a condition — ${statements.join('; ')} (Prophecy's access depends on it)`);
    }
    if (delegated.length > 0) {
      const accounts = [...new Set(delegated.map((v) => /iam::(\d{12})/.exec(v.principal)?.[1] ?? '?'))];
      parts.push(
        `${delegated.length} grant${delegated.length === 1 ? '' : 's'} name${delegated.length === 1 ? 's' : ''} the whole account ${accounts.join(', ')} (root) instead of the principal, which delegates the decision to that account's IAM policies; name the role/user instead (re-run setup)`,
      );
    }
    return warn('policy', parts.join('; '), {
      conditional: conditional.map(entry),
      delegated: delegated.map(entry),
    });
  }
  return pass('policy', `all ${required.length} required grants are allowed`);
}

/**
 * S3 actions a wildcard in a bucket policy may reach; used to tell what `s3:*`, `s3:Get*` or a NotAction
 * grant adds beyond the required set. Actions named literally in a policy are considered too.
 */
export const S3_ACTIONS: readonly string[] = [
  's3:AbortMultipartUpload',
  's3:BypassGovernanceRetention',
  's3:CreateBucket',
  's3:DeleteBucket',
  's3:DeleteBucketPolicy',
  's3:DeleteBucketWebsite',
  's3:DeleteObject',
  's3:DeleteObjectTagging',
  's3:DeleteObjectVersion',
  's3:DeleteObjectVersionTagging',
  's3:GetAccelerateConfiguration',
  's3:GetAnalyticsConfiguration',
  's3:GetBucketAcl',
  's3:GetBucketCORS',
  's3:GetBucketLocation',
  's3:GetBucketLogging',
  's3:GetBucketNotification',
  's3:GetBucketObjectLockConfiguration',
  's3:GetBucketOwnershipControls',
  's3:GetBucketPolicy',
  's3:GetBucketPolicyStatus',
  's3:GetBucketPublicAccessBlock',
  's3:GetBucketRequestPayment',
  's3:GetBucketTagging',
  's3:GetBucketVersioning',
  's3:GetBucketWebsite',
  's3:GetEncryptionConfiguration',
  's3:GetIntelligentTieringConfiguration',
  's3:GetInventoryConfiguration',
  's3:GetLifecycleConfiguration',
  's3:GetMetricsConfiguration',
  's3:GetObject',
  's3:GetObjectAcl',
  's3:GetObjectAttributes',
  's3:GetObjectLegalHold',
  's3:GetObjectRetention',
  's3:GetObjectTagging',
  's3:GetObjectVersion',
  's3:GetObjectVersionAcl',
  's3:GetObjectVersionTagging',
  's3:GetReplicationConfiguration',
  's3:ListBucket',
  's3:ListBucketMultipartUploads',
  's3:ListBucketVersions',
  's3:ListMultipartUploadParts',
  's3:PutAccelerateConfiguration',
  's3:PutAnalyticsConfiguration',
  's3:PutBucketAcl',
  's3:PutBucketCORS',
  's3:PutBucketLogging',
  's3:PutBucketNotification',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketOwnershipControls',
  's3:PutBucketPolicy',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketRequestPayment',
  's3:PutBucketTagging',
  's3:PutBucketVersioning',
  's3:PutBucketWebsite',
  's3:PutEncryptionConfiguration',
  's3:PutIntelligentTieringConfiguration',
  's3:PutInventoryConfiguration',
  's3:PutLifecycleConfiguration',
  's3:PutMetricsConfiguration',
  's3:PutObject',
  's3:PutObjectAcl',
  's3:PutObjectLegalHold',
  's3:PutObjectRetention',
  's3:PutObjectTagging',
  's3:PutObjectVersionAcl',
  's3:PutObjectVersionTagging',
  's3:PutReplicationConfiguration',
  's3:ReplicateDelete',
  's3:ReplicateObject',
  's3:ReplicateTags',
  's3:RestoreObject',
];

/** The actions worth naming first when a wildcard grants too much: they can destroy or expose the bucket. */
const SENSITIVE = [
  's3:DeleteBucket',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketAcl',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketOwnershipControls',
  's3:PutLifecycleConfiguration',
  's3:DeleteObjectVersion',
  's3:BypassGovernanceRetention',
];

export interface ExtraGrant {
  principal: string;
  /** Every action beyond the required set that the policy allows (or conditionally allows) this principal. */
  actions: string[];
  /** The statements that grant them, by Sid or position. */
  statements: string[];
}

function literalActions(statements: RawStatement[]): string[] {
  return statements.flatMap((s) =>
    s.Effect === 'Allow' && s.Action !== undefined
      ? (Array.isArray(s.Action) ? s.Action : [s.Action]).map(String).filter((a) => !/[*?]/.test(a))
      : [],
  );
}

/** Grants to the vendor principals beyond the required set; public grants are reported separately. */
export function extraGrants(
  statements: RawStatement[],
  bucket: string,
  principals: VendorPrincipals,
): ExtraGrant[] {
  const required = requiredPermissions(bucket, principals);
  const candidates = new Map<string, string>();
  for (const a of [...S3_ACTIONS, ...literalActions(statements)]) candidates.set(a.toLowerCase(), a);
  const out: ExtraGrant[] = [];
  for (const principal of new Set(vendorPrincipalArns(principals))) {
    const mine = new Set(
      required.filter((r) => r.principal === principal).map((r) => r.action.toLowerCase()),
    );
    const actions: string[] = [];
    const via = new Set<string>();
    for (const [lower, action] of candidates) {
      if (mine.has(lower)) continue;
      for (const resource of [bucketArn(bucket), objectsArn(bucket)]) {
        const e = evaluate(statements, { principal, action, resource });
        if (e.verdict === 'denied' || e.verdict === 'implicit-deny') continue;
        const granting = e.matched.filter(
          (m) => m.effect === 'Allow' && (m.principalMatch === 'exact' || m.principalMatch === 'account'),
        );
        if (granting.length === 0) continue;
        actions.push(action);
        for (const g of granting) via.add(statementLabel(g));
        break;
      }
    }
    if (actions.length > 0) out.push({ principal, actions, statements: [...via] });
  }
  return out;
}

function checkLeastPrivilege(
  state: BucketState,
  principals: VendorPrincipals,
  policy: PolicyRead,
): CheckResult {
  if (policy.kind === 'denied' || policy.kind === 'invalid') {
    return warn('least-privilege', 'not checked: the bucket policy could not be read (see the policy check)');
  }
  if (policy.kind === 'absent') return pass('least-privilege', 'no grants at all (the bucket has no policy)');
  const open = publicStatements(policy.statements);
  const extra = extraGrants(policy.statements, state.bucket, principals);
  const details = { public: open, extra };
  if (open.length > 0) {
    const list = open.map((p) => `statement ${statementLabel(p)} (${p.reason})`).join(', ');
    return fail(
      'least-privilege',
      `the bucket policy makes the bucket public: ${list} allows anyone without a restricting condition; remove it`,
      details,
    );
  }
  if (extra.length > 0) {
    const text = extra
      .map((x) => {
        const named = [
          ...SENSITIVE.filter((s) => x.actions.includes(s)),
          ...x.actions.filter((a) => !SENSITIVE.includes(a)),
        ];
        const shown = named.slice(0, 4).join(', ');
        const more = named.length > 4 ? ` and ${named.length - 4} more` : '';
        return `${shortPrincipal(x.principal)} also gets ${shown}${more} via ${x.statements.join(', ')}`;
      })
      .join(' — ');
    return warn('least-privilege', `grants beyond what Prophecy needs: ${text}`, details);
  }
  return pass('least-privilege', 'the vendor principals get only the required actions', details);
}

function checkPublicAccess(state: BucketState): CheckResult {
  const denied = deniedRead(state, 's3:GetBucketPublicAccessBlock');
  if (denied) return warn('public-access', denied);
  const pab = state.publicAccessBlock;
  if (!pab) {
    return warn(
      'public-access',
      'the bucket has no Block Public Access configuration (account-level settings may still apply); turn all four on (re-run setup)',
      { value: null },
    );
  }
  const off = (Object.keys(pab) as (keyof PublicAccessBlock)[]).filter((k) => !pab[k]);
  if (off.length > 0) {
    return warn(
      'public-access',
      `Block Public Access is off for ${off.join(', ')}; turn all four on (re-run setup)`,
      {
        value: pab,
      },
    );
  }
  return pass('public-access', 'all four Block Public Access settings are on', { value: pab });
}

function checkFreshness(input: CheckInput): CheckResult | undefined {
  const { maxAgeMs, newest, state } = input;
  if (maxAgeMs === undefined) return undefined;
  const denied = deniedRead(state, 's3:ListBucket');
  if (denied) return fail('freshness', denied);
  if (newest === undefined) return undefined;
  const limit = formatDuration(maxAgeMs);
  if (newest === null) {
    return fail('freshness', `the bucket holds no objects: nothing has been synced yet (max age ${limit})`, {
      newest: null,
      maxAgeMs,
    });
  }
  const now = input.now ?? new Date();
  const age = now.getTime() - newest.lastModified.getTime();
  const details = {
    newest: { key: newest.key, lastModified: newest.lastModified.toISOString() },
    objects: newest.count,
    ageMs: age,
    maxAgeMs,
  };
  const when = `${newest.lastModified.toISOString()} (${formatDuration(age)} ago)`;
  if (age > maxAgeMs) {
    return fail(
      'freshness',
      `the newest object was written ${when}, older than ${limit}: the sync may have stopped`,
      details,
    );
  }
  return pass('freshness', `newest object written ${when}`, details);
}

/** Every check of `verify`, in a fixed order; pure, so `setup` runs the same ones on its result. */
export function runChecks(input: CheckInput): CheckResult[] {
  const { state } = input;
  const results: CheckResult[] = [checkBucket(state), checkName(state.bucket)];
  if (state.existence !== 'yours') return results;
  const policy = readPolicy(state);
  results.push(
    checkRegion(state, input.expectedRegion),
    checkOwnership(state),
    checkPolicy(state, input.principals, policy),
    checkLeastPrivilege(state, input.principals, policy),
    checkPublicAccess(state),
  );
  const fresh = checkFreshness(input);
  if (fresh) results.push(fresh);
  return results;
}

export interface Summary {
  pass: number;
  warn: number;
  fail: number;
  /** No failures (and, with strict, no warnings). */
  ok: boolean;
  exitCode: 0 | 1;
}

/** Counts and the exit code: 1 when a check failed, or warned with `strict`; 0 otherwise. */
export function summarize(results: CheckResult[], opts: { strict?: boolean } = {}): Summary {
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  const counts = { pass: count('pass'), warn: count('warn'), fail: count('fail') };
  const ok = counts.fail === 0 && (!opts.strict || counts.warn === 0);
  return { ...counts, ok, exitCode: ok ? 0 : 1 };
}
