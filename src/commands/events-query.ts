import { CliError } from '../errors.js';

export async function run(_opts: unknown): Promise<number> {
  throw new CliError('`events-query` is not yet available in this version.', {
    hint: 'See the README for the commands that work today.',
  });
}
