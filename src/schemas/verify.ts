import { z } from 'zod';
import { CHECK_IDS, type CheckResult } from '../core/checks.js';

/** The ids of verify's checks, in the order they run. Stable: scripts match on them. */
export const verifyCheckIdSchema = z.enum(CHECK_IDS);

export const verifyCheckSchema = z.object({
  id: verifyCheckIdSchema,
  status: z.enum(['pass', 'warn', 'fail']),
  /** One line a person can act on. */
  message: z.string(),
  /** Check-specific data (missing grants, conditions, timestamps), or null. */
  details: z.unknown(),
});

/** `prophecy-audit verify --json`: one document on stdout. */
export const verifyResultSchema = z.object({
  schemaVersion: z.literal(1),
  /** False when a check failed (or, with --strict, warned); matches exit code 1. */
  ok: z.boolean(),
  bucket: z.string(),
  /** The bucket's region as S3 reports it, or the expected region when it could not be read. */
  region: z.string(),
  checks: z.array(verifyCheckSchema),
  /**
   * What the bucket owner's credentials cannot see and can still block Prophecy (organization SCPs and
   * RCPs); present whenever the bucket checks ran. Optional, added within schemaVersion 1.
   */
  organizationGuardrails: z.string().optional(),
});

export type VerifyCheck = z.infer<typeof verifyCheckSchema>;
export type VerifyResult = z.infer<typeof verifyResultSchema>;

/** Check results as the JSON documents (verify's and setup's) carry them: `details` always present. */
export function checkEntries(results: readonly CheckResult[]): VerifyCheck[] {
  return results.map((r) => ({ id: r.id, status: r.status, message: r.message, details: r.details ?? null }));
}
