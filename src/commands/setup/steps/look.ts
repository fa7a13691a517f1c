import { BucketTakenError } from '../../../errors.js';
import { paint, symbols } from '../../../ui/color.js';
import { lookAtBucket } from '../../shared/steps/look.js';
import { need, type SetupStep } from '../state.js';
import { askBucket } from './name.js';

/** 3. Whose the bucket is, and how it is configured; a name another account holds is asked again (or refused). */
export const look: SetupStep = async (ctx, state) => {
  const owner = need(state, 'identity').account;
  const s3 = await state.aws.s3();
  for (;;) {
    const bucket = need(state, 'bucket');
    const found = await lookAtBucket(ctx, s3, bucket, owner);
    if (found.existence !== 'exists-not-yours') {
      state.found = found;
      return undefined;
    }
    if (!state.input.interactive) throw new BucketTakenError(bucket);
    ctx.stderr.write(
      `${paint(ctx.stderr).yellow(`${symbols.warn} ${bucket} belongs to another AWS account; choose another suffix.`)}\n`,
    );
    state.bucket = await askBucket(ctx, state);
  }
};
