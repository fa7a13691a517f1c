import type { PolicyStatement } from './policy.js';
import { asList, isUniqueId } from './policy-eval.js';

/**
 * Comparing bucket policies by meaning, and describing the difference to a person.
 *
 * S3 does not hand back the policy text it was given: it may turn a one-item array into a string,
 * an account id into `arn:aws:iam::<id>:root`, reorder nothing but drop whitespace, and so on. Two
 * statements are "the same" here when IAM would read them the same way, so a re-run of `setup` on
 * a bucket it already configured plans no change.
 */

const ACCOUNT_ID = /^\d{12}$/;

type Canonical = string | string[] | Record<string, unknown> | undefined;

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function canonicalPrincipalValue(key: string, value: string): string {
  if (key === 'AWS' && ACCOUNT_ID.test(value)) return `arn:aws:iam::${value}:root`;
  return value;
}

function canonicalPrincipal(principal: unknown): Canonical {
  if (principal === undefined) return undefined;
  if (principal === '*') return '*';
  if (typeof principal !== 'object' || principal === null) return String(principal);
  const entries = Object.entries(principal as Record<string, unknown>);
  // {"AWS": "*"} grants exactly what "*" grants.
  if (entries.length === 1 && entries[0]?.[0] === 'AWS' && asList(entries[0][1]).every((v) => v === '*')) {
    return '*';
  }
  const out: Record<string, string[]> = {};
  for (const [key, value] of entries.sort(([a], [b]) => a.localeCompare(b))) {
    out[key] = sortedUnique(asList(value).map((v) => canonicalPrincipalValue(key, String(v))));
  }
  return out;
}

/** Action names are case-insensitive in IAM; resources are not. */
function canonicalActions(value: unknown): Canonical {
  return value === undefined ? undefined : sortedUnique(asList(value).map((v) => String(v).toLowerCase()));
}

function canonicalResources(value: unknown): Canonical {
  return value === undefined ? undefined : sortedUnique(asList(value).map(String));
}

/** Condition keys are case-insensitive; operators and values are kept, values as sorted string lists. */
function canonicalCondition(value: unknown): Canonical {
  if (value === undefined || typeof value !== 'object' || value === null) return undefined;
  const out: Record<string, Record<string, string[]>> = {};
  for (const [op, block] of Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const keys: Record<string, string[]> = {};
    const blockEntries = Object.entries((block ?? {}) as Record<string, unknown>).map(
      ([k, v]) => [k.toLowerCase(), v] as const,
    );
    for (const [k, v] of blockEntries.sort(([a], [b]) => a.localeCompare(b))) {
      keys[k] = sortedUnique(asList(v).map(String));
    }
    out[op] = keys;
  }
  return out;
}

const FIELDS = [
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
] as const;
type Field = (typeof FIELDS)[number];

function canonicalField(statement: PolicyStatement, field: Field): Canonical {
  const raw = (statement as unknown as Record<string, unknown>)[field];
  switch (field) {
    case 'Effect':
      return raw === undefined ? undefined : String(raw);
    case 'Principal':
    case 'NotPrincipal':
      return canonicalPrincipal(raw);
    case 'Action':
    case 'NotAction':
      return canonicalActions(raw);
    case 'Resource':
    case 'NotResource':
      return canonicalResources(raw);
    case 'Condition':
      return canonicalCondition(raw);
  }
}

/** Stable JSON: object keys sorted, so key order in the stored text never matters. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

export function canonicalStatement(statement: PolicyStatement): string {
  const out: Record<string, Canonical> = { Sid: statement.Sid };
  for (const f of FIELDS) out[f] = canonicalField(statement, f);
  return stableJson(out);
}

/** Whether IAM reads the two statements the same way (Sid included). */
export function sameMeaning(a: PolicyStatement, b: PolicyStatement): boolean {
  return canonicalStatement(a) === canonicalStatement(b);
}

/**
 * Principal values of a statement that are IAM unique ids (see isUniqueId): the role or user was deleted
 * after the policy was written, and a role created again under the same name does NOT match the id. In one
 * of our statements that always means "update".
 */
export function uniqueIdPrincipals(statement: PolicyStatement): string[] {
  const p = statement.Principal;
  if (!p || p === '*') return [];
  return Object.values(p)
    .flatMap((v) => asList(v).map(String))
    .filter(isUniqueId);
}

// ---- describing statements and differences --------------------------------------------------

export type DiffOp = '+' | '-' | '~' | '=';

/** One statement of the policy, as it will change: added, removed, changed, or kept as is. */
export interface PolicyDiffEntry {
  op: DiffOp;
  sid: string | undefined;
  /** `prophecy` for statements whose Sid setup owns; everything else is the customer's. */
  owner: 'prophecy' | 'customer';
  /** The statement in one line, as it will be after the change (as it was, for a removal). */
  summary: string;
  /** For `~`: what changes, one line per field. */
  changes: string[];
}

function principalText(p: PolicyStatement['Principal']): string {
  if (p === undefined) return '';
  if (p === '*') return '*';
  return Object.values(p)
    .flatMap((v) => asList(v).map(String))
    .join(', ');
}

function listText(value: unknown, max = 3): string {
  const items = asList(value).map(String);
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** "Allow <principals> s3:GetObject, … on <resources> [when …]", short enough for one line. */
export function describeStatement(s: PolicyStatement): string {
  const who =
    s.Principal !== undefined
      ? principalText(s.Principal)
      : `everyone except ${principalText(s.NotPrincipal)}`;
  const what = s.Action !== undefined ? listText(s.Action) : `every action except ${listText(s.NotAction)}`;
  const where =
    s.Resource !== undefined ? listText(s.Resource, 2) : `everything except ${listText(s.NotResource, 2)}`;
  const when = s.Condition ? ` when ${conditionText(s.Condition)}` : '';
  return `${s.Effect} ${who}: ${what} on ${where}${when}`;
}

function conditionText(condition: NonNullable<PolicyStatement['Condition']>): string {
  return Object.entries(condition)
    .flatMap(([op, block]) =>
      Object.entries(block ?? {}).map(([k, v]) => `${op} ${k} = ${asList(v).map(String).join('|')}`),
    )
    .join(' and ');
}

/** Display values of a list field keyed by their canonical form, so case-only differences vanish. */
function displayByCanonical(field: Field, statement: PolicyStatement): Map<string, string> {
  const raw = (statement as unknown as Record<string, unknown>)[field];
  const map = new Map<string, string>();
  if (field === 'Principal' || field === 'NotPrincipal') {
    if (raw === '*') map.set('*', '*');
    else if (raw && typeof raw === 'object') {
      for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        for (const v of asList(value)) map.set(canonicalPrincipalValue(key, String(v)), String(v));
      }
    }
    return map;
  }
  for (const v of asList(raw)) {
    const s = String(v);
    map.set(field === 'Action' || field === 'NotAction' ? s.toLowerCase() : s, s);
  }
  return map;
}

/** Every field but Effect and Condition holds a list (or a one-item string). */
const LIST_FIELDS: ReadonlySet<Field> = new Set(FIELDS.filter((f) => f !== 'Effect' && f !== 'Condition'));

function describeValue(value: string): string {
  return isUniqueId(value)
    ? `${value} (an IAM unique id: the role or user it named was deleted, so it matches nobody now)`
    : value;
}

/** What changes between the statement on the bucket and the one setup will write, field by field. */
export function statementChanges(before: PolicyStatement, after: PolicyStatement): string[] {
  const changes: string[] = [];
  for (const field of FIELDS) {
    if (stableJson(canonicalField(before, field)) === stableJson(canonicalField(after, field))) continue;
    if (LIST_FIELDS.has(field)) {
      const was = displayByCanonical(field, before);
      const will = displayByCanonical(field, after);
      const removed = [...was].filter(([k]) => !will.has(k)).map(([, v]) => `- ${describeValue(v)}`);
      const added = [...will].filter(([k]) => !was.has(k)).map(([, v]) => `+ ${v}`);
      changes.push(`${field}: ${[...removed, ...added].join(', ')}`);
    } else {
      const was = (before as unknown as Record<string, unknown>)[field];
      const will = (after as unknown as Record<string, unknown>)[field];
      changes.push(`${field}: ${stableJson(was)} → ${stableJson(will)}`);
    }
  }
  return changes;
}

function sidText(entry: PolicyDiffEntry): string {
  return entry.sid === undefined ? '(statement without Sid)' : `"${entry.sid}"`;
}

/** The diff as plain text lines, one per statement plus indented field changes, for a person to review. */
export function renderPolicyDiff(entries: readonly PolicyDiffEntry[]): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    const whose = e.owner === 'customer' ? 'yours' : "Prophecy's";
    const verb = { '+': 'add', '-': 'remove', '~': 'change', '=': 'keep' }[e.op];
    lines.push(`${e.op} ${verb} ${sidText(e)} (${whose}): ${e.summary}`);
    for (const c of e.changes) lines.push(`    ${c}`);
  }
  return lines;
}
