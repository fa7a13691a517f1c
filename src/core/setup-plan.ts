import type { BucketState, PublicAccessBlock } from './bucket-state.js';
import { policyCheck } from './checks/policy.js';
import type { CheckResult } from './checks.js';
import { BucketTakenError, CliError } from './errors.js';
import { KMS_SID, mergeKeyPolicy } from './kms.js';
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

export type StepId = 'create-bucket' | 'ownership' | 'public-access-block' | 'policy' | 'kms-key-policy';
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

/**
 * Merging statement "ProphecyDataSyncKmsAccess" into the key policy of the bucket's customer managed key
 * (PutKeyPolicy, policy name `default`). Only with consent: --update-key-policy, or a yes in the wizard.
 */
export interface KeyPolicyStep extends PlanStep {
  id: 'kms-key-policy';
  keyArn: string;
  diff: PolicyDiffEntry[];
  /** The key policy after the step. */
  policy: PolicyDocument;
  /** The exact text PutKeyPolicy receives. */
  policyText: string;
  /** Our statement, as `policy print --kms-statement` prints it. */
  statement: Record<string, unknown>;
  /** `given`: --update-key-policy; `ask`: the wizard asks first (default no). */
  consent: 'given' | 'ask';
}

export function isKeyPolicyStep(step: PlanStep): step is KeyPolicyStep {
  return step.id === 'kms-key-policy';
}

/** Something setup will not do itself, with the exact text a person applies instead. */
export interface ManualStep {
  id: 'kms-key-policy';
  title: string;
  detail: string;
  /** The statement to add, ready to paste. */
  statement: Record<string, unknown>;
}

export interface SetupPlan {
  bucket: string;
  bucketArn: string;
  region: string;
  /** The account that owns (or will own) the bucket; sent as ExpectedBucketOwner. */
  account: string;
  bucketExists: boolean;
  steps: [PlanStep, PlanStep, PlanStep, PolicyStep, ...KeyPolicyStep[]];
  /** Things to confirm before applying (a non-empty bucket, a non-default region). */
  warnings: string[];
  /** True when every step is "no change". */
  satisfied: boolean;
  /**
   * What verify's checks of settings setup does not change (encryption, Requester Pays, versioning) found on
   * the existing bucket, shown before anything changes.
   */
  findings: CheckResult[];
  /** Steps left to a person (the key policy without --update-key-policy). */
  manual: ManualStep[];
  /** Why setup stops before applying (exit 2): settings it does not change on its own, each with its fix. */
  blockers: string[];
}

/** The key of the bucket's default encryption, as setup read it (only for a customer managed key). */
export interface KeyPolicyInput {
  keyArn: string;
  /** The key policy as GetKeyPolicy returned it. */
  policyText: string;
  /** --update-key-policy (`given`), the wizard's question to come (`ask`), or neither (`manual`). */
  consent: 'given' | 'ask' | 'manual';
}

export interface PlanInput {
  bucket: string;
  region: string;
  account: string;
  principals: VendorPrincipals;
  state: BucketState;
  /** verify's findings on the existing bucket's encryption, Requester Pays and versioning (none for a new one). */
  findings?: CheckResult[];
  /** The customer managed key's policy, when the bucket's default encryption uses one and it was readable. */
  keyPolicy?: KeyPolicyInput | undefined;
}

/** The ids of the findings the plan shows (settings setup reads but does not change). */
export const PLAN_FINDING_IDS: readonly string[] = ['encryption', 'requester-pays', 'versioning'];

function detailsOf(r: CheckResult): Record<string, unknown> {
  return typeof r.details === 'object' && r.details !== null ? (r.details as Record<string, unknown>) : {};
}

/**
 * The key policy step: when the encryption check does not pass for want of a grant to Prophecy's role (its
 * details carry our statement), our statement is merged in; when it passes through our statement already,
 * the step is "no change" (a re-run). A key policy that grants Prophecy by a statement of its own is left
 * alone.
 */
function keyPolicyPlan(input: PlanInput): { step?: KeyPolicyStep; manual?: ManualStep } {
  const k = input.keyPolicy;
  const enc = (input.findings ?? []).find((f) => f.id === 'encryption');
  if (!k || !enc) return {};
  const wantsGrant = enc.status !== 'pass' && detailsOf(enc).statement !== undefined;
  const merge = mergeKeyPolicy(k.policyText, input.principals, input.region);
  const ours = merge.current?.Statement.some((st) => st.Sid === KMS_SID) === true;
  if (!wantsGrant && !(ours && enc.status === 'pass')) return {};
  const statement = merge.merged.Statement.find((st) => st.Sid === KMS_SID) as unknown as Record<
    string,
    unknown
  >;
  const title = 'KMS key policy';
  if (merge.change === 'none') {
    const detail = wantsGrant
      ? `statement "${KMS_SID}" is already in the key policy of ${k.keyArn}, yet the key policy does not let Prophecy's role use the key (see the encryption finding)`
      : `statement "${KMS_SID}" is already in the key policy of ${k.keyArn}`;
    return {
      step: {
        id: 'kms-key-policy',
        title,
        change: 'none',
        detail,
        notes: merge.notes,
        keyArn: k.keyArn,
        diff: merge.diff,
        policy: merge.merged,
        policyText: merge.text,
        statement,
        consent: k.consent === 'manual' ? 'given' : k.consent,
      },
    };
  }
  const kept = merge.diff.filter((d) => d.owner === 'customer').length;
  const detail = `merge statement "${KMS_SID}" (Prophecy's role may use the key through S3 in ${input.region}) into the key policy of ${k.keyArn} with PutKeyPolicy (policy name default)${kept ? `, keeping its ${kept} other statement${kept === 1 ? '' : 's'} as ${kept === 1 ? 'it is' : 'they are'}` : ''}`;
  if (k.consent === 'manual') {
    return {
      manual: {
        id: 'kms-key-policy',
        title,
        detail: `add statement "${KMS_SID}" to the key policy of ${k.keyArn} (setup changes a key policy only with --update-key-policy)`,
        statement,
      },
    };
  }
  return {
    step: {
      id: 'kms-key-policy',
      title,
      change: 'update',
      detail: k.consent === 'ask' ? `${detail} — only if you answer yes below (default no)` : detail,
      notes: merge.notes,
      keyArn: k.keyArn,
      diff: merge.diff,
      policy: merge.merged,
      policyText: merge.text,
      statement,
      consent: k.consent,
    },
  };
}

/**
 * Settings setup does not change on its own and that stop Prophecy whatever the policy says: Requester Pays,
 * and any encryption failure a key policy statement cannot fix (the AWS managed key, a key by alias, a
 * disabled or missing key, a key in another region, SSE-C). Each is said with its fix.
 */
function blockersOf(findings: readonly CheckResult[]): string[] {
  const out: string[] = [];
  for (const f of findings) {
    if (f.status !== 'fail') continue;
    if (f.id === 'requester-pays') {
      out.push(
        `${f.message}. setup does not change payment settings: turn Requester Pays off (S3 console → the bucket → Properties → Requester pays → Disable, or \`aws s3api put-bucket-request-payment --request-payment-configuration Payer=BucketOwner\`), then run setup again.`,
      );
    }
    if (f.id === 'encryption' && detailsOf(f).statement === undefined) {
      out.push(
        `${f.message}. setup does not change the bucket's default encryption: fix it (S3 console → the bucket → Properties → Default encryption), then run setup again.`,
      );
    }
  }
  return out;
}

/** Turns a step the wizard asked about into a manual step after a "no". */
export function declineKeyPolicy(plan: SetupPlan): SetupPlan {
  const step = plan.steps.find(isKeyPolicyStep);
  if (step?.consent !== 'ask' || step.change === 'none') return plan;
  const steps = plan.steps.filter((s) => s !== step) as SetupPlan['steps'];
  return {
    ...plan,
    steps,
    satisfied: steps.every((s) => s.change === 'none'),
    manual: [
      ...plan.manual,
      {
        id: 'kms-key-policy',
        title: step.title,
        detail: `add statement "${KMS_SID}" to the key policy of ${step.keyArn} (you answered no)`,
        statement: step.statement,
      },
    ],
  };
}

/**
 * verify's policy check on the policy as it will be after the merge: a statement of the customer's that blocks
 * Prophecy (an organization or VPC endpoint guardrail) survives the merge, so it is shown before applying.
 */
function mergedPolicyFinding(input: PlanInput, step: PolicyStep): CheckResult | undefined {
  const r = policyCheck.judge({
    bucket: input.bucket,
    expectedRegion: input.region,
    principals: input.principals,
    now: new Date(0),
    reads: { policy: { status: 'ok', value: step.policyText } },
  });
  if (!r || r.status === 'pass') return undefined;
  return { ...r, message: `with the merged policy: ${r.message}` };
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
  const keyPolicy = exists ? keyPolicyPlan(input) : {};
  const steps: SetupPlan['steps'] = [
    create,
    ownershipStep(state, exists),
    publicAccessStep(state, exists),
    policyStep(input),
    ...(keyPolicy.step ? [keyPolicy.step] : []),
  ];
  const findings = exists ? (input.findings ?? []).filter((f) => PLAN_FINDING_IDS.includes(f.id)) : [];
  const merged = exists ? mergedPolicyFinding(input, steps[3]) : undefined;
  if (merged) findings.unshift(merged);
  return {
    bucket,
    bucketArn: bucketArn(bucket),
    region,
    account: input.account,
    bucketExists: exists,
    steps,
    warnings,
    satisfied: steps.every((s) => s.change === 'none'),
    findings,
    manual: keyPolicy.manual ? [keyPolicy.manual] : [],
    blockers: blockersOf(findings),
  };
}
