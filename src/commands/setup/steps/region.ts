import { DEFAULT_REGION } from '../../../core/vendor.js';
import { UsageError } from '../../../errors.js';
import { setupRegionSchema } from '../../../schemas/setup.js';
import { askRegion } from '../prompts.js';
import { need, type SetupStep } from '../state.js';

/**
 * 4. Region: an existing bucket keeps its own (a different --region is refused by the plan); otherwise the
 * flag, the wizard's list, or the default. The flag was checked by parse and the list offers known regions
 * only; the region an existing bucket reports is checked here.
 */
export const region: SetupStep = async (ctx, state) => {
  const { input } = state;
  const found = need(state, 'found');
  if (found.existence === 'yours' && found.region) {
    if (input.region === undefined) {
      const r = setupRegionSchema.safeParse(found.region);
      if (!r.success) throw new UsageError(`Invalid region: ${r.error.issues[0]?.message}`);
    }
    state.region = input.region ?? found.region;
  } else if (input.region) {
    state.region = input.region;
  } else if (input.interactive) {
    state.region = await askRegion(ctx);
  } else {
    state.region = DEFAULT_REGION;
  }
  return undefined;
};
