/**
 * A small evaluator for resource-based policies (S3 bucket policies, KMS key policies): "may this principal
 * call this action on this resource, according to this policy alone?". It follows IAM's rules for the parts
 * such a policy can hold — Effect, Principal/NotPrincipal, Action/NotAction, Resource/NotResource, Condition.
 *
 * Conditions are evaluated against a RequestContext that says, key by key, what a request carries: a known
 * value, known to be absent, or unknown (everything not listed). The logic is three-valued: a condition that
 * depends on an unknown key is neither true nor false, and a statement with such a condition makes the
 * verdict "conditional", naming the key, for a person to judge. Without a context every key is unknown, so
 * every statement with a Condition is conditional — what callers that model no request get.
 *
 * Account-root principals (`arn:aws:iam::111122223333:root` or a bare `111122223333`) are a choice worth
 * spelling out. In real AWS, a policy naming an account does not grant anything to a role of that account by
 * itself: it delegates the decision to that account's IAM policies, so the role is allowed only if its own
 * identity policy also allows the action. (For cross-account access, as with Prophecy's roles, the identity
 * policy is always needed, but naming the account widens the grant to every principal there.) So a match
 * through the account root is reported as `delegated: true`, and checks show it as a warning, never as a
 * clean pass.
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
  /** For a statement with a Condition: whether it holds for the request ('unknown': it depends on an unknown key). */
  conditionOutcome?: Tri | undefined;
  /** The condition tests that decided conditionOutcome (all of them when it holds). */
  tests?: ConditionTest[] | undefined;
}

export interface Evaluation {
  verdict: Verdict;
  /**
   * Every statement that applies, or may apply, to the request (Allow and Deny, with or without conditions);
   * statements whose condition is false for the request are in `excluded` instead.
   */
  matched: MatchedStatement[];
  /** Statements that name the principal, action and resource but whose condition is false for this request. */
  excluded: MatchedStatement[];
  /** True when the only grants that apply name the principal's account, not the principal itself. */
  delegated: boolean;
  /** Unique ids (AROA…/AIDA…) in statements that would otherwise apply to this action and resource. */
  staleUniqueIds: string[];
  /** Conditions of the statements that made the verdict "conditional". */
  conditions: Record<string, unknown>[];
  /** The statements that decided the verdict (the applying Deny, the conditional ones, the granting Allow). */
  deciding: MatchedStatement[];
  /** The condition keys whose unknown value made the verdict "conditional", as the policy spells them. */
  unknownKeys: string[];
  /**
   * The verdict in one line naming the deciding statement and key, e.g.
   * `Deny "OrgOnly": aws:PrincipalOrgID is not the customer's org for Prophecy's role`.
   */
  reason: string;
}

// ---- request context and conditions ---------------------------------------------------------

/** Three-valued logic: a condition over a key whose value is unknown is neither true nor false. */
export type Tri = true | false | 'unknown';

/**
 * What a request carries, key by key. Key names are case-insensitive, as in IAM. Every key not listed in
 * `values` or `absent` is unknown.
 */
export interface RequestContext {
  /** Who makes the request, for verdicts: "Prophecy's role". */
  label?: string | undefined;
  /** Keys with a known value; a multi-valued key (aws:CalledVia) is an array. */
  values?: Readonly<Record<string, string | readonly string[]>> | undefined;
  /** Keys known to be absent from the request. */
  absent?: readonly string[] | undefined;
  /**
   * How a verdict says that a key is absent, completing "<key> …": for aws:PrincipalOrgID, "is not the
   * customer's org". Without one, "is absent".
   */
  notes?: Readonly<Record<string, string>> | undefined;
}

/** One operator/key pair of a Condition, evaluated. */
export interface ConditionTest {
  operator: string;
  key: string;
  values: string[];
  outcome: Tri;
  /** What the request holds for the key, as a person reads it: "aws:SecureTransport is true". */
  fact: string;
}

export interface ConditionOutcome {
  outcome: Tri;
  /** Every test of the condition, in the order written. */
  tests: ConditionTest[];
}

interface PreparedContext {
  label: string;
  values: Map<string, string[]>;
  absent: Set<string>;
  notes: Map<string, string>;
}

type Lookup = { kind: 'present'; values: string[] } | { kind: 'absent' } | { kind: 'unknown' };

function prepareContext(ctx: RequestContext | undefined): PreparedContext {
  const values = new Map<string, string[]>();
  for (const [k, v] of Object.entries(ctx?.values ?? {})) {
    values.set(k.toLowerCase(), typeof v === 'string' ? [v] : [...v]);
  }
  const notes = new Map<string, string>();
  for (const [k, v] of Object.entries(ctx?.notes ?? {})) notes.set(k.toLowerCase(), v);
  return {
    label: ctx?.label ?? 'the caller',
    values,
    absent: new Set((ctx?.absent ?? []).map((k) => k.toLowerCase())),
    notes,
  };
}

function lookup(ctx: PreparedContext, key: string): Lookup {
  const k = key.toLowerCase();
  const v = ctx.values.get(k);
  // An empty set is how IAM sees a multi-valued key with no values: the same as absent.
  if (v !== undefined) return v.length > 0 ? { kind: 'present', values: v } : { kind: 'absent' };
  if (ctx.absent.has(k)) return { kind: 'absent' };
  return { kind: 'unknown' };
}

function not3(a: Tri): Tri {
  return a === 'unknown' ? 'unknown' : !a;
}

/** True if any is true; unknown if none is true but one is unknown. */
function any3<T>(items: readonly T[], f: (t: T) => Tri): Tri {
  let unknown = false;
  for (const it of items) {
    const r = f(it);
    if (r === true) return true;
    if (r === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : false;
}

function all3<T>(items: readonly T[], f: (t: T) => Tri): Tri {
  return not3(any3(items, (t) => not3(f(t))));
}

type Family = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';
type Compare = 'eq' | 'eq-ci' | 'like' | 'lt' | 'lte' | 'gt' | 'gte';

interface OperatorSpec {
  family: Family;
  compare: Compare;
  negated: boolean;
}

/** The base operators of the IAM condition grammar; a negated one is the negation of its positive twin. */
const OPERATORS: Record<string, OperatorSpec> = {
  stringequals: { family: 'string', compare: 'eq', negated: false },
  stringnotequals: { family: 'string', compare: 'eq', negated: true },
  stringequalsignorecase: { family: 'string', compare: 'eq-ci', negated: false },
  stringnotequalsignorecase: { family: 'string', compare: 'eq-ci', negated: true },
  stringlike: { family: 'string', compare: 'like', negated: false },
  stringnotlike: { family: 'string', compare: 'like', negated: true },
  numericequals: { family: 'numeric', compare: 'eq', negated: false },
  numericnotequals: { family: 'numeric', compare: 'eq', negated: true },
  numericlessthan: { family: 'numeric', compare: 'lt', negated: false },
  numericlessthanequals: { family: 'numeric', compare: 'lte', negated: false },
  numericgreaterthan: { family: 'numeric', compare: 'gt', negated: false },
  numericgreaterthanequals: { family: 'numeric', compare: 'gte', negated: false },
  dateequals: { family: 'date', compare: 'eq', negated: false },
  datenotequals: { family: 'date', compare: 'eq', negated: true },
  datelessthan: { family: 'date', compare: 'lt', negated: false },
  datelessthanequals: { family: 'date', compare: 'lte', negated: false },
  dategreaterthan: { family: 'date', compare: 'gt', negated: false },
  dategreaterthanequals: { family: 'date', compare: 'gte', negated: false },
  bool: { family: 'bool', compare: 'eq-ci', negated: false },
  binaryequals: { family: 'binary', compare: 'eq', negated: false },
  ipaddress: { family: 'ip', compare: 'eq', negated: false },
  notipaddress: { family: 'ip', compare: 'eq', negated: true },
  arnequals: { family: 'arn', compare: 'like', negated: false },
  arnlike: { family: 'arn', compare: 'like', negated: false },
  arnnotequals: { family: 'arn', compare: 'like', negated: true },
  arnnotlike: { family: 'arn', compare: 'like', negated: true },
  null: { family: 'null', compare: 'eq', negated: false },
};

interface ParsedOperator extends OperatorSpec {
  set: 'any' | 'all' | undefined;
  ifExists: boolean;
}

export function parseOperator(operator: string): ParsedOperator | undefined {
  const m = /^(?:(foranyvalue|forallvalues):)?(.+?)(ifexists)?$/i.exec(operator);
  if (!m) return undefined;
  const spec = OPERATORS[(m[2] as string).toLowerCase()];
  if (!spec) return undefined;
  const ifExists = m[3] !== undefined;
  // IAM has no NullIfExists: "Null" already is the test for existence.
  if (spec.family === 'null' && (ifExists || m[1])) return undefined;
  const set = m[1] === undefined ? undefined : m[1].toLowerCase() === 'forallvalues' ? 'all' : 'any';
  return { ...spec, set, ifExists };
}

function compareNumbers(a: number, b: number, c: Compare): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  switch (c) {
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    default:
      return a === b;
  }
}

/** ISO 8601 or epoch seconds, the two forms IAM's Date operators read. */
function parseDate(value: string): number {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  return Date.parse(value);
}

function parseNumber(value: string): number {
  return value.trim() === '' ? Number.NaN : Number(value);
}

/** An IPv4 or IPv6 address as a number and its width in bits. */
function parseIp(text: string): { bits: number; value: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { bits: 32, value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (!/^[0-9a-f:]+$/i.test(text) || !text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? (halves[0] as string).split(':') : [];
  const tail = halves.length === 2 && halves[1] ? (halves[1] as string).split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return { bits: 128, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n) };
}

/** Whether `address` lies in `cidr` (a bare address is a /32 or /128). */
export function ipInCidr(address: string, cidr: string): boolean {
  const [net, prefixText] = cidr.split('/');
  const a = parseIp(address.split('/')[0] as string);
  const n = parseIp(net as string);
  if (!a || !n || a.bits !== n.bits) return false;
  const prefix = prefixText === undefined ? n.bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > n.bits) return false;
  const shift = BigInt(n.bits - prefix);
  return a.value >> shift === n.value >> shift;
}

function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Arn* operators compare the six colon-separated parts one by one, each with `*` and `?` wildcards. */
export function arnMatches(pattern: string, arn: string): boolean {
  const p = arnParts(pattern);
  const a = arnParts(arn);
  if (!p || !a) return false;
  return p.every((seg, i) => wildcardMatch(seg, a[i] as string, false));
}

/**
 * Resolves policy variables (`${aws:PrincipalAccount}`, `${*}`, `${key, 'default'}`) in a condition value;
 * unknown when a variable's key is unknown, undefined when it is absent without a default (matches nothing).
 */
function resolveVariables(value: string, ctx: PreparedContext): string | undefined | 'unknown' {
  if (!value.includes('${')) return value;
  let result: string | undefined | 'unknown' = '';
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const prefix = value.slice(last, m.index);
    last = m.index + m[0].length;
    const inner = (m[1] as string).trim();
    let sub: string | undefined | 'unknown';
    if (inner === '*' || inner === '?' || inner === '$') sub = inner;
    else {
      const d = /^([^,]+?)\s*,\s*'([^']*)'$/.exec(inner);
      const l = lookup(ctx, d ? (d[1] as string) : inner);
      if (l.kind === 'present') sub = l.values.length === 1 ? l.values[0] : 'unknown';
      else if (l.kind === 'absent') sub = d ? d[2] : undefined;
      else sub = 'unknown';
    }
    if (sub === 'unknown') return 'unknown';
    if (sub === undefined) return undefined;
    result = `${result}${prefix}${sub}`;
  }
  return `${result}${value.slice(last)}`;
}

/** Whether one request value satisfies one condition value under a (non-negated) comparison. */
function valueMatches(op: ParsedOperator, actual: string, wanted: string, ctx: PreparedContext): Tri {
  let w: string | undefined | 'unknown' = wanted;
  if (op.family === 'string' || op.family === 'arn') w = resolveVariables(wanted, ctx);
  if (w === 'unknown') return 'unknown';
  if (w === undefined) return false;
  switch (op.family) {
    case 'string':
      if (op.compare === 'eq') return actual === w;
      if (op.compare === 'eq-ci') return actual.toLowerCase() === w.toLowerCase();
      return wildcardMatch(w, actual, false);
    case 'numeric':
      return compareNumbers(parseNumber(actual), parseNumber(w), op.compare);
    case 'date':
      return compareNumbers(parseDate(actual), parseDate(w), op.compare);
    case 'bool':
      return actual.toLowerCase() === w.toLowerCase();
    case 'binary':
      return actual === w;
    case 'ip':
      return ipInCidr(actual, w);
    case 'arn':
      return arnMatches(w, actual);
    case 'null':
      return false;
  }
}

function factText(key: string, found: Lookup, ctx: PreparedContext, op?: ParsedOperator, values?: string[]) {
  const note = ctx.notes.get(key.toLowerCase());
  if (found.kind === 'unknown') return `${key} is not known`;
  if (found.kind === 'absent') return note ? `${key} ${note}` : `${key} is absent`;
  const is = `${key} is ${found.values.join(', ')}`;
  return op?.negated && values ? `${is}, not ${values.join(' or ')}` : is;
}

function testKey(operator: string, key: string, raw: unknown, ctx: PreparedContext): ConditionTest {
  const values = asList(raw);
  const op = parseOperator(operator);
  const found = lookup(ctx, key);
  const base = { operator, key, values };
  if (!op) return { ...base, outcome: 'unknown', fact: `${operator} is not an IAM condition operator` };
  const fact = (outcome: Tri): ConditionTest => ({
    ...base,
    outcome,
    fact: factText(key, found, ctx, outcome === true ? op : undefined, values),
  });
  if (found.kind === 'unknown') return fact('unknown');
  if (op.family === 'null') {
    // "Null": true asks "is the key absent?", false asks "is it present?".
    const absent = found.kind === 'absent';
    return fact(values.some((v) => v.toLowerCase() === (absent ? 'true' : 'false')));
  }
  if (found.kind === 'absent') {
    // IfExists says what to do without the key, so it wins over the set operators' own rule.
    if (op.ifExists) return fact(true);
    if (op.set === 'all') return fact(true);
    if (op.set === 'any') return fact(false);
    return fact(op.negated);
  }
  // Each request value is tested against the condition's values, any of which may match.
  const matchesAny = (actual: string): Tri => any3(values, (w) => valueMatches(op, actual, w, ctx));
  const test = (actual: string): Tri => (op.negated ? not3(matchesAny(actual)) : matchesAny(actual));
  let outcome: Tri;
  if (op.set === 'all') outcome = all3(found.values, test);
  else if (op.set === 'any') outcome = any3(found.values, test);
  // Without a set operator a negated operator must hold for the key as a whole: no value may match.
  else if (op.negated) outcome = not3(any3(found.values, matchesAny));
  else outcome = any3(found.values, matchesAny);
  return fact(outcome);
}

/** Evaluates a statement's Condition block: every operator and every key in it must hold. */
export function evaluateCondition(condition: unknown, context?: RequestContext): ConditionOutcome {
  return evaluateConditionIn(condition, prepareContext(context));
}

function evaluateConditionIn(condition: unknown, ctx: PreparedContext): ConditionOutcome {
  if (typeof condition !== 'object' || condition === null) return { outcome: true, tests: [] };
  const tests: ConditionTest[] = [];
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (typeof block !== 'object' || block === null || Array.isArray(block)) {
      tests.push({ operator, key: '', values: [], outcome: 'unknown', fact: `${operator} has no keys` });
      continue;
    }
    for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
      tests.push(testKey(operator, key, raw, ctx));
    }
  }
  return { outcome: all3(tests, (t) => t.outcome), tests };
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

/** The prefixes IAM gives the unique ids of roles (AROA), users (AIDA), groups, instance profiles and the like. */
const UNIQUE_ID = /^A(RO|ID|GP|IP|NP|NV|PK|SC|SI)A[A-Z0-9]{12,}$/;

/**
 * Whether a principal value is an IAM unique id rather than an ARN: what a stored policy shows once the role
 * or user it named was deleted. The one definition for the evaluator and the merge/diff code.
 */
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

/** The tests worth naming for an outcome: the failing ones, the unknown ones, or all when it holds. */
function decidingTests(c: ConditionOutcome): ConditionTest[] {
  if (c.outcome === true) return c.tests;
  return c.tests.filter((t) => t.outcome === c.outcome);
}

function factsOf(m: MatchedStatement): string {
  return (m.tests ?? []).map((t) => t.fact).join(' and ');
}

function unknownKeysOf(list: MatchedStatement[]): string[] {
  const keys = list.flatMap((m) => (m.tests ?? []).filter((t) => t.outcome === 'unknown').map((t) => t.key));
  return [...new Set(keys.filter((k) => k !== ''))];
}

function explain(e: Omit<Evaluation, 'reason'>, who: string): string {
  const first = e.deciding[0];
  switch (e.verdict) {
    case 'denied':
      if (!first) return `denied for ${who}`;
      return first.condition
        ? `Deny ${statementLabel(first)}: ${factsOf(first)} for ${who}`
        : `Deny ${statementLabel(first)} applies to ${who} without a condition`;
    case 'implicit-deny': {
      if (e.staleUniqueIds.length > 0) {
        return `no statement allows it for ${who}: the principal is named by a unique id (${e.staleUniqueIds.join(', ')}), the role or user it named was deleted`;
      }
      const allow = e.excluded.find((m) => m.effect === 'Allow');
      if (allow)
        return `no statement allows it for ${who}: Allow ${statementLabel(allow)} does not apply, ${factsOf(allow)}`;
      return `no statement allows it for ${who}`;
    }
    case 'allowed':
      if (!first) return `allowed for ${who}`;
      return first.condition
        ? `Allow ${statementLabel(first)}: ${factsOf(first)} for ${who}`
        : `Allow ${statementLabel(first)} applies to ${who}`;
    case 'conditional': {
      const parts = e.deciding.map((m) => {
        const keys = unknownKeysOf([m]);
        return `${m.effect} ${statementLabel(m)} depends on ${keys.length > 0 ? keys.join(', ') : 'its condition'}`;
      });
      return `${parts.join('; ')}, not known for ${who}`;
    }
  }
}

/**
 * Evaluates one request against a policy (text, parsed document, or statement list). Conditions are judged
 * against `context`; without one, every statement with a Condition is "conditional".
 */
export function evaluate(policy: unknown, request: EvalRequest, context?: RequestContext): Evaluation {
  const statements = Array.isArray(policy) ? (policy as RawStatement[]) : policyStatements(policy);
  const ctx = prepareContext(context);
  const matched: MatchedStatement[] = [];
  const excluded: MatchedStatement[] = [];
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
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return; // AWS rejects such a policy; ignore the statement.
    const condition = conditionOf(s);
    const entry: MatchedStatement = {
      index,
      sid: typeof s.Sid === 'string' ? s.Sid : undefined,
      effect: s.Effect,
      principalMatch: how,
      condition,
    };
    if (condition) {
      const c = evaluateConditionIn(condition, ctx);
      entry.conditionOutcome = c.outcome;
      entry.tests = decidingTests(c);
      if (c.outcome === false) {
        excluded.push(entry);
        return;
      }
    }
    matched.push(entry);
  });

  const applies = (m: MatchedStatement) => !m.condition || m.conditionOutcome === true;
  const denies = matched.filter((m) => m.effect === 'Deny');
  const allows = matched.filter((m) => m.effect === 'Allow');
  const hardDenies = denies.filter(applies);
  const hardAllows = allows.filter(applies);
  const conditionalDenies = denies.filter((m) => !applies(m));

  let verdict: Verdict;
  let deciding: MatchedStatement[];
  if (hardDenies.length > 0) {
    verdict = 'denied';
    deciding = hardDenies;
  } else if (allows.length === 0) {
    verdict = 'implicit-deny';
    deciding = [];
  } else if (hardAllows.length > 0 && conditionalDenies.length === 0) {
    verdict = 'allowed';
    deciding = hardAllows;
  } else {
    verdict = 'conditional';
    deciding =
      hardAllows.length > 0
        ? conditionalDenies
        : [...allows.filter((m) => !applies(m)), ...conditionalDenies];
  }
  const conditions =
    verdict === 'conditional' ? deciding.flatMap((m) => (m.condition ? [m.condition] : [])) : [];
  const granting = hardAllows.length > 0 ? hardAllows : allows;
  const delegated =
    (verdict === 'allowed' || verdict === 'conditional') &&
    granting.length > 0 &&
    granting.every((m) => m.principalMatch === 'account');
  const unknownKeys = verdict === 'conditional' ? unknownKeysOf(deciding) : [];
  const partial = {
    verdict,
    matched,
    excluded,
    delegated,
    staleUniqueIds,
    conditions,
    deciding,
    unknownKeys,
  };
  return { ...partial, reason: explain(partial, ctx.label) };
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
