import type { Context } from '../../../context.js';
import { CliError } from '../../../errors.js';
import { asCliError } from '../../../ui/aws-failure.js';
import { paint } from '../../../ui/color.js';
import { startStep } from '../../../ui/progress.js';

/** A step of a plan as apply sees it: what to call it and whether it changes anything. */
export interface ApplicableStep {
  title: string;
  change: 'create' | 'update' | 'delete' | 'none';
}

export interface StepOutcome<S extends ApplicableStep = ApplicableStep> {
  step: S;
  status: 'applied' | 'unchanged';
}

const DONE: Record<Exclude<ApplicableStep['change'], 'none'>, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
};

/**
 * Applies the steps in order with a spinner each; `perform` does one step's change. Ctrl-C meanwhile prints
 * what completed (the run's interrupt note). On a failure it says which steps completed and which did not
 * run, and throws: every step is idempotent, so running `command` again resumes.
 */
export async function applyWithSpinners<S extends ApplicableStep>(
  ctx: Context,
  steps: readonly S[],
  perform: (step: S) => Promise<void>,
  { command }: { command: string },
): Promise<StepOutcome<S>[]> {
  const outcomes: StepOutcome<S>[] = [];
  const resume = `Running ${command} again resumes: completed steps show as "no change".`;
  const applied = () => outcomes.filter((o) => o.status === 'applied').map((o) => o.step.title);
  let current = '';
  ctx.interrupt.set(() => {
    const done = applied();
    return `Interrupted during "${current}". Completed: ${done.length ? done.join('; ') : 'nothing'}. ${resume}`;
  });
  try {
    for (const [i, step] of steps.entries()) {
      current = step.title;
      const indicator = await startStep(step.title, ctx.stderr);
      if (step.change === 'none') {
        indicator.succeed(`${step.title}: no change`);
        outcomes.push({ step, status: 'unchanged' });
        continue;
      }
      try {
        await perform(step);
      } catch (err) {
        const cause = asCliError(err) ?? new CliError(String((err as Error)?.message ?? err), { cause: err });
        indicator.fail(`${step.title}: failed`);
        const done = applied();
        const notRun = steps.slice(i + 1).map((s) => s.title);
        ctx.stderr.write(
          `${paint(ctx.stderr).dim(`Completed: ${done.length ? done.join('; ') : 'nothing'}. Failed: ${step.title}. Not run: ${notRun.length ? notRun.join('; ') : 'nothing'}.`)}\n`,
        );
        throw new CliError(
          `${command[0]?.toUpperCase()}${command.slice(1)} stopped at "${step.title}": ${cause.message}`,
          {
            cause: cause.cause ?? err,
            exitCode: cause.exitCode,
            hint: `${cause.hint ? `${cause.hint} ` : ''}${resume}`,
          },
        );
      }
      indicator.succeed(`${step.title}: ${DONE[step.change]}`);
      outcomes.push({ step, status: 'applied' });
    }
    return outcomes;
  } finally {
    ctx.interrupt.set(undefined);
  }
}
