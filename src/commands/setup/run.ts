import type { S3Client } from '@aws-sdk/client-s3';
import { readBucketState } from '../../aws/bucket-read.js';
import type { AwsSettings } from '../../aws/factory.js';
import { getCallerIdentity } from '../../aws/identity.js';
import type { Context } from '../../context.js';
import { bucketForSuffix } from '../../core/bucket-name.js';
import type { BucketState } from '../../core/bucket-state.js';
import { runChecks, summarize } from '../../core/checks.js';
import type { VendorPrincipals } from '../../core/policy.js';
import { policyJson } from '../../core/policy-json.js';
import { planSetup } from '../../core/setup-plan.js';
import { DEFAULT_REGION } from '../../core/vendor.js';
import { CliError, ExitCode, InterruptedError, UsageError } from '../../errors.js';
import { type SetupResultDocument, setupAnswersSchema, setupRegionSchema } from '../../schemas/setup.js';
import { checkEntries } from '../../schemas/verify.js';
import { renderChecks } from '../../ui/checks-render.js';
import { paint, symbols } from '../../ui/color.js';
import { startStep } from '../../ui/progress.js';
import { resolveBucket, resolvePrincipals } from '../shared/input.js';
import { applyPlan, type StepOutcome } from './apply.js';
import type { SetupFlags } from './flags.js';
import { handOffMessage, planDocument, renderHandOff, renderPlan } from './render.js';

export interface SetupInput {
  aws: AwsSettings;
  /** The bucket the flags name, if they name one; otherwise the wizard asks. */
  flagBucket: string | undefined;
  region: string | undefined;
  principals: VendorPrincipals;
  overridden: (keyof VendorPrincipals)[];
  yes: boolean;
  dryRun: boolean;
  json: boolean;
  interactive: boolean;
}

/** Prompts need a terminal to read from and one to draw on (stderr; stdout may be piped). */
function isInteractive(ctx: Context): boolean {
  return ctx.stdinIsTTY && ctx.stderr.isTTY === true;
}

/**
 * The default suffix is the account id: unique to the account (bucket names are global), stable
 * (a re-run proposes the same bucket, so it finds the one it made), and known from STS alone —
 * an account alias would need iam:ListAccountAliases and the IAM client for a cosmetic gain.
 */
export function defaultSuffix(account: string): string {
  return account;
}

/** Everything the flags can be checked for before any network call, so bad input fails fast. */
export function parse(opts: SetupFlags, ctx: Context): SetupInput {
  const interactive = isInteractive(ctx);
  const given = opts.suffix !== undefined || opts.bucket !== undefined;
  const flagBucket = given ? resolveBucket(opts, ctx).bucket : undefined;
  if (opts.region !== undefined) {
    const r = setupRegionSchema.safeParse(opts.region);
    if (!r.success) {
      throw new UsageError(
        `Invalid --region: ${r.error.issues[0]?.message}`,
        'Pass a region code such as us-east-1.',
      );
    }
  }
  const principals = resolvePrincipals(opts);
  if (!interactive) {
    const missing: string[] = [];
    if (!given) missing.push('--suffix <suffix> (or --bucket <name>)');
    if (!opts.yes && !opts.dryRun) missing.push('--yes (or --dry-run to only see the plan)');
    if (missing.length) {
      throw new UsageError(
        `stdin is not a terminal, so setup cannot ask questions: pass ${missing.join(' and ')}.`,
        'Example: prophecy-audit setup --suffix acme --region us-east-1 --yes',
      );
    }
  }
  return {
    aws: { profile: opts.profile, region: opts.region, endpointUrl: opts.endpointUrl },
    flagBucket,
    region: opts.region,
    principals,
    overridden: overriddenPrincipals(opts),
    yes: opts.yes === true,
    dryRun: opts.dryRun === true,
    json: opts.json === true,
    interactive,
  };
}

async function look(ctx: Context, s3: S3Client, bucket: string, owner: string): Promise<BucketState> {
  const step = await startStep(`Looking at ${bucket}`, ctx.stderr);
  try {
    const state = await readBucketState(s3, bucket, { owner, checkOwnership: true, checkObjects: true });
    const what: Record<BucketState['existence'], string> = {
      'not-found': 'does not exist yet',
      yours: `exists in your account${state.region ? ` (${state.region})` : ''}`,
      'exists-not-yours': 'exists in another account',
      forbidden: 'exists, but you may not read it',
    };
    step.succeed(`${bucket} ${what[state.existence]}`);
    return state;
  } catch (e) {
    step.fail(`Could not look at ${bucket}`);
    throw e;
  }
}

function overriddenPrincipals(opts: SetupFlags): (keyof VendorPrincipals)[] {
  const keys: (keyof VendorPrincipals)[] = [];
  if (opts.datasyncRoleArn !== undefined) keys.push('datasyncRoleArn');
  if (opts.locationUserArn !== undefined) keys.push('locationUserArn');
  return keys;
}

export async function run(ctx: Context, opts: SetupInput): Promise<number> {
  const err = ctx.stderr;
  const c = paint(err);
  const { flagBucket, principals } = opts;
  const prompts = opts.interactive ? await import('./prompts.js') : undefined;
  const aws = ctx.aws(opts.aws);

  // 1. Who am I
  const me = await getCallerIdentity(await aws.sts(), opts.aws.profile);
  err.write(`AWS account ${c.bold(me.account)} as ${me.arn}\n`);

  // 2-3. Which bucket, and whose is it (asking again while the name is taken)
  const lookS3 = await aws.s3();
  let bucket = flagBucket;
  let state: BucketState;
  for (;;) {
    if (!bucket && prompts) bucket = bucketForSuffix(await prompts.askSuffix(defaultSuffix(me.account)));
    if (!bucket) throw new UsageError('Missing bucket.', 'Pass --suffix <suffix> or --bucket <name>.');
    state = await look(ctx, lookS3, bucket, me.account);
    if (state.existence !== 'exists-not-yours') break;
    if (!prompts) {
      throw new CliError(`The bucket name ${bucket} is taken: it exists in another AWS account.`, {
        hint: 'Bucket names are global: choose another --suffix. Nothing was changed.',
      });
    }
    err.write(
      `${c.yellow(`${symbols.warn} ${bucket} belongs to another AWS account; choose another suffix.`)}\n`,
    );
    bucket = undefined;
  }

  // 4. Region: an existing bucket keeps its own; otherwise the flag, the prompt, or the default
  let region: string;
  if (state.existence === 'yours' && state.region) {
    region = opts.region ?? state.region;
  } else if (opts.region) {
    region = opts.region;
  } else if (prompts) {
    region = await prompts.askRegion();
  } else {
    region = DEFAULT_REGION;
  }
  const parsed = setupAnswersSchema.safeParse({
    bucket,
    region,
    ...principals,
    yes: opts.yes,
    dryRun: opts.dryRun,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`Invalid ${issue?.path.join('.') || 'answer'}: ${issue?.message}`);
  }
  const answers = parsed.data;

  // 5. Plan
  const plan = planSetup({
    bucket: answers.bucket,
    region: answers.region,
    account: me.account,
    principals,
    state,
  });
  err.write(renderPlan(plan));
  if (answers.dryRun) {
    if (opts.json) ctx.stdout.write(`${policyJson(planDocument(plan, me), 2)}\n`);
    err.write(`${c.dim('Dry run: nothing was changed.')}\n`);
    return ExitCode.ok;
  }

  // 6. Confirm (checkFlags made sure there is a terminal unless --yes)
  if (!plan.satisfied && !answers.yes && prompts) {
    if (
      state.hasObjects &&
      !(await prompts.askConfirm('The bucket is not empty. Set it up anyway?', false))
    ) {
      throw new InterruptedError();
    }
    if (!(await prompts.askConfirm('Apply this plan?', true))) throw new InterruptedError();
  }

  // 7. Apply
  const s3 = await aws.s3(answers.region);
  const outcomes: StepOutcome[] = plan.satisfied
    ? plan.steps.map((step) => ({ step, status: 'unchanged' as const }))
    : await applyPlan(plan, { s3, principals, overridden: opts.overridden });

  // 8. Check the result with verify's checks
  const after = await readBucketState(s3, plan.bucket, { owner: me.account });
  const checks = runChecks({ state: after, expectedRegion: answers.region, principals });
  err.write(`\n${c.bold('Checking the result:')}\n${renderChecks(checks, { stream: err })}`);
  const summary = summarize(checks);

  // 9. Hand off
  if (opts.json) {
    const doc: SetupResultDocument = {
      schemaVersion: 1,
      kind: 'result',
      ok: summary.ok,
      identity: { account: me.account, arn: me.arn },
      bucket: plan.bucket,
      bucketArn: plan.bucketArn,
      region: answers.region,
      steps: outcomes.map((o) => ({
        id: o.step.id,
        title: o.step.title,
        change: o.step.change,
        status: o.status,
      })),
      checks: checkEntries(checks),
      handOff: {
        bucketArn: plan.bucketArn,
        region: answers.region,
        needsProphecyRegionSetup: answers.region !== DEFAULT_REGION,
        message: handOffMessage(answers.region),
      },
    };
    ctx.stdout.write(`${policyJson(doc, 2)}\n`);
  } else {
    ctx.stdout.write(renderHandOff(plan.bucketArn, answers.region));
  }
  if (!summary.ok) {
    err.write(
      `${c.red(`${symbols.fail} A check of the finished bucket failed; fix it before sending the details to Prophecy.`)}\n`,
    );
  }
  return summary.exitCode;
}
