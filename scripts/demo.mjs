#!/usr/bin/env node
// `npm run demo`: the whole prophecy-audit flow on this machine, against a local S3/STS emulator
// (moto_server on a free loopback port) with dummy credentials — no AWS account needed.
// On a terminal you answer the real setup wizard; without one it runs `setup --suffix demo --yes`.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulatorEnv, startMoto } from './moto-server.mjs';

// The pinned AWS SDK supports Node 20 but prints a notice about future releases; keep the demo readable.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'prophecy-audit.js');
const GEN = join(ROOT, 'scripts', 'gen-events.mjs');
const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
const useColor = process.stdout.isTTY === true && !process.env.NO_COLOR;
const bold = (/** @type {string} */ s) => (useColor ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (/** @type {string} */ s) => (useColor ? `\x1b[2m${s}\x1b[22m` : s);

let interrupted = false;
/** @type {import('node:child_process').ChildProcess | undefined} */
let running;
// Ctrl-C reaches the child too (same process group); the demo itself only cleans up and exits 130.
process.on('SIGINT', () => {
  interrupted = true;
  if (!running) finish(130);
});
process.on('SIGTERM', () => finish(143));
process.on('SIGHUP', () => finish(129));
// A closed pipe (`npm run demo | head`) ends the demo; moto goes with it (see moto-server.mjs).
process.stdout.on('error', () => finish(0));

/** @type {import('./moto-server.mjs').MotoServer | undefined} */
let moto;
let finishing = false;
/** @param {number} code */
async function finish(code) {
  if (finishing) return;
  finishing = true;
  if (moto) await moto.stop();
  process.exit(code);
}

/**
 * Shows a command as the user would type it, then runs it with the terminal attached.
 * @param {string} shown
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @param {boolean} quiet  discard the command's stdout
 * @returns {Promise<number>}
 */
function show(shown, argv, env, quiet) {
  process.stdout.write(`\n${bold(`$ ${shown}`)}\n`);
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    running = spawn(/** @type {string} */ (cmd), args, {
      env,
      stdio: ['inherit', quiet ? 'ignore' : 'inherit', 'inherit'],
    });
    running.on('error', reject);
    running.on('exit', (code, signal) => {
      running = undefined;
      resolve(code ?? (signal ? 130 : 1));
    });
  });
}

/** @param {string} endpoint @param {NodeJS.ProcessEnv} env */
async function findDemoBucket(endpoint, env) {
  const { S3Client, ListBucketsCommand, GetBucketLocationCommand } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  });
  const out = await s3.send(new ListBucketsCommand({}));
  const name = out.Buckets?.find((b) => b.Name?.startsWith('prophecy-customer-backend-events-'))?.Name;
  const location = name ? await s3.send(new GetBucketLocationCommand({ Bucket: name })) : undefined;
  s3.destroy();
  return name ? { name, region: location?.LocationConstraint || 'us-east-1' } : undefined;
}

async function main() {
  const logDir = mkdtempSync(join(tmpdir(), 'prophecy-audit-demo-'));
  process.stdout.write(
    `${bold('prophecy-audit demo')}: a local S3 emulator stands in for your AWS account.\n`,
  );
  moto = await startMoto(join(logDir, 'moto.log'));
  process.stdout.write(dim(`moto_server is listening on ${moto.endpoint} (request log: ${moto.logFile})\n`));
  const env = emulatorEnv(moto.endpoint);
  const step = async (/** @type {string} */ shown, /** @type {string[]} */ argv, quiet = false) => {
    const code = await show(shown, argv, env, quiet);
    if (interrupted || code === 130) {
      process.stderr.write(
        '\nDemo interrupted; the emulator is stopped and nothing outside it was touched.\n',
      );
      return finish(130);
    }
    if (code !== 0) {
      process.stderr.write(`\nThat command exited ${code}; stopping the demo.\n`);
      return finish(code || 1);
    }
  };

  const cli = (/** @type {string[]} */ ...args) => [process.execPath, CLI, ...args];
  if (interactive) {
    process.stdout.write(
      '\nThe setup wizard asks for a bucket suffix and a region, shows its plan and asks to confirm.\n',
    );
    await step('npx prophecy-audit setup', cli('setup'));
  } else {
    await step('npx prophecy-audit setup --suffix demo --yes', cli('setup', '--suffix', 'demo', '--yes'));
  }
  const found = await findDemoBucket(moto.endpoint, env);
  if (!found) {
    process.stderr.write(
      'setup finished but no prophecy-customer-backend-events-* bucket exists; stopping.\n',
    );
    return finish(1);
  }
  const bucket = found.name;
  // A bucket outside us-east-1 (chosen in the wizard) is named with its region, as a user would.
  const regionArgs = found.region === 'us-east-1' ? [] : ['--region', found.region];
  const where = ['--suffix', bucket.slice('prophecy-customer-backend-events-'.length), ...regionArgs];
  const whereShown = where.join(' ');

  process.stdout.write(
    '\nProphecy would now sync hourly audit exports into the bucket; a generator stands in for it.\n',
  );
  await step(
    `node scripts/gen-events.mjs --bucket ${bucket} --hours 168 --events 40 > /dev/null`,
    [process.execPath, GEN, '--bucket', bucket, '--hours', '168', '--events', '40'],
    true,
  );
  await step(`prophecy-audit verify ${whereShown} --max-age 2h`, cli('verify', ...where, '--max-age', '2h'));
  await step(
    `prophecy-audit events query ${whereShown} --entity Project --query releaseProject --since 7d --limit 10`,
    cli(
      'events',
      'query',
      ...where,
      '--entity',
      'Project',
      '--query',
      'releaseProject',
      '--since',
      '7d',
      '--limit',
      '10',
      '--output',
      'table',
    ),
  );
  await step(
    `prophecy-audit events query ${whereShown} --since 24h --count`,
    cli('events', 'query', ...where, '--since', '24h', '--count'),
  );

  process.stdout.write(`
${bold('Against your real AWS account')} (credentials from your usual AWS config, SSO or environment):

  npx prophecy-audit setup                                   # the wizard, against production
  npx prophecy-audit verify --suffix <suffix> --max-age 26h  # from cron: exit 0 ok, 1 drift, 2 could not check
  npx prophecy-audit events query --suffix <suffix> --since 7d --entity Project
  npx prophecy-audit policy print --suffix <suffix>          # the policy, for review

Add --profile <name> to pick an AWS profile. Nothing here touched AWS.
`);
  return finish(0);
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  return finish(2);
});
