import { describe, expect, it } from 'vitest';
import { applyWithSpinners } from '../../src/commands/shared/steps/apply.js';
import { confirmOrAbort } from '../../src/commands/shared/steps/confirm.js';
import { CliError, InterruptedError } from '../../src/errors.js';
import { fakeContext } from '../helpers/fake-context.js';

/** The steps revoke reuses know nothing about setup: any titled step with a change will do. */
describe('shared steps', () => {
  it('applies any command\'s steps in order, skipping "none", and names the command in the resume hint', async () => {
    const f = fakeContext();
    const done: string[] = [];
    const steps = [
      { id: 'a', title: 'Remove statements', change: 'update' as const },
      { id: 'b', title: 'Key policy', change: 'none' as const },
      { id: 'c', title: 'Delete policy', change: 'delete' as const },
    ];
    const outcomes = await applyWithSpinners(f.ctx, steps, async (s) => void done.push(s.id), {
      command: 'revoke',
    });
    expect(done).toEqual(['a', 'c']);
    expect(outcomes.map((o) => `${o.step.id}:${o.status}`)).toEqual([
      'a:applied',
      'b:unchanged',
      'c:applied',
    ]);
    expect(f.stderr()).toMatch(
      /Remove statements: updated\n.*Key policy: no change\n.*Delete policy: deleted\n/,
    );

    const failing = applyWithSpinners(
      f.ctx,
      steps,
      async (s) => {
        if (s.id === 'c') throw new CliError('nope', { hint: 'Fix it.' });
      },
      { command: 'revoke' },
    );
    await expect(failing).rejects.toMatchObject({
      message: 'Revoke stopped at "Delete policy": nope',
      hint: 'Fix it. Running revoke again resumes: completed steps show as "no change".',
    });
  });

  it('asks each question and aborts on the first "no"', async () => {
    const f = fakeContext({ tty: true, answers: [true, false, true] });
    const questions = [1, 2, 3].map((n) => ({ message: `Q${n}?`, default: true }));
    await expect(confirmOrAbort(f.ctx, questions)).rejects.toBeInstanceOf(InterruptedError);
    expect(f.asked).toEqual(['Q1?', 'Q2?']);
  });
});
