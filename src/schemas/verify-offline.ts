import { z } from 'zod';
import { verifyCheckSchema, verifyResultSchema } from './verify.js';

/**
 * `prophecy-audit verify --policy-file … --json`: verify's document (schemaVersion 1, the same fields with
 * the same meaning) plus two additive fields, so a script written for the live verify reads it unchanged:
 * each check names the entry of the input it judged, and `policyFile` describes the input.
 */
export const offlineEntrySchema = z.object({
  /** `policy document`, a CloudFormation logical id, or a Terraform resource address. */
  source: z.string(),
  /** The bucket the input says the entry is for; null when it does not say (it is checked as `bucket`). */
  bucket: z.string().nullable(),
  /** False when one of its checks failed (or warned, with --strict). */
  ok: z.boolean(),
  /** Why the entry cannot be checked (fully); non-empty makes its policy check fail ("not checkable"). */
  problems: z.array(z.string()),
  /** Facts about how it was read (placeholders, values taken from the configuration); they decide nothing. */
  notes: z.array(z.string()),
});

export const offlineVerifyResultSchema = verifyResultSchema.extend({
  /** The expected region (--region, default us-east-1): nothing offline says where a bucket is. */
  region: z.string(),
  checks: z.array(
    verifyCheckSchema.extend({
      /** The `source` of the entry this check judged; null when the input has no entry for the bucket. */
      entry: z.string().nullable(),
    }),
  ),
  policyFile: z.object({
    /** The path as given; `-` for stdin. */
    path: z.string(),
    kind: z.enum(['policy', 'cloudformation', 'terraform-plan']),
    /** The entries for the bucket being verified, in input order. */
    entries: z.array(offlineEntrySchema),
    /** Entries the input has for other buckets: listed, not judged. */
    ignored: z.array(z.object({ source: z.string(), bucket: z.string() })),
  }),
});

export type OfflineVerifyResult = z.infer<typeof offlineVerifyResultSchema>;
