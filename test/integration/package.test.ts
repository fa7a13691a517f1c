import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticGraph } from '../helpers/import-graph.js';
import { cliEnv } from '../helpers/run-cli.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Packs the package as `npm publish` would and installs the tarball into an empty folder, so this is
 * what `npx prophecy-audit` runs on a user's machine. --ignore-scripts: dist/ is already built by
 * `npm test`, and rebuilding it here would race the other test files that run it.
 */
describe('the packed npm tarball', () => {
  let work: string;
  let tarball: string;
  let files: string[];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'prophecy-audit-pack-'));
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: ROOT,
    });
    const [info] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
    tarball = join(work, info.filename);
    files = info.files.map((f) => f.path);
    await run('npm', ['init', '-y'], { cwd: work });
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: work });
  }, 180_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds only what runs: dist, bundle, bin, README, LICENSE, package.json', () => {
    expect(files).toContain('bin/prophecy-audit.js');
    expect(files).toContain('dist/cli.js');
    // What bin/ runs, with the licences of the third-party code bundled into it.
    expect(files).toContain('bundle/cli.js');
    expect(files).toContain('bundle/read-worker.js');
    expect(files).toContain('bundle/THIRD-PARTY-NOTICES.txt');
    expect(files).toContain('README.md');
    expect(files).toContain('LICENSE');
    expect(files).toContain('package.json');
    const stray = files.filter(
      (f) => !/^(dist\/|bundle\/|bin\/|README\.md$|LICENSE$|package\.json$)/.test(f),
    );
    expect(stray).toEqual([]);
    // The synthetic-export generator is for the demo, tests and benchmarks; users never run it.
    expect(files.filter((f) => f.startsWith('dist/synthetic/'))).toEqual([]);
  });

  it('runs `npx prophecy-audit --help` from an empty project', async () => {
    const { stdout } = await run('npx', ['--no-install', 'prophecy-audit', '--help'], {
      cwd: work,
      env: cliEnv(undefined),
    });
    expect(stdout).toMatch(/Usage: prophecy-audit/);
    expect(stdout).toMatch(/policy/);
  });

  it('runs `policy print` from the installed package', async () => {
    const { stdout } = await run(
      'npx',
      ['--no-install', 'prophecy-audit', 'policy', 'print', '--suffix', 'acme'],
      {
        cwd: work,
        env: cliEnv(undefined),
      },
    );
    expect(JSON.parse(stdout).Statement[0].Resource).toEqual([
      'arn:aws:s3:::prophecy-customer-backend-events-acme',
      'arn:aws:s3:::prophecy-customer-backend-events-acme/*',
    ]);
  });
});

describe('the bundle bin/ runs', () => {
  const BUNDLE = join(ROOT, 'bundle');
  it('loads neither the AWS SDK, inquirer nor ora at start-up, and loads them when a command needs them', () => {
    const { files, packages } = staticGraph(join(BUNDLE, 'cli.js'), (spec, from) =>
      join(dirname(from), spec),
    );
    expect(files.size).toBeGreaterThan(1);
    expect([...packages].filter((p) => /^(@aws-sdk|@smithy|@inquirer)\/|^ora$/.test(p))).toEqual([]);
    // Still there, as dynamic imports of chunks loaded only by the commands that call AWS or ask.
    const all = readdirSync(BUNDLE)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(BUNDLE, f), 'utf8'))
      .join('\n');
    expect(all).toMatch(/from "@aws-sdk\/client-s3"/);
    expect(all).toMatch(/import\("@inquirer\/prompts"\)|from "@inquirer\/prompts"/);
  });

  it('names the licence of every package bundled into it', () => {
    const notices = readFileSync(join(BUNDLE, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    for (const name of ['commander', 'zod', 'chalk', 'yaml', 'lossless-json', 'string-width'])
      expect(notices).toMatch(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+ \\((MIT|ISC)\\)$`, 'm'));
    expect(notices).not.toMatch(/\((A?GPL|LGPL)[^)]*\)/);
  });
});
