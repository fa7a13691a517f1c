/** One audit event after normalization: what every output format prints (schema: src/schemas/events.ts). */
export interface AuditEvent {
  /** ISO 8601 UTC, or null when the record carried no readable time. */
  time: string | null;
  /** From the record, or inferred from the catalog by query name; null when neither knows. */
  entity: string | null;
  /** The query (operation) name exactly as the record spells it. */
  query: string;
  /** The user's email / id as recorded (an email is preferred when several are present). */
  user: string | null;
  /** responseCode / status as recorded. */
  outcome: number | string | null;
  /** True when the outcome says the request did not succeed (a non-2xx code, or a status like "error"). */
  failed: boolean;
  /** Request parameters with JSON-encoded string values decoded; secret-looking ones masked. */
  params: Record<string, unknown>;
  /** Where the record was read: object key (or file path relative to --dir) and 1-based line. */
  source: { key: string; line: number };
  /** The original record (secret-looking values masked unless --no-redact). */
  raw: unknown;
}

/** What the filters look at, read from a record before the (more costly) full event is built. */
export interface EventFacts {
  query: string;
  entity: string | undefined;
  entityInferred: boolean;
  timeMs: number | undefined;
  /** Every user-ish value (email, id, uid, actor) for --user matching. */
  users: string[];
  user: string | undefined;
  outcome: number | string | undefined;
  failed: boolean;
  params: unknown;
}
