#!/usr/bin/env node
// Writes a synthetic Prophecy audit export to a folder or uploads it to a bucket, and prints what it
// holds (events per entity and query). Uses the built package: run `npm run build` first.
//
//   node scripts/gen-events.mjs --dir /tmp/export [--hours 72] [--events 50] [--seed 1] [--start ISO]
//   node scripts/gen-events.mjs --bucket NAME --endpoint-url http://127.0.0.1:5000 [--create] ...
//   node scripts/gen-events.mjs ... --variety jsonl-gz   (only gzip JSON Lines in the native format)
import { parseArgs } from 'node:util';
import { generateExport } from '../dist/synthetic/export.js';
import { uploadObjects, writeObjectsToDir } from '../dist/synthetic/export-io.js';

const HOUR = 3_600_000;

/**
 * @typedef {{ hours?: string | number, seed?: string | number, start?: string | number,
 *   events?: string | number, variety?: string, prefix?: string }} ExportFlags
 * @typedef {import('../dist/synthetic/export.js').GenerateOptions} GenerateOptions
 */

/**
 * Options with defaults: by default the export ends at the current hour, so `--since 7d` finds events.
 * @param {ExportFlags} o
 * @returns {GenerateOptions}
 */
export function exportOptions(o = {}) {
  const hours = Number(o.hours ?? 72);
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  return {
    seed: Number(o.seed ?? 1),
    start: o.start ?? end - (hours - 1) * HOUR,
    hours,
    eventsPerObject: Number(o.events ?? 50),
    variety: o.variety === 'jsonl-gz' ? 'jsonl-gz' : 'mixed',
    prefix: o.prefix ?? '',
  };
}

/**
 * Events per "entity query" in an export, computed from the generator's own truth records.
 * @param {GenerateOptions} opts
 */
export function expectedCounts(opts) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  let total = 0;
  let objects = 0;
  for (const o of generateExport(opts)) {
    objects++;
    for (const t of o.truth) {
      total++;
      const k = `${t.entity} ${t.query}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  return { objects, total, counts: Object.fromEntries([...counts].sort()) };
}

/**
 * @param {string} dir
 * @param {ExportFlags} o
 */
export async function writeExport(dir, o = {}) {
  const opts = exportOptions(o);
  return { objects: await writeObjectsToDir(dir, generateExport(opts)), opts };
}

/**
 * Uploads an export; `s3` is an S3Client (e.g. pointed at moto with forcePathStyle).
 * @param {import('@aws-sdk/client-s3').S3Client} s3
 * @param {string} bucket
 * @param {ExportFlags} o
 */
export async function uploadExport(s3, bucket, o = {}, concurrency = 16) {
  const opts = exportOptions(o);
  return { objects: await uploadObjects(s3, bucket, generateExport(opts), concurrency), opts };
}

async function main() {
  // Like the CLI: no SDK notice about future Node versions on stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      bucket: { type: 'string' },
      'endpoint-url': { type: 'string' },
      region: { type: 'string' },
      create: { type: 'boolean' },
      hours: { type: 'string' },
      events: { type: 'string' },
      seed: { type: 'string' },
      start: { type: 'string' },
      prefix: { type: 'string' },
      variety: { type: 'string' },
    },
  });
  if (!values.dir && !values.bucket) {
    process.stderr.write('Pass --dir <folder> or --bucket <name> [--endpoint-url <url>].\n');
    process.exit(2);
  }
  const opts = exportOptions(values);
  if (values.dir) await writeObjectsToDir(values.dir, generateExport(opts));
  if (values.bucket) {
    const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
    const endpoint = values['endpoint-url'] ?? process.env.AWS_ENDPOINT_URL;
    const s3 = new S3Client({
      region: values.region ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    });
    if (values.create)
      await s3.send(new CreateBucketCommand({ Bucket: values.bucket })).catch(() => undefined);
    await uploadObjects(s3, values.bucket, generateExport(opts));
    s3.destroy();
  }
  process.stdout.write(`${JSON.stringify({ options: opts, ...expectedCounts(opts) }, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
