import type { S3Client } from '@aws-sdk/client-s3';
import { isNotFound } from '../../aws/errors.js';
import { listObjectPages } from '../../aws/objects.js';
import { CliError, InterruptedError } from '../../errors.js';
import { isReadable } from '../sources/source.js';
import { detectKeyLayout, type KeyLayout } from './layout.js';

/**
 * How many keys `events athena ddl/create` list to find the export's date layout. Listing is in key
 * order, so the sample holds the earliest dates (the start of the projected range). A bucket of years
 * of hourly objects holds far more keys; reading them all only to confirm one layout is not worth it.
 */
export const LAYOUT_SAMPLE_KEYS = 5000;

export interface SampledLayout {
  layout: KeyLayout;
  /** Keys looked at (folder markers and empty objects left out). */
  sampled: number;
  /** True when the listing had more keys than the sample. */
  truncated: boolean;
}

/** Lists up to `max` keys under `prefix` with the one ListObjectsV2 pager and detects their layout. */
export async function sampleExportLayout(
  s3: S3Client,
  bucket: string,
  prefix: string,
  signal: AbortSignal,
  max = LAYOUT_SAMPLE_KEYS,
): Promise<SampledLayout> {
  const keys: string[] = [];
  let truncated = false;
  try {
    outer: for await (const page of listObjectPages(s3, bucket, { prefix, signal })) {
      for (const ref of page) {
        if (!isReadable(ref)) continue;
        if (keys.length >= max) {
          truncated = true;
          break outer;
        }
        keys.push(ref.key);
      }
    }
  } catch (err) {
    if (isNotFound(err) || isNotFound((err as { cause?: unknown }).cause)) {
      throw new CliError(`Bucket ${bucket} does not exist (or is not visible to your identity).`, {
        hint: 'Check --suffix/--bucket, --region and --profile.',
      });
    }
    throw err;
  }
  if (signal.aborted) throw new InterruptedError('Interrupted.');
  return { layout: detectKeyLayout(keys), sampled: keys.length, truncated };
}

/** One line for stderr on what the sample showed. */
export function describeSample(s: SampledLayout, where: string): string {
  const n = s.sampled.toLocaleString('en-US');
  const sample = s.truncated ? `the first ${n} keys under ${where}` : `${n} key(s) under ${where}`;
  if (s.layout.kind === 'none') {
    return `Looked at ${sample}: no date layout to project partitions on (${s.layout.reason}). The table is unpartitioned: every query reads the whole export.`;
  }
  const shape =
    s.layout.kind === 'ymd'
      ? s.layout.hour
        ? 'YYYY/MM/DD/HH'
        : 'YYYY/MM/DD'
      : s.layout.kind === 'iso-date'
        ? `${s.layout.label}YYYY-MM-DD`
        : 'year=/month=/day=';
  return `Looked at ${sample}: dated ${shape} folders under "${s.layout.base}", projected as partitions.`;
}
