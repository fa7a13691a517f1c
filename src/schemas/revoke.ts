import { z } from 'zod';
import type { RevokePlanJson } from '../core/revoke-plan.js';

/** `revoke`'s steps: the bucket policy always, the KMS key policy with --key-policy. Stable: scripts match on them. */
export const revokeStepIdSchema = z.enum(['bucket-policy', 'key-policy']);

export const revokeStepSchema = z.object({
  id: revokeStepIdSchema,
  title: z.string(),
  /** The bucket name, or the KMS key id/ARN. */
  target: z.string(),
  /** `delete` only for the bucket policy, when Prophecy's statements were all of it. */
  change: z.enum(['update', 'delete', 'none']),
  /** The call that applies the step; null when it changes nothing. */
  api: z.enum(['PutBucketPolicy', 'DeleteBucketPolicy', 'PutKeyPolicy']).nullable(),
  detail: z.string(),
  notes: z.array(z.string()),
  /** Statement Sids before and after the step, in order; null for a statement without Sid. */
  before: z.array(z.string().nullable()),
  after: z.array(z.string().nullable()),
  removed: z.array(z.string()),
  diff: z.array(
    z.object({
      op: z.enum(['-', '=']),
      sid: z.string().nullable(),
      owner: z.enum(['prophecy', 'customer']),
      summary: z.string(),
    }),
  ),
});

/** A statement that stays and still allows Prophecy's principals (or their account) something. */
export const revokeRemainingGrantSchema = z.object({
  policy: z.enum(['bucket', 'key']),
  statement: z.string(),
  sid: z.string().nullable(),
  index: z.number().int().nonnegative(),
  principals: z.array(z.string()),
  actions: z.array(z.string()),
  public: z.boolean(),
  conditional: z.boolean(),
});

const identitySchema = z.object({ account: z.string(), arn: z.string() });

/** `revoke --dry-run --json`: the plan, nothing applied. */
export const revokePlanSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('plan'),
  identity: identitySchema,
  bucket: z.string(),
  bucketArn: z.string(),
  /** True when every step is "none": running revoke would change nothing. */
  satisfied: z.boolean(),
  /** "objects and the bucket are kept: N objects, newest …" */
  kept: z.string(),
  objects: z
    .object({ count: z.number().int().nonnegative(), newest: z.string().nullable(), lowerBound: z.boolean() })
    .nullable(),
  warnings: z.array(z.string()),
  remainingGrants: z.array(revokeRemainingGrantSchema),
  steps: z.array(revokeStepSchema),
});

export type RevokePlanDocument = z.infer<typeof revokePlanSchema>;

/** The document `revoke --dry-run --json` prints. */
export function revokePlanDocument(
  plan: RevokePlanJson,
  identity: { account: string; arn: string },
): RevokePlanDocument {
  return {
    schemaVersion: 1,
    kind: 'plan',
    identity: { account: identity.account, arn: identity.arn },
    ...plan,
  };
}

// The core type and the schema must describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: Same<
  RevokePlanJson,
  Omit<RevokePlanDocument, 'schemaVersion' | 'kind' | 'identity'>
> = true;
void typesAgree;

/** What the check after applying found still allowed: one entry per principal, action and statement. */
export const revokeRemainingAccessSchema = z.object({
  principal: z.string(),
  action: z.string(),
  resource: z.string(),
  /** `"Sid"` or `#n`: the Allow statement that grants it. */
  statement: z.string(),
  sid: z.string().nullable(),
  conditional: z.boolean(),
});

/** `revoke --json` (without --dry-run): what was applied and what the check found. */
export const revokeResultSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('result'),
  /** True when no access remains for Prophecy's principals under the bucket policy (exit code 0). */
  ok: z.boolean(),
  identity: identitySchema,
  bucket: z.string(),
  bucketArn: z.string(),
  steps: z.array(
    z.object({
      id: revokeStepIdSchema,
      title: z.string(),
      target: z.string(),
      change: z.enum(['update', 'delete', 'none']),
      status: z.enum(['applied', 'unchanged']),
    }),
  ),
  /** Empty when ok. */
  remaining: z.array(revokeRemainingAccessSchema),
  /** The plan's warnings: other doors that stay open. */
  warnings: z.array(z.string()),
  kept: z.string(),
});

export type RevokeResultDocument = z.infer<typeof revokeResultSchema>;
