import type { Context } from '../../context.js';
import { ExitCode, UsageError } from '../../errors.js';
import { resolveBucket, resolvePrincipals } from '../shared/input.js';
import type { RevokeFlags } from './flags.js';
import type { RevokeInput, RevokeState, RevokeStepFn } from './state.js';
import { apply } from './steps/apply.js';
import { check } from './steps/check.js';
import { confirm } from './steps/confirm.js';
import { identity } from './steps/identity.js';
import { look } from './steps/look.js';
import { plan } from './steps/plan.js';
import { read } from './steps/read.js';

export type { RevokeInput } from './state.js';

/**
 * Revoke, in order: setup's skeleton (identity, look, plan, confirm, apply, check) with setup's shared steps.
 * Every step before apply only reads; a dry run ends after the plan.
 */
export const REVOKE_STEPS: readonly RevokeStepFn[] = [identity, look, read, plan, confirm, apply, check];

/** The flags become the complete input before any network call; no terminal and no --yes is refused here. */
export function parse(flags: RevokeFlags, ctx: Context): RevokeInput {
  const { bucket } = resolveBucket(flags, ctx);
  const principals = resolvePrincipals(flags);
  const interactive = ctx.stdinIsTTY && ctx.stderr.isTTY === true;
  const input: RevokeInput = {
    aws: { profile: flags.profile, region: flags.region, endpointUrl: flags.endpointUrl },
    bucket,
    principals,
    yes: flags.yes === true,
    dryRun: flags.dryRun === true,
    json: flags.json === true,
    keyPolicy: flags.keyPolicy === true,
    interactive,
  };
  if (!interactive && !input.yes && !input.dryRun) {
    throw new UsageError(
      'stdin is not a terminal, so revoke cannot ask for confirmation: pass --yes (or --dry-run to only see the plan).',
      `Example: prophecy-audit revoke --bucket ${bucket} --yes`,
    );
  }
  return input;
}

export async function run(ctx: Context, input: RevokeInput): Promise<number> {
  const state: RevokeState = { input, aws: ctx.aws(input.aws) };
  for (const step of REVOKE_STEPS) {
    const exitCode = await step(ctx, state);
    if (exitCode !== undefined) return exitCode;
  }
  return ExitCode.ok;
}
