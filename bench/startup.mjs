#!/usr/bin/env node
// Start-up benchmark: wall time of the CLI's light commands against bare `node -e 0`, and of `verify`
// against the same reads done with the AWS CLI, all on one moto server on loopback.
// Usage: npm run build && node bench/startup.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulatorEnv, startMoto } from '../scripts/moto-server.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'prophecy-audit.js');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const at = (/** @type {number} */ i) => s[i] ?? Number.NaN;
  return s.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

/**
 * Runs every command of `steps` in sequence, RUNS times, and returns the median total in ms.
 * @param {string[][]} steps
 * @param {NodeJS.ProcessEnv} env
 */
function measure(steps, env) {
  /** @type {number[]} */
  const times = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const t0 = process.hrtime.bigint();
    for (const [cmd, ...args] of steps) {
      const r = spawnSync(/** @type {string} */ (cmd), args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.status !== 0 && r.status !== 1) {
        throw new Error(`${[cmd, ...args].join(' ')} exited ${r.status}: ${r.stderr}`);
      }
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (i > 0) times.push(ms); // the first run warms the file cache
  }
  return median(times);
}

const moto = await startMoto(join(tmpdir(), `prophecy-audit-bench-moto-${process.pid}.log`));
try {
  const env = { ...emulatorEnv(moto.endpoint), NO_COLOR: '1' };
  const bucket = 'prophecy-customer-backend-events-bench';
  const setup = spawnSync(process.execPath, [CLI, 'setup', '--suffix', 'bench', '--yes'], {
    env,
    encoding: 'utf8',
  });
  if (setup.status !== 0)
    console.error(`setup failed (${setup.status}); verify rows will be off:\n${setup.stderr}`);

  const node = process.execPath;
  const s3api = (/** @type {string[]} */ ...a) => [
    'aws',
    '--endpoint-url',
    moto.endpoint,
    's3api',
    ...a,
    '--bucket',
    bucket,
  ];
  /** @type {[string, string[][]][]} */
  const rows = [
    ['node -e 0 (floor)', [[node, '-e', '0']]],
    ['prophecy-audit --help', [[node, CLI, '--help']]],
    ['prophecy-audit policy print --suffix acme', [[node, CLI, 'policy', 'print', '--suffix', 'acme']]],
    ['prophecy-audit verify --suffix bench', [[node, CLI, 'verify', '--suffix', 'bench']]],
    [
      'aws s3api: head-bucket, get-bucket-location, get-bucket-ownership-controls, get-public-access-block, get-bucket-policy',
      [
        s3api('head-bucket'),
        s3api('get-bucket-location'),
        s3api('get-bucket-ownership-controls'),
        s3api('get-public-access-block'),
        s3api('get-bucket-policy'),
      ],
    ],
    ['aws s3api get-bucket-policy (one call)', [s3api('get-bucket-policy')]],
  ];
  /** @type {[string, number][]} */
  const results = rows.map(([label, steps]) => [label, measure(steps, env)]);
  const floor = /** @type {number} */ (results[0]?.[1]);
  console.log(
    `Start-up, median of ${RUNS} runs (node ${process.version}, ${process.platform}/${process.arch})\n`,
  );
  console.log('| command | median ms | × node -e 0 |');
  console.log('|---|---:|---:|');
  for (const [label, ms] of results)
    console.log(`| ${label} | ${ms.toFixed(0)} | ${(ms / floor).toFixed(2)} |`);
} finally {
  await moto.stop();
}
