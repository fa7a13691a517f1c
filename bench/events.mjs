#!/usr/bin/env node
// Benchmark of `events query` against its floor and against what a user has without this tool.
// Usage: npm run build && node bench/events.mjs [--s3 200,1000] [--dir 500,2000] [--per-object 500]
// (the numbers are object counts; every object is one hour of gzip JSON Lines in Prophecy's native format).
// Needs moto_server, the AWS CLI, jq, zcat and GNU time on PATH; the local rows also run DuckDB
// (bench/events-duckdb.mjs, @duckdb/node-api, 2 threads) over the same copy in the same run, as the anchor. Prints a Markdown table and writes it
// to bench/results/. Not run by `npm test` or CI.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { generateExport } from '../dist/synthetic/export.js';
import { uploadObjects, writeObjectsToDir } from '../dist/synthetic/export-io.js';
import { emulatorEnv, startMoto } from '../scripts/moto-server.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'prophecy-audit.js');
const FLOOR = join(ROOT, 'bench', 'events-floor.mjs');
const DUCKDB = join(ROOT, 'bench', 'events-duckdb.mjs');
const { values } = parseArgs({
  options: {
    s3: { type: 'string', default: '200,1000' },
    dir: { type: 'string', default: '500,2000' },
    'per-object': { type: 'string', default: '500' },
    repeat: { type: 'string', default: '3' },
  },
});
const PER_OBJECT = Number(values['per-object']);
const REPEAT = Math.max(1, Number(values.repeat));
const sizes = (/** @type {string} */ s) => s.split(',').filter(Boolean).map(Number);

// The filter every row applies: releaseProject events by alice.
const OUR_FILTER = ['--query', 'releaseProject', '--user', 'alice'];
const JQ_FILTER = 'select(.opType == "releaseProject" and (.userEmail | ascii_downcase | contains("alice")))';

/** @param {number} objects */
const genOptions = (objects) => ({
  seed: 42,
  start: '2026-06-01T00:00:00Z',
  hours: objects,
  eventsPerObject: PER_OBJECT,
  variety: /** @type {const} */ ('jsonl-gz'),
  prefix: 'audit/',
});

/** @param {number} objects */
function expectedMatches(objects) {
  let n = 0;
  for (const o of generateExport(genOptions(objects))) {
    n += o.truth.filter((t) => t.query === 'releaseProject' && t.email.includes('alice')).length;
  }
  return n;
}

/**
 * Runs `argv` under GNU time; stdout goes to `outFile`. Returns wall seconds and peak RSS (MB) of the
 * largest process in the run.
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @param {string} outFile
 */
function timed(argv, env, outFile) {
  // Best wall time of REPEAT runs (other work on the machine only ever adds time); the largest RSS seen.
  let best = { wall: Number.POSITIVE_INFINITY, rssMb: 0, stderr: '' };
  for (let i = 0; i < REPEAT; i++) {
    const r = timedOnce(argv, env, outFile);
    best = { wall: Math.min(best.wall, r.wall), rssMb: Math.max(best.rssMb, r.rssMb), stderr: r.stderr };
  }
  return best;
}

/**
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @param {string} outFile
 */
function timedOnce(argv, env, outFile) {
  const timeFile = `${outFile}.time`;
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', timeFile, ...argv], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30,
  });
  writeFileSync(outFile, r.stdout);
  if (r.status !== 0)
    throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.toString().slice(-500)}`);
  const [wall, kb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()?.split(' ').map(Number) ?? [];
  return { wall: wall ?? Number.NaN, rssMb: (kb ?? Number.NaN) / 1024, stderr: r.stderr.toString() };
}

/** @param {string} file */
const lineCount = (file) => {
  // Counted in bytes: the unfiltered output is larger than the longest string V8 can hold.
  const bytes = readFileSync(file);
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1))
    if (i > 0 && bytes[i - 1] !== 10) n++;
  return n;
};

/** @type {{setting: string, objects: number, events: number, row: string, wall: number, rssMb: number, matches: string, work?: string, also?: string}[]} */
const rows = [];

/**
 * @param {string} setting
 * @param {number} objects
 * @param {string} row
 * @param {{wall: number, rssMb: number}} t
 * @param {string} matches
 * @param {string | undefined} [work]
 * @param {string | undefined} [also] a second DuckDB row doing comparable work (ratio printed under the table)
 */
function record(setting, objects, row, t, matches, work = undefined, also = undefined) {
  /** `work` pairs our row with DuckDB's for the same work (its `× DuckDB` column). */
  const r = {
    setting,
    objects,
    events: objects * PER_OBJECT,
    row,
    wall: t.wall,
    rssMb: t.rssMb,
    matches,
    work,
    also,
  };
  rows.push(r);
  process.stderr.write(`  ${row}: ${t.wall.toFixed(2)} s, ${t.rssMb.toFixed(0)} MB, matches ${matches}\n`);
}

const work = mkdtempSync(join(tmpdir(), 'bench-events-'));
const moto = await startMoto(join(ROOT, '.moto-logs', `bench-events-${Date.now()}.log`));
const env = emulatorEnv(moto.endpoint);
const s3 = new S3Client({
  endpoint: moto.endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});

try {
  for (const n of sizes(values.s3 ?? '')) {
    const bucket = `bench-events-${n}-${Date.now().toString(36)}`;
    process.stderr.write(`S3: uploading ${n} objects × ${PER_OBJECT} events to ${bucket}…\n`);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await uploadObjects(s3, bucket, generateExport(genOptions(n)), 16);
    const want = expectedMatches(n);
    const out = join(work, `s3-${n}.out`);
    const base = ['node', CLI, 'events', 'query', '--bucket', bucket, '--endpoint-url', moto.endpoint];

    const floor = timed(['node', FLOOR, 's3', moto.endpoint, bucket], env, out);
    record('S3 (moto)', n, 'floor: list + get + gunzip, discard', floor, '-');
    const q = timed([...base, ...OUR_FILTER, '--output', 'ndjson'], env, out);
    record(
      'S3 (moto)',
      n,
      '`events query --query releaseProject --user alice`',
      q,
      `${lineCount(out)} (expected ${want})`,
    );
    const c = timed([...base, '--count', '--output', 'json'], env, out);
    record(
      'S3 (moto)',
      n,
      '`events query --count` (no filter: parses every record)',
      c,
      `${JSON.parse(readFileSync(out, 'utf8')).total} events`,
    );
    const copy = join(work, `copy-${n}`);
    const sh = `aws s3 cp --recursive --quiet s3://${bucket} ${copy} --endpoint-url ${moto.endpoint} && find ${copy} -name '*.gz' -print0 | xargs -0 zcat | jq -c '${JQ_FILTER}'`;
    const b = timed(['sh', '-c', sh], env, out);
    record('S3 (moto)', n, 'baseline: `aws s3 cp --recursive` + `zcat | jq`', b, String(lineCount(out)));
    rmSync(copy, { recursive: true, force: true });
  }

  for (const n of sizes(values.dir ?? '')) {
    const dir = join(work, `dir-${n}`);
    process.stderr.write(`Local: writing ${n} objects × ${PER_OBJECT} events to ${dir}…\n`);
    await writeObjectsToDir(dir, generateExport(genOptions(n)));
    const want = expectedMatches(n);
    const out = join(work, `dir-${n}.out`);
    const floor = timed(['node', FLOOR, 'dir', dir], env, out);
    record('local --dir', n, 'floor: read + gunzip + split lines', floor, '-');
    const q = timed(
      ['node', CLI, 'events', 'query', '--dir', dir, ...OUR_FILTER, '--output', 'ndjson'],
      env,
      out,
    );
    record(
      'local --dir',
      n,
      '`events query --dir … --query releaseProject --user alice`',
      q,
      `${lineCount(out)} (expected ${want})`,
      'filter',
    );
    const dq = timed(['node', DUCKDB, 'filter', dir, out], env, `${out}.duck`);
    record(
      'local --dir',
      n,
      'DuckDB: same filter (`read_json`, 2 threads)',
      dq,
      String(lineCount(out)),
      'filter',
    );
    const c = timed(['node', CLI, 'events', 'query', '--dir', dir, '--count', '--output', 'json'], env, out);
    const ourCount = JSON.parse(readFileSync(out, 'utf8'));
    record(
      'local --dir',
      n,
      '`events query --dir … --count` (no filter)',
      c,
      `${ourCount.total} events`,
      'count',
    );
    const dc = timed(['node', DUCKDB, 'count', dir], env, out);
    const duckCount = JSON.parse(readFileSync(out, 'utf8'));
    /** @param {{groups: {entity: string | null, query: string, count: number}[]}} d */
    const groupsOf = (d) =>
      d.groups
        .map((g) => `${g.entity}\t${g.query}\t${g.count}`)
        .sort()
        .join('\n');
    const same = groupsOf(duckCount) === groupsOf(ourCount) ? 'same groups' : 'DIFFERENT groups';
    record(
      'local --dir',
      n,
      'DuckDB: count per entity and query',
      dc,
      `${duckCount.total} events, ${same}`,
      'count',
    );
    const a = timed(['node', CLI, 'events', 'query', '--dir', dir, '--output', 'ndjson'], env, out);
    record(
      'local --dir',
      n,
      '`events query --dir … --output ndjson` (no filter)',
      a,
      `${lineCount(out)} events`,
      'ndjson',
      'ndjson-same',
    );
    const da = timed(['node', DUCKDB, 'ndjson', dir, out], env, `${out}.duck`);
    record('local --dir', n, 'DuckDB: every event as JSON lines', da, `${lineCount(out)} events`, 'ndjson');
    const ds = timed(['node', DUCKDB, 'ndjson-same', dir, out], env, `${out}.duck`);
    record(
      'local --dir',
      n,
      'DuckDB: every event with our ndjson fields',
      ds,
      `${lineCount(out)} events`,
      'ndjson-same',
    );
    const j = timed(
      ['sh', '-c', `find ${dir} -name '*.gz' -print0 | xargs -0 zcat | jq -c '${JQ_FILTER}'`],
      env,
      out,
    );
    record('local --dir', n, '`zcat | jq` with the same filter', j, String(lineCount(out)));
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  s3.destroy();
  await moto.stop();
  rmSync(work, { recursive: true, force: true });
}

// Ratios against the floor of the same setting and size.
/** @type {Map<string, number>} */
const floors = new Map();
for (const r of rows) if (r.row.startsWith('floor')) floors.set(`${r.setting}/${r.objects}`, r.wall);
// …and against DuckDB doing the same work on the same copy.
/** @type {Map<string, number>} */
const ducks = new Map();
for (const r of rows)
  if (r.work && r.row.startsWith('DuckDB')) ducks.set(`${r.setting}/${r.objects}/${r.work}`, r.wall);
const cpu = execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"]).toString().trim();
const lines = [
  `Best of ${REPEAT} runs per row, measured ${new Date().toISOString().slice(0, 10)} on ${cpu || 'this machine'}, ${(await import('node:os')).cpus().length} cores, Node ${process.version}; ${PER_OBJECT} events per object.`,
  '',
  '| setting | objects | events | row | wall s | events/s | × floor | × DuckDB | peak RSS MB | matches |',
  '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ...rows.map((r) => {
    const f = floors.get(`${r.setting}/${r.objects}`);
    const d = r.work ? ducks.get(`${r.setting}/${r.objects}/${r.work}`) : undefined;
    return `| ${r.setting} | ${r.objects.toLocaleString('en-US')} | ${r.events.toLocaleString('en-US')} | ${r.row.replaceAll('|', '\\|')} | ${r.wall.toFixed(2)} | ${Math.round(r.events / r.wall).toLocaleString('en-US')} | ${f ? (r.wall / f).toFixed(2) : '-'} | ${d ? (r.wall / d).toFixed(2) : '-'} | ${r.rssMb.toFixed(0)} | ${r.matches} |`;
  }),
];
for (const r of rows) {
  const d = r.also ? ducks.get(`${r.setting}/${r.objects}/${r.also}`) : undefined;
  if (d)
    lines.push(
      '',
      `${r.setting}, ${r.objects.toLocaleString('en-US')} objects: ${r.row} against DuckDB producing the same fields (${r.also}): ${(r.wall / d).toFixed(2)}×`,
    );
}
const table = `${lines.join('\n')}\n`;
process.stdout.write(table);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', `events-${Date.now()}.md`), table);
