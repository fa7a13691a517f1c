import { z } from 'zod';
import { checkBucketName, checkSuffix } from '../core/bucket-name.js';
import { isKnownRegion } from '../core/regions.js';
import { bucketFromFlags, principalArnSchema, principalsFromFlags } from './flags.js';
import { verifyCheckSchema } from './verify.js';

/**
 * `setup`'s answers, whether they came from prompts or flags: the field schemas below are used both for
 * the flags (setupFlagsSchema) and for live validation while the user types, so a value a prompt accepts
 * is exactly a value the flag accepts.
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

export const setupPrincipalArnSchema = principalArnSchema;

const optionalText = z.string().optional();
const optionalFlag = z.boolean().optional();

/** One problem with the flags, worded for the command line; `hint` and name warnings ride in `params`. */
export interface SetupFlagIssueParams {
  hint?: string;
  /** Warnings about a valid bucket name, to show before the problem with a later flag. */
  warnings?: string[];
}

/**
 * `setup`'s flags, checked once, in the order a person fixes them (which bucket, where, whose principals),
 * into the complete input the command runs on. The bucket and region are optional here: the wizard asks
 * for them on a terminal. The first problem is reported, worded for the command line; its output is what
 * the command uses.
 */
export const setupFlagsSchema = z
  .object({
    suffix: optionalText,
    bucket: optionalText,
    region: optionalText,
    profile: optionalText,
    endpointUrl: optionalText,
    datasyncRoleArn: optionalText,
    locationUserArn: optionalText,
    yes: optionalFlag,
    dryRun: optionalFlag,
    json: optionalFlag,
    updateKeyPolicy: optionalFlag,
  })
  .transform((f, ctx) => {
    const problem = (message: string, params: SetupFlagIssueParams = {}) => {
      ctx.addIssue({ code: 'custom', message, params });
      return z.NEVER;
    };
    const name = bucketFromFlags(f);
    if (!name.ok) return problem(name.message);
    const { bucket, warnings } = name;
    if (f.region !== undefined) {
      const r = setupRegionSchema.safeParse(f.region);
      if (!r.success) {
        return problem(`Invalid --region: ${r.error.issues[0]?.message}`, {
          hint: 'Pass a region code such as us-east-1.',
          warnings,
        });
      }
    }
    const named = principalsFromFlags(f);
    if (!named.ok) return problem(named.message, { hint: named.hint, warnings });
    const { principals, overridden } = named;
    return {
      aws: { profile: f.profile, region: f.region, endpointUrl: f.endpointUrl },
      /** The bucket the flags name, if they name one; otherwise the wizard asks. */
      bucket,
      /** About a valid but unusual bucket name; shown before anything else happens. */
      warnings,
      region: f.region,
      principals,
      /** Which principals came from flags, so an "Invalid principal" answer can name the likely culprit. */
      overridden,
      yes: f.yes === true,
      dryRun: f.dryRun === true,
      json: f.json === true,
      /** Consent to merge our statement into the bucket's KMS key policy (PutKeyPolicy). */
      updateKeyPolicy: f.updateKeyPolicy === true,
    };
  });

export type SetupFlagsInput = z.input<typeof setupFlagsSchema>;
export type SetupFlagsOutput = z.output<typeof setupFlagsSchema>;

const stepIdSchema = z.enum([
  'create-bucket',
  'ownership',
  'public-access-block',
  'policy',
  'kms-key-policy',
]);

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
  /** Only on the policy and key-policy steps: statement by statement, and the policy setup writes. */
  diff: z.array(policyDiffEntrySchema).optional(),
  policy: z.record(z.string(), z.unknown()).optional(),
  /** Only on the key-policy step: the key whose policy it changes. */
  keyArn: z.string().optional(),
});

/** A step setup leaves to a person (the key policy without --update-key-policy), with the statement to add. */
const manualStepSchema = z.object({
  id: z.literal('kms-key-policy'),
  title: z.string(),
  detail: z.string(),
  statement: z.record(z.string(), z.unknown()),
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
  /** verify's findings on settings setup does not change (encryption, Requester Pays, versioning). Optional, added within schemaVersion 1. */
  findings: z.array(verifyCheckSchema).optional(),
  /** Steps left to a person. Optional, added within schemaVersion 1. */
  manual: z.array(manualStepSchema).optional(),
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
    /** The bucket's customer managed KMS key, which Prophecy's role policy must name. Optional, added within schemaVersion 1. */
    kmsKeyArn: z.string().optional(),
  }),
});

export type SetupPlanDocument = z.infer<typeof setupPlanDocumentSchema>;
export type SetupResultDocument = z.infer<typeof setupResultDocumentSchema>;
