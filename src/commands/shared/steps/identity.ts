import type { AwsClientFactory } from '../../../aws/factory.js';
import { type CallerIdentity, getCallerIdentity } from '../../../aws/identity.js';
import type { Context } from '../../../context.js';
import { paint } from '../../../ui/color.js';

/** Who am I: the account and caller ARN, on stderr, before anything else touches AWS. */
export async function showIdentity(ctx: Context, aws: AwsClientFactory): Promise<CallerIdentity> {
  const me = await getCallerIdentity(await aws.sts(), aws.settings.profile);
  ctx.stderr.write(`AWS account ${paint(ctx.stderr).bold(me.account)} as ${me.arn}\n`);
  return me;
}
