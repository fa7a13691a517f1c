import type { AwsSettings } from '../../aws/factory.js';
import type { Context } from '../../context.js';
import type { OpenedSource } from './source.js';

/** Where a query reads from, as the flags said it. */
export type SourceSpec =
  | { kind: 'dir'; dir: string; prefix: string | undefined }
  | { kind: 's3'; bucket: string; prefix: string | undefined; aws: AwsSettings };

export interface SourceOptions {
  /** Whether listing must report sizes and times (a time window prunes by them); a bucket always does. */
  needStat: boolean;
}

/**
 * Builds the source a spec names. Each kind's module is loaded only when used: a `--dir` query never
 * loads the AWS SDK.
 */
export async function openSource(
  spec: SourceSpec,
  ctx: Pick<Context, 'aws'>,
  opts: SourceOptions,
): Promise<OpenedSource> {
  switch (spec.kind) {
    case 'dir':
      return (await import('./dir.js')).dirSource(spec.dir, spec.prefix, opts.needStat);
    case 's3':
      return (await import('./s3.js')).s3Source(ctx.aws(spec.aws), spec.bucket, spec.prefix);
  }
}
