import { z } from 'zod';
import { bucketForSuffix, checkBucketName, checkSuffix } from '../core/bucket-name.js';
import { DEFAULT_PRINCIPALS } from '../core/policy.js';
import { PRINCIPAL_ARN } from '../core/principal.js';
import { isKnownRegion } from '../core/regions.js';
import { verifyCheckSchema } from './verify.js';

/**
 * `setup`'s answers, whether they came from prompts or flags: one schema, so a value a prompt
 * accepts is exactly a value the flag accepts. The field schemas are also used for live validation
 * while the user types.
 */

export const setupSuffixSchema = z.string().superRefine((value, ctx) => {
  const check = checkSuffix(value);
  if (!check.ok) ctx.addIssue({ code: 'custom', message: `[${check.rule}] ${check.message}` });
});

export const setupBucketNameSchema = z.string().superRefine((value, ctx) => {
  const check = checkBucketName(value);
  if (!check.ok) ctx.addIssue({ code: 'custom', message: `[${check.rule}] ${check.message}` });
});

export const setupRegionSchema = z.string().refine(isKnownRegion, {
  error: (issue) =>
    `"${String(issue.input)}" is not an AWS region setup knows (commercial regions only, e.g. us-east-1, eu-west-1).`,
});

export const setupPrincipalArnSchema = z
  .string()
  .regex(PRINCIPAL_ARN, 'expected arn:aws:iam::<12-digit account>:role/<name> or :user/<name>');

export const setupAnswersSchema = z
  .object({
    suffix: setupSuffixSchema.optional(),
    bucket: setupBucketNameSchema.optional(),
    region: setupRegionSchema,
    datasyncRoleArn: setupPrincipalArnSchema.default(DEFAULT_PRINCIPALS.datasyncRoleArn),
    locationUserArn: setupPrincipalArnSchema.default(DEFAULT_PRINCIPALS.locationUserArn),
    yes: z.boolean().default(false),
    dryRun: z.boolean().default(false),
  })
  .superRefine((a, ctx) => {
    if ((a.suffix === undefined) === (a.bucket === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['suffix'], message: 'give exactly one of suffix and bucket' });
    }
  })
  .transform((a) => ({
    bucket: a.bucket ?? bucketForSuffix(a.suffix as string),
    region: a.region,
    principals: { datasyncRoleArn: a.datasyncRoleArn, locationUserArn: a.locationUserArn },
    yes: a.yes,
    dryRun: a.dryRun,
  }));

export type SetupAnswersInput = z.input<typeof setupAnswersSchema>;
export type SetupAnswers = z.output<typeof setupAnswersSchema>;

const stepIdSchema = z.enum(['create-bucket', 'ownership', 'public-access-block', 'policy']);

const policyDiffEntrySchema = z.object({
  op: z.enum(['+', '-', '~', '=']),
  sid: z.string().nullable(),
  owner: z.enum(['prophecy', 'customer']),
  summary: z.string(),
  changes: z.array(z.string()),
});

export const setupPlanStepSchema = z.object({
  id: stepIdSchema,
  title: z.string(),
  change: z.enum(['create', 'update', 'none']),
  detail: z.string(),
  notes: z.array(z.string()),
  /** Only on the policy step: statement by statement, and the policy setup writes. */
  diff: z.array(policyDiffEntrySchema).optional(),
  policy: z.record(z.string(), z.unknown()).optional(),
});

const identitySchema = z.object({ account: z.string(), arn: z.string() });

/** `setup --dry-run --json`: the plan, nothing applied. */
export const setupPlanDocumentSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('plan'),
  identity: identitySchema,
  bucket: z.string(),
  bucketArn: z.string(),
  region: z.string(),
  bucketExists: z.boolean(),
  /** True when every step is "none": running setup would change nothing. */
  satisfied: z.boolean(),
  warnings: z.array(z.string()),
  steps: z.array(setupPlanStepSchema),
});

/** `setup --json`: what was applied, the checks of the result, and what to send Prophecy. */
export const setupResultDocumentSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('result'),
  /** False when a check of the finished bucket failed (exit code 1). */
  ok: z.boolean(),
  identity: identitySchema,
  bucket: z.string(),
  bucketArn: z.string(),
  region: z.string(),
  steps: z.array(
    z.object({
      id: stepIdSchema,
      title: z.string(),
      change: z.enum(['create', 'update', 'none']),
      status: z.enum(['applied', 'unchanged']),
    }),
  ),
  checks: z.array(verifyCheckSchema),
  handOff: z.object({
    bucketArn: z.string(),
    region: z.string(),
    /** Regions other than us-east-1 need extra configuration on Prophecy's side. */
    needsProphecyRegionSetup: z.boolean(),
    message: z.string(),
  }),
});

export type SetupPlanDocument = z.infer<typeof setupPlanDocumentSchema>;
export type SetupResultDocument = z.infer<typeof setupResultDocumentSchema>;
