import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsClientFactory } from '../../aws/factory.js';
import type { CallerIdentity } from '../../aws/identity.js';
import type { Context } from '../../context.js';
import type { BucketState } from '../../core/bucket-state.js';
import type { CheckResult } from '../../core/checks.js';
import type { KeyPolicyInput, PlanStep, SetupPlan } from '../../core/setup-plan.js';
import type { SetupFlagsOutput } from '../../schemas/setup.js';
import type { StepOutcome } from '../shared/steps/apply.js';

/** Everything setup runs on, parsed once from the flags (setupFlagsSchema's output) and the terminal. */
export interface SetupInput extends SetupFlagsOutput {
  /** Prompts need a terminal to read from and one to draw on (stderr; stdout may be piped). */
  interactive: boolean;
}

/**
 * What the steps learn, in the order they learn it. Each step reads what earlier steps set (through
 * `need`, which names a step-order bug instead of failing later) and sets its own part.
 */
export interface SetupState {
  readonly input: SetupInput;
  readonly aws: AwsClientFactory;
  /** identity */
  identity?: CallerIdentity;
  /** name (and look, when the wizard asks again for a name that is taken) */
  bucket?: string;
  /** look */
  found?: BucketState;
  /** region */
  region?: string;
  /** inspect: verify's checks on the existing bucket, before anything changes */
  findings?: CheckResult[];
  /** inspect: the bucket's customer managed key and its policy, when the key policy step may apply */
  keyPolicy?: KeyPolicyInput;
  /** plan */
  plan?: SetupPlan;
  /** apply: the client for the bucket's region, which check reads with too */
  s3?: S3Client;
  outcomes?: StepOutcome<PlanStep>[];
  /** check */
  checks?: CheckResult[];
}

/** One step of setup. A number ends the run with that exit code (a dry run ends after the plan). */
export type SetupStep = (ctx: Context, state: SetupState) => Promise<number | undefined>;

export function need<K extends keyof SetupState>(state: SetupState, key: K): NonNullable<SetupState[K]> {
  const value = state[key];
  if (value === undefined || value === null) throw new Error(`setup step order: ${key} is not known yet`);
  return value as NonNullable<SetupState[K]>;
}
