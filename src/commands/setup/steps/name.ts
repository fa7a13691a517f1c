import type { Context } from '../../../context.js';
import { bucketForSuffix } from '../../../core/bucket-name.js';
import { UsageError } from '../../../errors.js';
import { askSuffix } from '../prompts.js';
import { need, type SetupState, type SetupStep } from '../state.js';

/**
 * The default suffix is the account id: unique to the account (bucket names are global), stable
 * (a re-run proposes the same bucket, so it finds the one it made), and known from STS alone —
 * an account alias would need iam:ListAccountAliases and the IAM client for a cosmetic gain.
 */
export function defaultSuffix(account: string): string {
  return account;
}

/** Asks for the suffix on a terminal; parse made sure there is one unless the flags name the bucket. */
export async function askBucket(ctx: Context, state: SetupState): Promise<string> {
  if (!state.input.interactive) {
    throw new UsageError('Missing bucket.', 'Pass --suffix <suffix> or --bucket <name>.');
  }
  return bucketForSuffix(await askSuffix(ctx, defaultSuffix(need(state, 'identity').account)));
}

/** 2. Which bucket: --suffix/--bucket, or the wizard's question. */
export const name: SetupStep = async (ctx, state) => {
  state.bucket = state.input.bucket ?? (await askBucket(ctx, state));
  return undefined;
};
