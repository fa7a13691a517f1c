import type { Context } from '../../context.js';
import { ExitCode, UsageError } from '../../errors.js';
import { type SetupFlagIssueParams, setupFlagsSchema } from '../../schemas/setup.js';
import { showWarnings } from '../shared/input.js';
import type { SetupFlags } from './flags.js';
import type { SetupInput, SetupState, SetupStep } from './state.js';
import { apply } from './steps/apply.js';
import { check } from './steps/check.js';
import { confirm } from './steps/confirm.js';
import { handOff } from './steps/hand-off.js';
import { identity } from './steps/identity.js';
import { inspect } from './steps/inspect.js';
import { look } from './steps/look.js';
import { name } from './steps/name.js';
import { plan } from './steps/plan.js';
import { region } from './steps/region.js';

export type { SetupInput } from './state.js';

/**
 * Setup, in order. Every step before apply only reads; a step may end the run early with an exit code
 * (a dry run after the plan). `revoke` reuses the shared halves of identity, look, confirm, apply and
 * check (src/commands/shared/steps/).
 */
export const SETUP_STEPS: readonly SetupStep[] = [
  identity,
  name,
  look,
  region,
  inspect,
  plan,
  confirm,
  apply,
  check,
  handOff,
];

/** The flags, checked once by setupFlagsSchema, become the complete input before any network call. */
export function parse(flags: SetupFlags, ctx: Context): SetupInput {
  const parsed = setupFlagsSchema.safeParse(flags);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const params: SetupFlagIssueParams = (issue?.code === 'custom' ? issue.params : undefined) ?? {};
    showWarnings(ctx, params.warnings ?? []);
    throw new UsageError(issue?.message ?? 'Invalid flags.', params.hint);
  }
  const input = parsed.data;
  showWarnings(ctx, input.warnings);
  const interactive = ctx.stdinIsTTY && ctx.stderr.isTTY === true;
  if (!interactive) {
    const missing: string[] = [];
    if (input.bucket === undefined) missing.push('--suffix <suffix> (or --bucket <name>)');
    if (!input.yes && !input.dryRun) missing.push('--yes (or --dry-run to only see the plan)');
    if (missing.length) {
      throw new UsageError(
        `stdin is not a terminal, so setup cannot ask questions: pass ${missing.join(' and ')}.`,
        'Example: prophecy-audit setup --suffix acme --region us-east-1 --yes',
      );
    }
  }
  return { ...input, interactive };
}

export async function run(ctx: Context, input: SetupInput): Promise<number> {
  const state: SetupState = { input, aws: ctx.aws(input.aws) };
  for (const step of SETUP_STEPS) {
    const exitCode = await step(ctx, state);
    if (exitCode !== undefined) return exitCode;
  }
  return ExitCode.ok;
}
