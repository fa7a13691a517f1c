import { type GuardrailFix, guardrailFixes } from '../guardrail-fix.js';
import { type RequiredPermission, requiredPermissions, type VendorPrincipals } from '../policy.js';
import { accountOf, type Evaluation, statementLabel } from '../policy-eval.js';
import { shortPrincipal } from '../principal.js';
import { evaluateForProphecy } from '../request-context.js';
import { isRevoked } from '../revoke-plan.js';
import { parsePolicyRead } from './policy-read.js';
import { defineCheck, fail, pass, warn } from './types.js';

/*
 * Each required grant is evaluated as Prophecy's request carries it (src/core/request-context.ts): the
 * principal's account and ARN, an assumed-role or user principal type, TLS, no org/VPC of the customer's. A
 * condition on such a key is decided; one on a key nobody can know from here (aws:SourceIp, tags…) leaves
 * the grant "conditional", showing the key.
 */

interface GrantVerdict extends RequiredPermission {
  evaluation: Evaluation;
}

/** Why a grant is missing: the evaluation's reason, except the plain "nothing allows it" forms kept short. */
function missingReason(e: Evaluation): string {
  if (e.verdict === 'denied') return e.reason;
  if (e.staleUniqueIds.length > 0) {
    return `the principal is a unique id (${e.staleUniqueIds.join(', ')}), the role it named was deleted; re-run setup`;
  }
  if (e.excluded.some((m) => m.effect === 'Allow')) return e.reason;
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
function revokedPolicy(bucket: string, policyText: string | undefined, principals: VendorPrincipals) {
  if (!isRevoked(policyText ?? null, principals, bucket)) return undefined;
  const then = 'run setup to grant it again, or, if the revoke was intended, remove this verify (cron) entry';
  return policyText === undefined || policyText.trim() === ''
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

/**
 * The missing grants in words. Grants that fail for the same reason and principal are said once: a guardrail
 * Deny usually blocks every grant of a principal, and listing eleven of them hides the reason.
 */
function missingText(missing: GrantVerdict[], required: RequiredPermission[]): string {
  const groups = new Map<string, GrantVerdict[]>();
  for (const v of missing) {
    const key = `${v.principal}\u0000${missingReason(v.evaluation)}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const parts: string[] = [];
  for (const list of groups.values()) {
    const first = list[0] as GrantVerdict;
    const reason = missingReason(first.evaluation);
    const all = required.filter((r) => r.principal === first.principal).length;
    const grants =
      list.length === all && all > 1 ? `all ${all} of its grants` : list.map(grantText).join('; ');
    parts.push(`${shortPrincipal(first.principal)}: ${grants} (${reason})`);
  }
  return parts.join(' — ');
}

function entry(v: GrantVerdict) {
  const e = v.evaluation;
  return {
    principal: v.principal,
    action: v.action,
    resource: v.resource,
    verdict: e.verdict,
    reason: e.reason,
    ...(e.deciding.length > 0 ? { deciding: e.deciding.map(statementLabel) } : {}),
    ...(e.unknownKeys.length > 0 ? { unknownKeys: e.unknownKeys } : {}),
    ...(e.staleUniqueIds.length > 0 ? { staleUniqueIds: e.staleUniqueIds } : {}),
    ...(e.conditions.length > 0 ? { conditions: e.conditions } : {}),
    ...(e.delegated ? { delegatedToAccount: true } : {}),
  };
}

/** One fix per guardrail statement, however many grants it blocks. */
function fixesFor(
  statements: unknown,
  verdicts: GrantVerdict[],
  principals: Parameters<typeof guardrailFixes>[2],
): GuardrailFix[] {
  const byIndex = new Map<number, GuardrailFix>();
  for (const v of verdicts) {
    for (const f of guardrailFixes(statements, v.evaluation, principals)) {
      if (!byIndex.has(f.index)) byIndex.set(f.index, f);
    }
  }
  return [...byIndex.values()];
}

function fixDetails(fixes: GuardrailFix[]) {
  return fixes.map((f) => ({
    statement: statementLabel(f),
    kind: f.kind,
    exception: f.exception,
    fixed: f.statement,
  }));
}

export const policyCheck = defineCheck({
  id: 'policy',
  title: "The bucket policy allows every action Prophecy's role and user need, evaluated as their requests",
  reads: ['policy'],
  needsBucket: true,
  outcomes: {
    pass: "every required grant (principal, action, resource) is allowed, conditions evaluated for Prophecy's requests",
    warn: 'a grant depends on a condition key that cannot be known for Prophecy’s requests (aws:SourceIp, tags…; shown), or names the whole account (root) instead of the principal',
    fail: 'a grant is missing or denied, naming the deciding statement and key (a guardrail Deny such as aws:PrincipalOrgID or aws:SourceVpce comes with a ready exception for Prophecy); the principal is a deleted role (AROA…); or there is no readable policy',
  },
  judge({ bucket, principals, reads }) {
    const policy = parsePolicyRead(bucket, reads.policy);
    if (policy.kind === 'denied') return fail('policy', policy.message);
    const policyText = reads.policy.status === 'ok' ? (reads.policy.value ?? undefined) : undefined;
    if (policy.kind === 'absent') {
      return (
        revokedPolicy(bucket, policyText, principals) ??
        fail('policy', 'the bucket has no policy, so Prophecy cannot sync into it; run setup to apply it')
      );
    }
    if (policy.kind === 'invalid')
      return fail('policy', `the bucket policy cannot be read: ${policy.message}`);
    const required = requiredPermissions(bucket, principals);
    const verdicts: GrantVerdict[] = required.map((r) => ({
      ...r,
      evaluation: evaluateForProphecy(policy.statements, r),
    }));
    const missing = verdicts.filter(
      (v) => v.evaluation.verdict === 'denied' || v.evaluation.verdict === 'implicit-deny',
    );
    if (missing.length > 0) {
      const revoked = revokedPolicy(bucket, policyText, principals);
      if (revoked) return revoked;
      const fixes = fixesFor(
        policy.statements,
        missing.filter((v) => v.evaluation.verdict === 'denied'),
        principals,
      );
      const fixNote =
        fixes.length > 0
          ? `; fix: keep ${fixes.map((f) => `statement ${statementLabel(f)}`).join(', ')} and add an exception for Prophecy (shown below, and in --json)`
          : '';
      const r = fail(
        'policy',
        `${missing.length} of ${required.length} required grants missing — ${missingText(missing, required)}${fixNote}`,
        {
          missing: missing.map(entry),
          ...(fixes.length > 0 ? { fixes: fixDetails(fixes) } : {}),
        },
      );
      if (fixes.length > 0) r.fix = fixes.map((f) => f.text).join('\n');
      return r;
    }
    const conditional = verdicts.filter((v) => v.evaluation.verdict === 'conditional');
    const delegated = verdicts.filter((v) => v.evaluation.delegated);
    if (conditional.length === 0 && delegated.length === 0) {
      return pass('policy', `all ${required.length} required grants are allowed for Prophecy's requests`);
    }
    const parts: string[] = [];
    let fixes: GuardrailFix[] = [];
    if (conditional.length > 0) {
      const keys = [...new Set(conditional.flatMap((v) => v.evaluation.unknownKeys))];
      const reasons = [...new Set(conditional.map((v) => v.evaluation.reason))];
      const which =
        conditional.length === required.length
          ? `all ${required.length} required grants depend`
          : `${conditional.length} of ${required.length} required grants (${byPrincipal(conditional, (v) => v.action)}) depend`;
      parts.push(
        `${which} on ${keys.length > 0 ? keys.join(', ') : 'a condition'}, which cannot be known for Prophecy's requests from here — ${reasons.join('; ')}; make sure it holds for them`,
      );
      fixes = fixesFor(policy.statements, conditional, principals);
    }
    if (delegated.length > 0) {
      const accounts = [...new Set(delegated.map((v) => accountOf(v.principal) ?? '?'))];
      parts.push(
        `${delegated.length} grant${delegated.length === 1 ? '' : 's'} name${delegated.length === 1 ? 's' : ''} the whole account ${accounts.join(', ')} (root) instead of the principal, which delegates the decision to that account's IAM policies; name the role/user instead (re-run setup)`,
      );
    }
    const r = warn('policy', parts.join('; '), {
      conditional: conditional.map(entry),
      delegated: delegated.map(entry),
      ...(fixes.length > 0 ? { fixes: fixDetails(fixes) } : {}),
    });
    if (fixes.length > 0) {
      r.fix = `If it blocks Prophecy: ${fixes.map((f) => f.text).join('\n')}`;
    }
    return r;
  },
});
