import { showIdentity } from '../../shared/steps/identity.js';
import type { SetupStep } from '../state.js';

/** 1. Who am I: account and caller ARN on stderr. */
export const identity: SetupStep = async (ctx, state) => {
  state.identity = await showIdentity(ctx, state.aws);
  return undefined;
};
