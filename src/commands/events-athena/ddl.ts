import type { Context } from '../../context.js';
import { ExitCode } from '../../errors.js';
import type { AthenaDdlFlags } from './flags.js';
import { type ExportTableInput, exportDdl, exportTableInput } from './input.js';

/** `events athena ddl`: the statements on stdout, nothing changed. */
export function parse(flags: AthenaDdlFlags, ctx: Context): ExportTableInput {
  return exportTableInput(flags, ctx);
}

export async function run(ctx: Context, input: ExportTableInput): Promise<number> {
  const { ddl } = await exportDdl(ctx, input);
  ctx.stdout.write(ddl.text);
  return ExitCode.ok;
}
