import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliEnv } from '../helpers/run-cli.js';

const DEMO = fileURLToPath(new URL('../../scripts/demo.mjs', import.meta.url));

function runDemo(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    // No endpoint in the environment: the demo starts its own emulator.
    const child = spawn(process.execPath, [DEMO], {
      env: cliEnv(undefined),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm run demo without a terminal', () => {
  it('runs setup, loads events, verifies, queries, and leaves no emulator behind', async () => {
    const { code, out } = await runDemo();
    expect(code, out).toBe(0);
    expect(out).toContain('$ npx prophecy-audit setup --suffix demo --yes');
    expect(out).toContain('Bucket ARN: arn:aws:s3:::prophecy-customer-backend-events-demo');
    expect(out).toMatch(
      /\$ prophecy-audit verify --suffix demo --max-age 2h\n[\s\S]*OK: 11 passed, 0 warnings, 0 failed/,
    );
    // The query asks for a table: every row a releaseProject event of the Project entity, at most 10.
    const query =
      (out.split('--entity Project --query releaseProject --since 7d --limit 10\n')[1] ?? '').split(
        '\n$ ',
      )[0] ?? '';
    const rows = query.split('\n').filter((l) => /^\d{4}-\d\d-\d\d /.test(l));
    expect(rows.length).toBe(10);
    for (const row of rows) expect(row.split(/\s+/).slice(2, 4)).toEqual(['Project', 'releaseProject']);
    expect(out).not.toMatch(/Warning:/);
    expect(out).toContain('Against your real AWS account');
    const endpoint = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    expect(endpoint).toBeDefined();
    await expect(fetch(`${endpoint}/moto-api/`)).rejects.toThrow();
  }, 180_000);
});
