import { showIdentity } from '../../shared/steps/identity.js';
import type { RevokeStepFn } from '../state.js';

/** 1. Who am I: account and caller ARN on stderr, before anything touches the bucket. */
export const identity: RevokeStepFn = async (ctx, state) => {
  state.identity = await showIdentity(ctx, state.aws);
  return undefined;
};
