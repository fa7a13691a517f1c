import { z } from 'zod';
import type { AuditEvent } from '../core/event.js';

/** One normalized audit event: a line of `events query --output ndjson`, an element of `--output json`. */
export const auditEventSchema = z.object({
  time: z.string().nullable(),
  entity: z.string().nullable(),
  query: z.string().min(1),
  user: z.string().nullable(),
  outcome: z.union([z.number(), z.string()]).nullable(),
  failed: z.boolean(),
  params: z.record(z.string(), z.unknown()),
  source: z.object({ key: z.string(), line: z.number().int().nonnegative() }),
  raw: z.unknown(),
});

/**
 * An object (or, with `what: 'listing'`, a listing under a prefix or folder) that could not be read
 * completely, and why.
 */
export const incompleteEntrySchema = z.object({
  key: z.string(),
  what: z.enum(['object', 'listing']),
  reason: z.string(),
});

/**
 * Additive, optional fields of the query and count documents (schemaVersion stays 1): absent when the
 * answer is complete; `complete: false` with the list of what could not be read when it is not (the run
 * then exits 2).
 */
const completenessFields = {
  complete: z.literal(false).optional(),
  incomplete: z.array(incompleteEntrySchema).optional(),
};

/** `events query --output json`: the matching events in one document. */
export const eventsQueryDocumentSchema = z.object({
  schemaVersion: z.literal(1),
  events: z.array(auditEventSchema),
  ...completenessFields,
});

export const eventCountGroupSchema = z.object({
  entity: z.string().nullable(),
  query: z.string(),
  count: z.number().int().positive(),
});

/** `events query --count --output json`. */
export const eventsCountDocumentSchema = z.object({
  schemaVersion: z.literal(1),
  total: z.number().int().nonnegative(),
  groups: z.array(eventCountGroupSchema),
  ...completenessFields,
});

/** `events catalog --json`. */
export const eventsCatalogDocumentSchema = z.object({
  schemaVersion: z.literal(1),
  events: z.array(
    z.object({
      entity: z.string(),
      query: z.string(),
      description: z.string(),
      requestParameters: z.array(z.string()),
    }),
  ),
});

const fieldRoleSchema = z.enum(['time', 'entity', 'query', 'user', 'params', 'outcome']);

/** `events query --inspect --output json`. */
export const eventsInspectDocumentSchema = z.object({
  schemaVersion: z.literal(1),
  objects: z.array(
    z.object({
      key: z.string(),
      encoding: z.enum(['gzip', 'plain']),
      shape: z.string(),
      recordsRead: z.number().int().nonnegative(),
      recordsWithQuery: z.number().int().nonnegative(),
      unparseable: z.number().int().nonnegative(),
    }),
  ),
  fields: z.array(
    z.object({
      name: z.string(),
      role: fieldRoleSchema.nullable(),
      seen: z.number().int().positive(),
    }),
  ),
  missing: z.array(fieldRoleSchema),
});

export type AuditEventDocument = z.infer<typeof auditEventSchema>;
export type IncompleteEntry = z.infer<typeof incompleteEntrySchema>;
export type EventsQueryDocument = z.infer<typeof eventsQueryDocumentSchema>;
export type EventsCountDocument = z.infer<typeof eventsCountDocumentSchema>;
export type EventsCatalogDocument = z.infer<typeof eventsCatalogDocumentSchema>;
export type EventsInspectDocument = z.infer<typeof eventsInspectDocumentSchema>;

// The core type and the schema must describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: Same<AuditEvent, AuditEventDocument> = true;
void typesAgree;
