import { confirmOrAbort } from '../../shared/steps/confirm.js';
import { need, type RevokeStepFn } from '../state.js';

/**
 * 5. Confirm on the terminal, default no: cutting a vendor off is not something Enter should do by accident.
 * Skipped when there is nothing to do or with --yes (parse made sure one of --yes, --dry-run or a terminal holds).
 */
export const confirm: RevokeStepFn = async (ctx, state) => {
  const { input } = state;
  if (need(state, 'plan').satisfied || input.yes || !input.interactive) return undefined;
  await confirmOrAbort(ctx, [{ message: "Remove Prophecy's access as planned?", default: false }]);
  return undefined;
};
