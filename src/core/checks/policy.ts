import { type RequiredPermission, requiredPermissions, type VendorPrincipals } from '../policy.js';
import { accountOf, type Evaluation, evaluate, statementLabel } from '../policy-eval.js';
import { shortPrincipal } from '../principal.js';
import { isRevoked } from '../revoke-plan.js';
import { parsePolicyRead } from './policy-read.js';
import { defineCheck, fail, pass, warn } from './types.js';

interface GrantVerdict extends RequiredPermission {
  evaluation: Evaluation;
}

function conditionText(c: Record<string, unknown>): string {
  return JSON.stringify(c);
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

function entry(v: GrantVerdict) {
  return {
    principal: v.principal,
    action: v.action,
    resource: v.resource,
    verdict: v.evaluation.verdict,
    ...(v.evaluation.staleUniqueIds.length > 0 ? { staleUniqueIds: v.evaluation.staleUniqueIds } : {}),
    ...(v.evaluation.conditions.length > 0 ? { conditions: v.evaluation.conditions } : {}),
    ...(v.evaluation.delegated ? { delegatedToAccount: true } : {}),
  };
}

export const policyCheck = defineCheck({
  id: 'policy',
  title: "The bucket policy allows every action Prophecy's role and user need",
  reads: ['policy'],
  needsBucket: true,
  outcomes: {
    pass: 'every required grant (principal, action, resource) is allowed',
    warn: 'a grant depends on a condition, or names the whole account (root) instead of the principal',
    fail: 'a grant is missing or explicitly denied, the principal is a deleted role (AROA…), or there is no readable policy',
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
      evaluation: evaluate(policy.statements, {
        principal: r.principal,
        action: r.action,
        resource: r.resource,
      }),
    }));
    const missing = verdicts.filter(
      (v) => v.evaluation.verdict === 'denied' || v.evaluation.verdict === 'implicit-deny',
    );
    if (missing.length > 0) {
      const revoked = revokedPolicy(bucket, policyText, principals);
      if (revoked) return revoked;
      const text = byPrincipal(missing, (v) => `${grantText(v)} (${missingReason(v.evaluation)})`);
      return fail('policy', `${missing.length} of ${required.length} required grants missing — ${text}`, {
        missing: missing.map(entry),
      });
    }
    const conditional = verdicts.filter((v) => v.evaluation.verdict === 'conditional');
    const delegated = verdicts.filter((v) => v.evaluation.delegated);
    if (conditional.length === 0 && delegated.length === 0) {
      return pass('policy', `all ${required.length} required grants are allowed`);
    }
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
      const accounts = [...new Set(delegated.map((v) => accountOf(v.principal) ?? '?'))];
      parts.push(
        `${delegated.length} grant${delegated.length === 1 ? '' : 's'} name${delegated.length === 1 ? 's' : ''} the whole account ${accounts.join(', ')} (root) instead of the principal, which delegates the decision to that account's IAM policies; name the role/user instead (re-run setup)`,
      );
    }
    return warn('policy', parts.join('; '), {
      conditional: conditional.map(entry),
      delegated: delegated.map(entry),
    });
  },
});
