import type { AwsSettings } from '../../aws/factory.js';
import type { Context } from '../../context.js';
import { terminalSafe } from '../../core/sanitize.js';
import { UsageError } from '../../errors.js';
import { buildDdl, type Ddl } from '../../events/athena/ddl.js';
import { describeSample, type SampledLayout, sampleExportLayout } from '../../events/athena/export-layout.js';
import { paint } from '../../ui/color.js';
import { resolveBucket } from '../shared/input.js';
import { tableNames } from './names.js';

export { outputLocation, tableNames } from './names.js';

export interface ExportTableInput {
  bucket: string;
  prefix: string;
  database: string;
  table: string;
  aws: AwsSettings;
}

export function exportTableInput(
  flags: {
    suffix?: string | undefined;
    bucket?: string | undefined;
    prefix?: string | undefined;
    database?: string | undefined;
    table?: string | undefined;
    profile?: string | undefined;
    region?: string | undefined;
    endpointUrl?: string | undefined;
  },
  ctx: Pick<Context, 'stderr'>,
): ExportTableInput {
  const { database, table } = tableNames(flags);
  const { bucket } = resolveBucket(flags, ctx);
  return {
    bucket,
    prefix: flags.prefix ?? '',
    database,
    table,
    aws: { profile: flags.profile, region: flags.region, endpointUrl: flags.endpointUrl },
  };
}

/**
 * Lists (a sample of) the export's keys, says on stderr what layout they showed, and builds the DDL.
 * A prefix the DDL cannot take (quotes, a date folder outside it) exits 2.
 */
export async function exportDdl(
  ctx: Context,
  input: ExportTableInput,
): Promise<{ ddl: Ddl; sample: SampledLayout }> {
  const s3 = await ctx.aws(input.aws).s3();
  let sample: SampledLayout;
  try {
    sample = await sampleExportLayout(s3, input.bucket, input.prefix, ctx.signal);
  } finally {
    s3.destroy();
  }
  const c = paint(ctx.stderr);
  const line = terminalSafe(describeSample(sample, `s3://${input.bucket}/${input.prefix}`));
  ctx.stderr.write(`${sample.layout.kind === 'none' ? c.yellow(line) : c.dim(line)}\n`);
  try {
    const ddl = buildDdl({ ...input, layout: sample.layout, nowMs: ctx.now() });
    return { ddl, sample };
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
}
