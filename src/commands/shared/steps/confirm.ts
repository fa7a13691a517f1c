import type { Context } from '../../../context.js';
import { InterruptedError } from '../../../errors.js';

export interface Question {
  message: string;
  default: boolean;
}

/**
 * Asks each question in turn on the terminal (drawn on stderr); the first "no" aborts the run with exit 130
 * and nothing changed. Ctrl-C at a question does the same (src/cli.ts maps inquirer's ExitPromptError).
 */
export async function confirmOrAbort(ctx: Context, questions: readonly Question[]): Promise<void> {
  const { confirm } = await ctx.prompts();
  for (const q of questions) {
    if (!(await confirm({ message: q.message, default: q.default }, { output: ctx.stderr }))) {
      throw new InterruptedError();
    }
  }
}
