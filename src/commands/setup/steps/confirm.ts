import { declineKeyPolicy, isKeyPolicyStep } from '../../../core/setup-plan.js';
import { paint } from '../../../ui/color.js';
import { confirmOrAbort, type Question } from '../../shared/steps/confirm.js';
import { renderManual } from '../render.js';
import { need, type SetupStep } from '../state.js';

/**
 * 7. Confirm on the terminal, unless there is nothing to do or --yes (parse made sure one of them holds). A key
 * policy step without --update-key-policy gets its own default-no question first; "no" leaves it as a manual
 * step (with the statement to add) rather than aborting the rest.
 */
export const confirm: SetupStep = async (ctx, state) => {
  const { input } = state;
  const plan = need(state, 'plan');
  if (input.yes || !input.interactive) return undefined;
  const key = plan.steps.find(isKeyPolicyStep);
  if (key && key.consent === 'ask' && key.change !== 'none') {
    const { confirm: ask } = await ctx.prompts();
    const yes = await ask(
      {
        message: `Also change the key policy of ${key.keyArn} (add statement "${key.statement.Sid}" with PutKeyPolicy)?`,
        default: false,
      },
      { output: ctx.stderr },
    );
    if (!yes) {
      state.plan = declineKeyPolicy(plan);
      const c = paint(ctx.stderr);
      const manual = state.plan.manual.at(-1);
      if (manual) ctx.stderr.write(`${renderManual(manual, c).join('\n')}\n`);
    }
  }
  const current = need(state, 'plan');
  if (current.satisfied) return undefined;
  const questions: Question[] = [];
  if (need(state, 'found').hasObjects) {
    questions.push({ message: 'The bucket is not empty. Set it up anyway?', default: false });
  }
  questions.push({ message: 'Apply this plan?', default: true });
  await confirmOrAbort(ctx, questions);
  return undefined;
};
