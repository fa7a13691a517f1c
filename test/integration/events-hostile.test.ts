import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

// Raw terminal controls: none of these may reach stdout (table) or stderr.
const ESC = '\u001b';
const RLO = '\u202e';

let dir: string;

const rec = (o: Record<string, unknown>) =>
  `${JSON.stringify({ createdAt: '2026-11-24T10:00:00Z', ...o })}\n`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pa-hostile-'));
  // An object key (file name) carrying an OSC 0 title sequence, with one malformed line so the summary names it.
  writeFileSync(
    join(dir, `evil${ESC}]0;pwned${ESC}\\.jsonl`),
    `${rec({ opType: 'releaseProject', userEmail: `=cmd|' /c calc'!A1${RLO}`, requestParams: { name: `${ESC}[2J` } })}not json\n`,
  );
  writeFileSync(join(dir, 'bom.jsonl'), `\ufeff${rec({ opType: 'addProject', userEmail: 'bob@x' })}`);
  writeFileSync(join(dir, 'long.jsonl'), `${rec({ opType: 'addProject', userEmail: 'x'.repeat(500) })}`);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const q = (args: string[]) => runCli(['events', 'query', '--dir', dir, ...args]);

describe('events query with hostile event text (--dir)', () => {
  it('the table and the stderr summary show controls escaped; ndjson keeps them exactly', async () => {
    const table = await q(['--output', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout + table.stderr).not.toContain(ESC);
    expect(table.stdout + table.stderr).not.toContain(RLO);
    expect(table.stdout).toContain('\\u202e');
    expect(table.stderr).toContain('evil\\x1b]0;pwned\\x1b\\.jsonl:2 (not valid JSON)');

    const nd = await q(['--output', 'ndjson', '--query', 'releaseProject']);
    const event = JSON.parse(nd.stdout.trim());
    expect(event.params.name).toBe(`${ESC}[2J`);
    expect(nd.stderr).not.toContain(ESC);
  });

  it('CSV neutralises formulas unless --csv-raw', async () => {
    const csv = await q(['--output', 'csv', '--query', 'releaseProject']);
    expect(csv.stdout).toContain(`"'=cmd|' /c calc'!A1${RLO}"`);
    const raw = await q(['--output', 'csv', '--query', 'releaseProject', '--csv-raw']);
    expect(raw.stdout).toContain(`,=cmd|' /c calc'!A1${RLO},`);
  });

  it('a UTF-8 BOM does not cost the first record', async () => {
    const r = await q(['--output', 'ndjson', '--user', 'bob@x']);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('--max-record-bytes skips and names a longer record; --strict makes it exit 2', async () => {
    const r = await q(['--output', 'ndjson', '--max-record-bytes', '300', '--query', 'addProject']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /long\.jsonl:1 \(record of [\d,]+\+? characters is longer than --max-record-bytes 300\)/,
    );
    const strict = await q([
      '--output',
      'ndjson',
      '--max-record-bytes',
      '300',
      '--strict',
      '--query',
      'addProject',
    ]);
    expect(strict.code).toBe(2);
    const bad = await q(['--max-record-bytes', '0']);
    expect(bad.code).toBe(2);
  });

  it('an impossible --since date is refused (exit 2), and an unknown flag value is echoed escaped', async () => {
    const r = await q(['--since', '2026-02-30']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"2026-02-30" is not a real date');
    const e = await runCli(['events', 'catalog', '--entity', `X${ESC}[2J`]);
    expect(e.code).toBe(2);
    expect(e.stderr).not.toContain(ESC);
    expect(e.stderr).toContain('X\\x1b[2J');
  });
});
