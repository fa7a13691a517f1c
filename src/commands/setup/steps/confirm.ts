import { confirmOrAbort, type Question } from '../../shared/steps/confirm.js';
import { need, type SetupStep } from '../state.js';

/** 6. Confirm on the terminal, unless there is nothing to do or --yes (parse made sure one of them holds). */
export const confirm: SetupStep = async (ctx, state) => {
  const { input } = state;
  if (need(state, 'plan').satisfied || input.yes || !input.interactive) return undefined;
  const questions: Question[] = [];
  if (need(state, 'found').hasObjects) {
    questions.push({ message: 'The bucket is not empty. Set it up anyway?', default: false });
  }
  questions.push({ message: 'Apply this plan?', default: true });
  await confirmOrAbort(ctx, questions);
  return undefined;
};
