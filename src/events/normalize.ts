import { inferEntity } from '../core/catalog.js';
import type { AuditEvent, EventFacts } from '../core/event.js';
import { exceedsDepth } from './depth.js';
import { redact } from './redact.js';
import { parseEventTime } from './time.js';

export type FieldRole = 'time' | 'entity' | 'query' | 'user' | 'params' | 'outcome';

/**
 * Field aliases, matched case-insensitively, in order of preference within a role. The Prophecy
 * self-hosted export spells them opType / createdAt / nameHints / userEmail / requestParams / responseCode.
 */
export const FIELD_ALIASES: Record<FieldRole, readonly string[]> = {
  time: ['createdAt', 'created_at', 'timestamp', 'eventTime', 'time', 'ts'],
  entity: ['nameHints', 'entity', 'entityKind', 'entityType'],
  query: ['opType', 'operationName', 'queryName', 'query', 'eventName', 'operation', 'action'],
  user: ['userEmail', 'email', 'user', 'userId', 'uid', 'actor'],
  params: ['requestParams', 'requestParameters', 'params', 'variables', 'request'],
  outcome: ['responseCode', 'status'],
};

const ROLE_OF = new Map<string, { role: FieldRole; rank: number }>();
for (const [role, names] of Object.entries(FIELD_ALIASES) as [FieldRole, readonly string[]][]) {
  names.forEach((n, rank) => {
    ROLE_OF.set(n.toLowerCase(), { role, rank });
  });
}

export function fieldRole(name: string): FieldRole | undefined {
  return ROLE_OF.get(name.toLowerCase())?.role;
}

/** A field's role and its rank among the role's aliases (0 preferred), matched case-insensitively. */
export function roleOf(name: string): { role: FieldRole; rank: number } | undefined {
  return ROLE_OF.get(name.toLowerCase());
}

/** Keys under which one JSON object may hold the array of events. */
export const WRAPPER_KEYS = ['events', 'records', 'Records', 'data'] as const;

export function isRecordObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const IDENTIFIER = /^[A-Za-z_][\w.:/-]*$/;
// A GraphQL document in a `query` field: take its operation name, or its first selected field.
const GRAPHQL_OPERATION = /^\s*(?:query|mutation|subscription)\s+([A-Za-z_]\w*)/;
const GRAPHQL_FIRST_FIELD = /^\s*(?:(?:query|mutation|subscription)\s*(?:\([^)]*\))?\s*)?\{\s*([A-Za-z_]\w*)/;

export function queryName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (s === '') return undefined;
  if (IDENTIFIER.test(s)) return s;
  return GRAPHQL_OPERATION.exec(s)?.[1] ?? GRAPHQL_FIRST_FIELD.exec(s)?.[1];
}

export function entityName(value: unknown): string | undefined {
  if (Array.isArray(value)) return entityName(value[0]);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function userValues(value: unknown, out: string[]): void {
  if (typeof value === 'string' && value !== '') out.push(value);
  else if (typeof value === 'number') out.push(String(value));
  else if (isRecordObject(value)) {
    // An actor/user object: the same aliases one level down, in preference order.
    const inner = new Map(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
    for (const alias of FIELD_ALIASES.user) {
      const v = inner.get(alias.toLowerCase());
      if (typeof v === 'string' && v !== '') out.push(v);
      else if (typeof v === 'number') out.push(String(v));
    }
  }
}

export function isFailedOutcome(value: unknown): boolean {
  if (typeof value === 'number') return value < 200 || value > 299;
  if (typeof value === 'string') {
    const s = value.trim();
    if (/^\d+$/.test(s)) return isFailedOutcome(Number(s));
    return /fail|error|denied|forbidden|unauthori[sz]ed|reject/i.test(s);
  }
  return false;
}

type Best = { rank: number; value: unknown };

/**
 * The facts the filters need, read from one parsed record. Returns undefined when the record has no
 * usable query name (it is then skipped and counted, like a line that is not JSON).
 */
export function readFacts(record: unknown): EventFacts | undefined {
  if (!isRecordObject(record)) return undefined;
  const best: Partial<Record<FieldRole, Best>> = {};
  const users: { rank: number; value: unknown }[] = [];
  for (const key in record) {
    const r = ROLE_OF.get(key.toLowerCase());
    if (!r) continue;
    const value = record[key];
    if (r.role === 'user') {
      users.push({ rank: r.rank, value });
      continue;
    }
    if (r.role === 'query' && queryName(value) === undefined) continue;
    const cur = best[r.role];
    if (!cur || r.rank < cur.rank) best[r.role] = { rank: r.rank, value };
  }
  const query = queryName(best.query?.value);
  if (query === undefined) return undefined;
  let entity = entityName(best.entity?.value);
  let entityInferred = false;
  if (entity === undefined) {
    entity = inferEntity(query);
    entityInferred = entity !== undefined;
  }
  const userList: string[] = [];
  users.sort((a, b) => a.rank - b.rank);
  for (const u of users) userValues(u.value, userList);
  const outcomeValue = best.outcome?.value;
  const outcome =
    typeof outcomeValue === 'number' || (typeof outcomeValue === 'string' && outcomeValue !== '')
      ? outcomeValue
      : undefined;
  return {
    query,
    entity,
    entityInferred,
    timeMs: parseEventTime(best.time?.value),
    users: userList,
    user: userList[0],
    outcome,
    failed: isFailedOutcome(outcome),
    params: best.params?.value,
  };
}

/** A string that holds JSON (an object, array or quoted string) is decoded; anything else is kept as is. */
export function decodeParamValue(value: unknown): unknown {
  if (typeof value !== 'string' || value.length < 2) return value;
  const c = value[0];
  if (c !== '{' && c !== '[' && c !== '"') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  // The record passed the depth check with this JSON still a string; decoded, it must pass it too.
  return exceedsDepth(parsed) ? value : parsed;
}

/** Request parameters as an object: a JSON-encoded object string is decoded, each value too. */
export function normalizeParams(value: unknown): Record<string, unknown> {
  let v = value;
  if (typeof v === 'string') v = decodeParamValue(v);
  if (!isRecordObject(v)) return v === undefined || v === null ? {} : { value: v };
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = decodeParamValue(x);
  return out;
}

export interface EventOptions {
  redact: boolean;
}

/** The full output event for a record that matched. */
export function toEvent(
  facts: EventFacts,
  record: unknown,
  source: { key: string; line: number },
  opts: EventOptions,
): AuditEvent {
  const params = normalizeParams(facts.params);
  return {
    time: facts.timeMs === undefined ? null : new Date(facts.timeMs).toISOString(),
    entity: facts.entity ?? null,
    query: facts.query,
    user: facts.user ?? null,
    outcome: facts.outcome ?? null,
    failed: facts.failed,
    params: opts.redact ? (redact(params) as Record<string, unknown>) : params,
    source,
    raw: opts.redact ? redact(record) : record,
  };
}

/** Which top-level fields of a record the reader understood, and which it ignored (for --inspect). */
export function classifyFields(record: unknown): {
  recognised: Record<string, FieldRole>;
  ignored: string[];
} {
  const recognised: Record<string, FieldRole> = {};
  const ignored: string[] = [];
  if (!isRecordObject(record)) return { recognised, ignored };
  for (const key of Object.keys(record)) {
    const role = fieldRole(key);
    if (role) recognised[key] = role;
    else ignored.push(key);
  }
  return { recognised, ignored };
}
