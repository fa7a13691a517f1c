import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsClientFactory, AwsSettings } from '../../aws/factory.js';
import type { CallerIdentity } from '../../aws/identity.js';
import type { Context } from '../../context.js';
import type { BucketState } from '../../core/bucket-state.js';
import type { VendorPrincipals } from '../../core/policy.js';
import type { ObjectSummary, RevokeCheck, RevokePlan, RevokeStep } from '../../core/revoke-plan.js';
import type { StepOutcome } from '../shared/steps/apply.js';

/** Everything revoke runs on, parsed once from the flags and the terminal. */
export interface RevokeInput {
  aws: AwsSettings;
  bucket: string;
  principals: VendorPrincipals;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
  keyPolicy: boolean;
  /** Prompts need a terminal to read from and one to draw on (stderr). */
  interactive: boolean;
}

/** The bucket's KMS key as the plan read it: which key, and its policy text then. */
export interface KeyPolicyRead {
  keyId: string;
  /** The key's region (from its ARN): KMS answers only there. */
  region: string | undefined;
  text: string;
}

/** What the steps learn, in the order they learn it (see `need`). */
export interface RevokeState {
  readonly input: RevokeInput;
  readonly aws: AwsClientFactory;
  /** identity */
  identity?: CallerIdentity;
  /** look */
  found?: BucketState;
  /** look: a client in the bucket's region, used by every later call */
  s3?: S3Client;
  /** read: the texts the plan is made from; apply re-reads and compares before writing */
  policyText?: string | null;
  key?: KeyPolicyRead | null;
  /** read: how many objects the bucket keeps (null when they could not be counted) */
  objects?: ObjectSummary | null;
  /** read: what could not be read and so was not checked, shown with the plan's warnings */
  readWarnings?: string[];
  /** plan */
  plan?: RevokePlan;
  /** apply */
  outcomes?: StepOutcome<RevokeStep>[];
  /** check */
  check?: RevokeCheck;
}

/** One step of revoke. A number ends the run with that exit code (a dry run ends after the plan). */
export type RevokeStepFn = (ctx: Context, state: RevokeState) => Promise<number | undefined>;

export function need<K extends keyof RevokeState>(state: RevokeState, key: K): NonNullable<RevokeState[K]> {
  const value = state[key];
  if (value === undefined || value === null) throw new Error(`revoke step order: ${key} is not known yet`);
  return value as NonNullable<RevokeState[K]>;
}
