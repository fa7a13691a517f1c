import type { BucketState, PublicAccessBlock } from './bucket-state.js';
import { BucketTakenError, CliError } from './errors.js';
import { bucketArn, type PolicyDocument, type VendorPrincipals } from './policy.js';
import type { PolicyDiffEntry } from './policy-diff.js';
import { assertPolicyFits } from './policy-json.js';
import { mergePolicy } from './policy-merge.js';
import { isDefaultRegion } from './regions.js';
import { NON_DEFAULT_REGION_NOTE } from './vendor.js';

/**
 * What `setup` will do, as plain data: an ordered list of steps, each saying whether it creates,
 * updates or leaves something alone. The command shows it, asks, then applies it step by step; every
 * step is idempotent, so a run that stopped half-way is resumed by running setup again.
 */

export type StepId = 'create-bucket' | 'ownership' | 'public-access-block' | 'policy';
export type StepChange = 'create' | 'update' | 'none';

export const REQUIRED_OWNERSHIP = 'BucketOwnerEnforced';

export const ALL_BLOCKED: PublicAccessBlock = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

export interface PlanStep {
  id: StepId;
  title: string;
  change: StepChange;
  /** One line: what this step does, or why nothing is needed. */
  detail: string;
  /** Extra lines a person should read before confirming. */
  notes: string[];
}

export interface PolicyStep extends PlanStep {
  id: 'policy';
  diff: PolicyDiffEntry[];
  /** The policy after the step (the current one when nothing changes). */
  policy: PolicyDocument;
  /** The exact text PutBucketPolicy receives. */
  policyText: string;
}

export function isPolicyStep(step: PlanStep): step is PolicyStep {
  return step.id === 'policy';
}

/** The plan's policy step, by its id rather than its position. */
export function policyStepOf(plan: SetupPlan): PolicyStep {
  const step = plan.steps.find(isPolicyStep);
  if (!step) throw new Error('a setup plan always has a policy step');
  return step;
}

export interface SetupPlan {
  bucket: string;
  bucketArn: string;
  region: string;
  /** The account that owns (or will own) the bucket; sent as ExpectedBucketOwner. */
  account: string;
  bucketExists: boolean;
  steps: [PlanStep, PlanStep, PlanStep, PolicyStep];
  /** Things to confirm before applying (a non-empty bucket, a non-default region). */
  warnings: string[];
  /** True when every step is "no change". */
  satisfied: boolean;
}

export interface PlanInput {
  bucket: string;
  region: string;
  account: string;
  principals: VendorPrincipals;
  state: BucketState;
}

function pabOff(pab: PublicAccessBlock): string[] {
  return (Object.keys(ALL_BLOCKED) as (keyof PublicAccessBlock)[]).filter((k) => !pab[k]);
}

function ownershipStep(state: BucketState, exists: boolean): PlanStep {
  const base = { id: 'ownership' as const, title: 'Object Ownership: bucket owner enforced (ACLs disabled)' };
  if (!exists) {
    return { ...base, change: 'none', detail: 'set when the bucket is created', notes: [] };
  }
  if (state.objectOwnership === REQUIRED_OWNERSHIP) {
    return { ...base, change: 'none', detail: `already ${REQUIRED_OWNERSHIP}`, notes: [] };
  }
  const now = state.denied.includes('s3:GetBucketOwnershipControls')
    ? 'unknown (reading it was denied)'
    : (state.objectOwnership ?? 'not set (S3 then uses ObjectWriter, ACLs enabled)');
  return {
    ...base,
    change: 'update',
    detail: `${now} → ${REQUIRED_OWNERSHIP}`,
    notes: [
      'With ACLs disabled the bucket owns every object and ACLs are ignored; S3 refuses this change while the bucket ACL grants access to another account.',
    ],
  };
}

function publicAccessStep(state: BucketState, exists: boolean): PlanStep {
  const base = { id: 'public-access-block' as const, title: 'Block Public Access: all four settings on' };
  if (!exists) {
    return {
      ...base,
      change: 'create',
      detail: 'turn on all four settings (S3 does so for new buckets; set explicitly)',
      notes: [],
    };
  }
  const pab = state.publicAccessBlock;
  if (pab && pabOff(pab).length === 0)
    return { ...base, change: 'none', detail: 'already all on', notes: [] };
  const note =
    "Anything the bucket shares publicly (a public policy statement or ACL) stops working; Prophecy's access is not public and is unaffected.";
  if (state.denied.includes('s3:GetBucketPublicAccessBlock')) {
    return {
      ...base,
      change: 'update',
      detail: 'current setting unknown (reading it was denied) → all on',
      notes: [note],
    };
  }
  if (!pab) return { ...base, change: 'create', detail: 'not configured → all four on', notes: [note] };
  return { ...base, change: 'update', detail: `turn on ${pabOff(pab).join(', ')}`, notes: [note] };
}

function policyStep(input: PlanInput): PolicyStep {
  const { state, bucket, principals } = input;
  if (state.denied.includes('s3:GetBucketPolicy')) {
    throw new CliError(
      `Could not read the current policy of ${bucket} (access denied for s3:GetBucketPolicy); setup will not overwrite a policy it cannot see.`,
      {
        hint: 'Grant your identity s3:GetBucketPolicy on the bucket (or use a profile that has it) and run setup again.',
      },
    );
  }
  const merge = mergePolicy(state.existence === 'yours' ? state.policyText : undefined, bucket, principals);
  if (merge.change !== 'none') assertPolicyFits(merge.text, bucket);
  const kept = merge.diff.filter((d) => d.owner === 'customer').length;
  const detail =
    merge.change === 'create'
      ? "apply Prophecy's two statements (the bucket has no policy)"
      : merge.change === 'none'
        ? "Prophecy's statements are already in place"
        : `merge Prophecy's statements into the current policy${kept ? `, keeping your ${kept} other statement${kept === 1 ? ' as it is' : 's as they are'}` : ''}`;
  return {
    id: 'policy',
    title: "Bucket policy: grant Prophecy's DataSync role and s3access user",
    change: merge.change,
    detail,
    notes: merge.notes,
    diff: merge.diff,
    policy: merge.merged,
    policyText: merge.text,
  };
}

export function planSetup(input: PlanInput): SetupPlan {
  const { state, bucket, region } = input;
  if (state.existence === 'exists-not-yours') {
    throw new BucketTakenError(bucket);
  }
  if (state.existence === 'forbidden') {
    throw new CliError(
      `Your account owns ${bucket}, but HeadBucket was denied: your identity is missing s3:ListBucket on it.`,
      {
        hint: 'Grant s3:ListBucket (and the other permissions setup needs) on the bucket, or use another profile (--profile).',
      },
    );
  }
  const exists = state.existence === 'yours';
  if (exists && state.region && state.region !== region) {
    throw new CliError(
      `${bucket} already exists in ${state.region}, not in ${region}; a bucket cannot move between regions.`,
      {
        hint: `Run again with --region ${state.region} to keep that bucket, or choose another suffix for a new one in ${region}.`,
      },
    );
  }
  const warnings: string[] = [];
  if (exists && state.hasObjects) {
    warnings.push(
      `${bucket} is not empty. Prophecy asks for an empty bucket: DataSync copies into it and may overwrite or delete objects under the same keys.`,
    );
  }
  if (exists && state.denied.includes('s3:ListBucket')) {
    warnings.push(`Could not list ${bucket} to see whether it is empty (s3:ListBucket was denied).`);
  }
  if (!isDefaultRegion(region)) warnings.push(`Region ${region}: ${NON_DEFAULT_REGION_NOTE}`);

  const create: PlanStep = exists
    ? {
        id: 'create-bucket',
        title: `Bucket ${bucket} in ${region}`,
        change: 'none',
        detail: `already exists in your account${state.region ? ` in ${state.region}` : ''}`,
        notes: [],
      }
    : {
        id: 'create-bucket',
        title: `Bucket ${bucket} in ${region}`,
        change: 'create',
        detail: `create it in ${region} with Object Ownership ${REQUIRED_OWNERSHIP}`,
        notes: [],
      };
  const steps: SetupPlan['steps'] = [
    create,
    ownershipStep(state, exists),
    publicAccessStep(state, exists),
    policyStep(input),
  ];
  return {
    bucket,
    bucketArn: bucketArn(bucket),
    region,
    account: input.account,
    bucketExists: exists,
    steps,
    warnings,
    satisfied: steps.every((s) => s.change === 'none'),
  };
}
