// Starts and stops moto_server (the S3/STS emulator) on a free loopback port.
// Shared by the integration tests, the demo and the benchmarks, so all of them launch it the same way.
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';

/**
 * @typedef {object} MotoServer
 * @property {string} endpoint  http://127.0.0.1:PORT
 * @property {number} pid
 * @property {string} logFile   where moto's request log goes
 * @property {() => Promise<void>} stop
 */

/** @returns {Promise<number>} a free port on 127.0.0.1, found by binding port 0 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no free port')),
      );
    });
  });
}

/** @returns {string} the path of moto_server on PATH, or throws saying how to get it */
export function findMotoServer() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'moto_server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new Error(
    'moto_server was not found on PATH. It is the local S3/STS emulator (moto 5, `pip install "moto[server]"`) that the tests and the demo need.',
  );
}

/**
 * @param {string} endpoint
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} timeoutMs
 */
async function waitUntilUp(endpoint, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${timeoutMs} ms`);
}

/**
 * Starts moto_server on a free 127.0.0.1 port. Its request log goes to a file: moto writes a line per
 * request to stderr and would block on a pipe nobody reads.
 * @param {string} logFile
 * @returns {Promise<MotoServer>}
 */
export async function startMoto(logFile) {
  const bin = findMotoServer();
  const port = await freePort();
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(endpoint, child, 20_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const pid = /** @type {number} */ (child.pid);
  // Whatever way this process ends (error, closed pipe, signal handled elsewhere), take moto with it.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = () =>
    /** @type {Promise<void>} */ (
      new Promise((resolve) => {
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        process.kill(pid, 'SIGTERM');
        setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
        }, 3000).unref();
      })
    );
  return { endpoint, pid, logFile, stop };
}

/**
 * An environment that points the AWS SDK and CLI at the emulator with dummy credentials and keeps the
 * user's own AWS config (profiles, SSO, real keys) out of reach.
 * @param {string} endpoint
 * @param {NodeJS.ProcessEnv} [base]
 * @returns {NodeJS.ProcessEnv}
 */
export function emulatorEnv(endpoint, base = process.env) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const [k, v] of Object.entries(base)) if (!k.startsWith('AWS_')) env[k] = v;
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
