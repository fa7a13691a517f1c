import { type VendorPrincipals, vendorPrincipalArns } from './policy.js';
import {
  accountOf,
  type Evaluation,
  policyStatements,
  type RawStatement,
  statementLabel,
} from './policy-eval.js';

/**
 * The usual fix when a guardrail Deny (organization, VPC endpoint, IP perimeter…) blocks Prophecy: keep the
 * guardrail and add an exception for Prophecy's principals to its Condition. Keys in one Condition must all
 * hold, so an added negated test on a key Prophecy's requests carry switches the Deny off for them alone.
 *
 * Two forms are in use. `StringNotEqualsIfExists aws:PrincipalAccount` is what AWS's data-perimeter examples
 * use for trusted third parties; it exempts every principal of Prophecy's account, which is safe because the
 * bucket policy's Allow statements still name only Prophecy's role and user. `ArnNotLikeIfExists
 * aws:PrincipalArn` is tighter and names the two principals. A statement that already has an exception of
 * either form gets it widened rather than a second one, because the values of one key are ORed.
 */

export type ExceptionKind = 'principal-account' | 'principal-arn';

export interface GuardrailFix {
  index: number;
  sid?: string | undefined;
  kind: ExceptionKind;
  /** The Condition entry as it will read: `{ operator: { key: values } }`. */
  exception: Record<string, Record<string, string[]>>;
  /** The whole statement with the exception, to replace the one in the policy. */
  statement: Record<string, unknown>;
  /** A sentence and the statement as JSON, ready to print. */
  text: string;
}

const ACCOUNT_KEY = 'aws:PrincipalAccount';
const ARN_KEY = 'aws:PrincipalArn';
const ACCOUNT_OPERATOR = /^StringNotEquals(IfExists)?$/i;
const ARN_OPERATOR = /^Arn(NotLike|NotEquals)(IfExists)?$/i;

type Condition = Record<string, Record<string, unknown>>;

function asStrings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The operator and key spelling of an existing exception on `key`, if the statement has one. */
function existingException(
  condition: Condition,
  operator: RegExp,
  key: string,
): { operator: string; key: string } | undefined {
  for (const [op, block] of Object.entries(condition)) {
    if (!operator.test(op) || typeof block !== 'object' || block === null) continue;
    const found = Object.keys(block).find((k) => k.toLowerCase() === key.toLowerCase());
    if (found) return { operator: op, key: found };
  }
  return undefined;
}

function defaultKind(condition: Condition): ExceptionKind {
  return existingException(condition, ARN_OPERATOR, ARN_KEY) ? 'principal-arn' : 'principal-account';
}

/** The values Prophecy's principals need in the exception: their accounts, or their ARNs. */
function exceptionValues(kind: ExceptionKind, principals: VendorPrincipals): string[] {
  const arns = [...new Set(vendorPrincipalArns(principals))];
  if (kind === 'principal-arn') return arns;
  return [...new Set(arns.map((a) => accountOf(a)).filter((a): a is string => a !== undefined))];
}

/** The statement with an exception for Prophecy's principals added to (or widened in) its Condition. */
export function guardrailException(
  statement: RawStatement,
  index: number,
  principals: VendorPrincipals,
  kind?: ExceptionKind,
): GuardrailFix {
  const condition: Condition = JSON.parse(JSON.stringify(statement.Condition ?? {}));
  const chosen = kind ?? defaultKind(condition);
  const key = chosen === 'principal-arn' ? ARN_KEY : ACCOUNT_KEY;
  const existing = existingException(
    condition,
    chosen === 'principal-arn' ? ARN_OPERATOR : ACCOUNT_OPERATOR,
    key,
  );
  const operator =
    existing?.operator ?? (chosen === 'principal-arn' ? 'ArnNotLikeIfExists' : 'StringNotEqualsIfExists');
  const keyName = existing?.key ?? key;
  const block = condition[operator] ?? {};
  const values = [...new Set([...asStrings(block[keyName]), ...exceptionValues(chosen, principals)])];
  block[keyName] = values;
  condition[operator] = block;
  const fixed: Record<string, unknown> = { ...(statement as Record<string, unknown>), Condition: condition };
  const sid = typeof statement.Sid === 'string' ? statement.Sid : undefined;
  const label = statementLabel({ index, sid });
  const who = chosen === 'principal-arn' ? "Prophecy's role and user" : "Prophecy's account";
  const text = [
    `Statement ${label} blocks Prophecy. Keep it and add an exception for ${who} (${operator} ${keyName}); the statement then reads:`,
    JSON.stringify(fixed, null, 2),
  ].join('\n');
  return {
    index,
    sid,
    kind: chosen,
    exception: { [operator]: { [keyName]: values } },
    statement: fixed,
    text,
  };
}

/**
 * One fix per Deny with a Condition that decided an evaluation of Prophecy's request (denied, or conditional
 * on a key we cannot know); Denies without a Condition block everyone and are left to a person.
 */
export function guardrailFixes(
  policy: unknown,
  evaluation: Evaluation,
  principals: VendorPrincipals,
  kind?: ExceptionKind,
): GuardrailFix[] {
  if (evaluation.verdict !== 'denied' && evaluation.verdict !== 'conditional') return [];
  const statements = Array.isArray(policy) ? (policy as RawStatement[]) : policyStatements(policy);
  return evaluation.deciding
    .filter((m) => m.effect === 'Deny' && m.condition)
    .flatMap((m) => {
      const s = statements[m.index];
      return s ? [guardrailException(s, m.index, principals, kind)] : [];
    });
}
