/**
 * A small evaluator for resource-based S3 bucket policies: "may this principal call this action on this
 * resource, according to the bucket policy alone?". It follows IAM's rules for the parts a bucket policy
 * can hold — Effect, Principal/NotPrincipal, Action/NotAction, Resource/NotResource, Condition — and
 * deliberately does not evaluate conditions: a statement with a Condition makes the answer "conditional",
 * and the caller shows the condition to a person.
 *
 * Account-root principals (`arn:aws:iam::111122223333:root` or a bare `111122223333`) are a choice worth
 * spelling out. In real AWS, a bucket policy naming an account does not grant anything to a role of that
 * account by itself: it delegates the decision to that account's IAM policies, so the role is allowed only
 * if its own identity policy also allows the action. (For cross-account access, as with Prophecy's roles,
 * the identity policy is always needed, but naming the account widens the grant to every principal there.)
 * So a match through the account root is reported as `delegated: true`, and checks show it as a warning,
 * never as a clean pass.
 *
 * A principal AWS shows as a unique id (`AROA…` for a role, `AIDA…` for a user) is what a stored policy
 * turns into when the role or user it named was deleted. It never matches an ARN, even if a role of the
 * same name was created again, so such statements are collected in `staleUniqueIds` for the caller to name.
 */

export type Effect = 'Allow' | 'Deny';
export type Verdict = 'allowed' | 'denied' | 'implicit-deny' | 'conditional';

/** How a statement's principal element matched the request's principal. */
export type PrincipalMatch = 'exact' | 'public' | 'account' | 'not-principal';

export interface EvalRequest {
  /** The IAM ARN of the caller, e.g. arn:aws:iam::133450206866:role/Name. */
  principal: string;
  /** e.g. s3:PutObject (matched case-insensitively). */
  action: string;
  /** e.g. arn:aws:s3:::bucket/* (matched case-sensitively). */
  resource: string;
}

export interface MatchedStatement {
  /** Position in the Statement list (0-based). */
  index: number;
  sid?: string | undefined;
  effect: Effect;
  principalMatch: PrincipalMatch;
  condition?: Record<string, unknown> | undefined;
}

export interface Evaluation {
  verdict: Verdict;
  /** Every statement that applies to the request (Allow and Deny, with or without conditions). */
  matched: MatchedStatement[];
  /** True when the only grants that apply name the principal's account, not the principal itself. */
  delegated: boolean;
  /** Unique ids (AROA…/AIDA…) in statements that would otherwise apply to this action and resource. */
  staleUniqueIds: string[];
  /** Conditions of the statements that made the verdict "conditional". */
  conditions: Record<string, unknown>[];
}

/** A statement in whatever shape S3 returns it: every list may be a single string. */
export interface RawStatement {
  Sid?: unknown;
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

export class PolicyParseError extends Error {
  override name = 'PolicyParseError';
}

/** Parses policy text (or takes an already-parsed object) into its statements; throws PolicyParseError. */
export function policyStatements(policy: unknown): RawStatement[] {
  let doc = policy;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch (err) {
      throw new PolicyParseError(`the policy is not valid JSON (${(err as Error).message})`);
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new PolicyParseError('the policy is not a JSON object');
  }
  const st = (doc as { Statement?: unknown }).Statement;
  if (st === undefined) throw new PolicyParseError('the policy has no Statement');
  const list = Array.isArray(st) ? st : [st];
  for (const s of list) {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) {
      throw new PolicyParseError('a Statement entry is not an object');
    }
  }
  return list as RawStatement[];
}

/** `x` or `[x, y]` → string[]; anything else (numbers from a hand-written policy) is stringified. */
export function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => String(v));
}

const patternCache = new Map<string, RegExp>();

/** IAM wildcards: `*` any run of characters (including `/` and `:`), `?` exactly one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let re = patternCache.get(key);
  if (!re) {
    const body = pattern
      .split('')
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
    patternCache.set(key, re);
  }
  return re.test(value);
}

export function actionMatches(patterns: string[], action: string): boolean {
  return patterns.some((p) => wildcardMatch(p, action, true));
}

export function resourceMatches(patterns: string[], resource: string): boolean {
  return patterns.some((p) => wildcardMatch(p, resource, false));
}

const UNIQUE_ID = /^A(RO|ID|GP|IP|NP|NV|PK|SC|SI)A[A-Z0-9]{12,}$/;

export function isUniqueId(value: string): boolean {
  return UNIQUE_ID.test(value);
}

/** The 12-digit account of an IAM or STS ARN. */
export function accountOf(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
}

function isAccountPrincipal(value: string, account: string | undefined): boolean {
  if (!account) return false;
  return value === account || new RegExp(`^arn:aws[a-z-]*:iam::${account}:root$`).test(value);
}

/** The AWS principals of a Principal/NotPrincipal element; "*" stands for everyone. */
function awsPrincipals(element: unknown): string[] {
  if (element === '*') return ['*'];
  if (typeof element !== 'object' || element === null) return [];
  return asList((element as Record<string, unknown>).AWS);
}

/** How `principal` is named by an element's AWS principals, or undefined if it is not. */
function principalMatch(values: string[], principal: string): 'exact' | 'public' | 'account' | undefined {
  if (values.includes(principal)) return 'exact';
  if (values.includes('*')) return 'public';
  const account = accountOf(principal);
  if (values.some((v) => isAccountPrincipal(v, account))) return 'account';
  return undefined;
}

function statementPrincipal(s: RawStatement, principal: string): PrincipalMatch | undefined {
  if (s.Principal !== undefined) return principalMatch(awsPrincipals(s.Principal), principal);
  if (s.NotPrincipal !== undefined)
    return notPrincipalExcludes(awsPrincipals(s.NotPrincipal), principal) ? undefined : 'not-principal';
  return undefined;
}

/**
 * NotPrincipal applies to everyone except the principals it lists. AWS checks each identity of the request
 * chain — the account, then the role or user — and the statement applies if any of them is not listed, so
 * the principal escapes only when both its ARN and its account are listed (the IAM guide asks for both).
 * An assumed-role session is also checked by session ARN; we evaluate the role, as S3 policies name roles.
 */
function notPrincipalExcludes(values: string[], principal: string): boolean {
  if (values.includes('*')) return true;
  const account = accountOf(principal);
  return values.includes(principal) && values.some((v) => isAccountPrincipal(v, account));
}

function statementAction(s: RawStatement, action: string): boolean {
  if (s.Action !== undefined) return actionMatches(asList(s.Action), action);
  if (s.NotAction !== undefined) return !actionMatches(asList(s.NotAction), action);
  return false;
}

function statementResource(s: RawStatement, resource: string): boolean {
  if (s.Resource !== undefined) return resourceMatches(asList(s.Resource), resource);
  if (s.NotResource !== undefined) return !resourceMatches(asList(s.NotResource), resource);
  return false;
}

function conditionOf(s: RawStatement): Record<string, unknown> | undefined {
  const c = s.Condition;
  if (typeof c !== 'object' || c === null || Object.keys(c).length === 0) return undefined;
  return c as Record<string, unknown>;
}

function uniqueIdsOf(s: RawStatement): string[] {
  return [...awsPrincipals(s.Principal), ...awsPrincipals(s.NotPrincipal)].filter(isUniqueId);
}

/** Evaluates one request against a bucket policy (text, parsed document, or statement list). */
export function evaluate(policy: unknown, request: EvalRequest): Evaluation {
  const statements = Array.isArray(policy) ? (policy as RawStatement[]) : policyStatements(policy);
  const matched: MatchedStatement[] = [];
  const staleUniqueIds: string[] = [];
  statements.forEach((s, index) => {
    if (!statementAction(s, request.action) || !statementResource(s, request.resource)) return;
    const how = statementPrincipal(s, request.principal);
    if (!how) {
      if (s.Effect === 'Allow') {
        for (const id of uniqueIdsOf(s)) if (!staleUniqueIds.includes(id)) staleUniqueIds.push(id);
      }
      return;
    }
    const effect: Effect = s.Effect === 'Deny' ? 'Deny' : 'Allow';
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return; // AWS rejects such a policy; ignore the statement.
    matched.push({
      index,
      sid: typeof s.Sid === 'string' ? s.Sid : undefined,
      effect,
      principalMatch: how,
      condition: conditionOf(s),
    });
  });

  const denies = matched.filter((m) => m.effect === 'Deny');
  const allows = matched.filter((m) => m.effect === 'Allow');
  const hardDeny = denies.some((m) => !m.condition);
  const hardAllows = allows.filter((m) => !m.condition);
  const conditionalDenies = denies.filter((m) => m.condition);

  let verdict: Verdict;
  let conditions: Record<string, unknown>[] = [];
  if (hardDeny) verdict = 'denied';
  else if (allows.length === 0) verdict = 'implicit-deny';
  else if (hardAllows.length > 0 && conditionalDenies.length === 0) verdict = 'allowed';
  else {
    verdict = 'conditional';
    const deciding = hardAllows.length > 0 ? conditionalDenies : [...allows, ...conditionalDenies];
    conditions = deciding.flatMap((m) => (m.condition ? [m.condition] : []));
  }
  const granting = hardAllows.length > 0 ? hardAllows : allows;
  const delegated =
    (verdict === 'allowed' || verdict === 'conditional') &&
    granting.length > 0 &&
    granting.every((m) => m.principalMatch === 'account');
  return { verdict, matched, delegated, staleUniqueIds, conditions };
}

/**
 * Condition keys that, with a concrete value, limit a statement to known callers or networks; this is the
 * rule S3's Block Public Access uses to decide whether a policy is public (aws:SecureTransport, for one,
 * restricts how, not who, and leaves a statement public).
 */
const RESTRICTING_KEYS = new Set(
  [
    'aws:SourceArn',
    'aws:SourceAccount',
    'aws:SourceOwner',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceIp',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:userid',
    'aws:username',
    's3:DataAccessPointArn',
    's3:DataAccessPointAccount',
  ].map((k) => k.toLowerCase()),
);

function conditionRestricts(condition: Record<string, unknown> | undefined): boolean {
  if (!condition) return false;
  for (const [operator, block] of Object.entries(condition)) {
    // Negated and "IfExists" operators let callers through who simply lack the key.
    if (/^(StringNot|ArnNot|NotIpAddress)|IfExists$|^Null$/i.test(operator)) continue;
    if (typeof block !== 'object' || block === null) continue;
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      if (!RESTRICTING_KEYS.has(key.toLowerCase())) continue;
      const values = asList(value);
      const broad = values.some((v) => v === '*' || v === '0.0.0.0/0' || v === '::/0' || /^\*|:\*$/.test(v));
      if (values.length > 0 && !broad) return true;
    }
  }
  return false;
}

export interface PublicStatement {
  index: number;
  sid?: string | undefined;
  reason: string;
}

/** Allow statements that grant to everyone (Principal "*", {AWS: "*"}, or Allow with NotPrincipal) without a restricting condition. */
export function publicStatements(policy: unknown): PublicStatement[] {
  const statements = Array.isArray(policy) ? (policy as RawStatement[]) : policyStatements(policy);
  const out: PublicStatement[] = [];
  statements.forEach((s, index) => {
    if (s.Effect !== 'Allow') return;
    const sid = typeof s.Sid === 'string' ? s.Sid : undefined;
    let reason: string | undefined;
    if (s.Principal !== undefined && awsPrincipals(s.Principal).includes('*')) reason = 'Principal "*"';
    else if (s.NotPrincipal !== undefined) reason = 'Allow with NotPrincipal (everyone but the listed ones)';
    if (!reason || conditionRestricts(conditionOf(s))) return;
    out.push({ index, sid, reason });
  });
  return out;
}

/** A short label for a statement in messages: its Sid or its position. */
export function statementLabel(m: { index: number; sid?: string | undefined }): string {
  return m.sid ? `"${m.sid}"` : `#${m.index + 1}`;
}
