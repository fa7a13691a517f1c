import { PassThrough } from 'node:stream';
import { Chalk } from 'chalk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../src/core/event.js';
import { csvFormulaSafe, terminalSafe } from '../../src/core/sanitize.js';
import { CliError } from '../../src/errors.js';
import { csvCell, csvRow, eventCsvRow } from '../../src/events/formats/csv.js';
import { loadFormat } from '../../src/events/formats/index.js';
import { renderInspect } from '../../src/events/inspect.js';
import { eventSink, OutputWriter } from '../../src/events/output.js';
import { summaryLine } from '../../src/events/query.js';
import { reportError } from '../../src/ui/report-error.js';

// Anything a terminal acts on: ESC, the 8-bit CSI/OSC introducers, BEL, DEL, bidi controls.
// biome-ignore lint/complexity/useRegexLiterals: the literal form trips noControlCharactersInRegex.
const STEERING = new RegExp(
  '[\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]',
);

describe('terminalSafe', () => {
  it.each([
    ['clear screen', '\u001b[2J\u001b[H', '\\x1b[2J\\x1b[H'],
    ['OSC 52 clipboard write', '\u001b]52;c;Y3VybCBldmlsLnNo\u0007', '\\x1b]52;c;Y3VybCBldmlsLnNo\\x07'],
    [
      'OSC 8 link',
      '\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\',
      '\\x1b]8;;https://evil.example\\x1b\\click\\x1b]8;;\\x1b\\',
    ],
    ['OSC 0 title', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07'],
    ['C1 CSI and OSC', 'a\u009b2Jb\u009d0;t\u009c', 'a\\x9b2Jb\\x9d0;t\\x9c'],
    ['NUL, BEL, backspace, DEL', 'x\u0000\u0007\u0008\u007f', 'x\\x00\\x07\\x08\\x7f'],
    ['RLO override', 'invoice\u202etxt.exe', 'invoice\\u202etxt.exe'],
    ['isolates', '\u2066a\u2067b\u2068c\u2069', '\\u2066a\\u2067b\\u2068c\\u2069'],
    ['direction marks', 'a\u200eb\u200fc\u061c', 'a\\u200eb\\u200fc\\u061c'],
    ['line separators and BOM', 'a\u2028b\u2029c\ufeff', 'a\\u2028b\\u2029c\\ufeff'],
    ['lone surrogate', 'a\ud800b', 'a\\ud800b'],
    ['tab, CR, LF in a cell', 'a\tb\r\nc', 'a\\tb\\r\\nc'],
    [
      'ordinary text',
      'alice@example.com CORP\\alice Ünïcødé שלום 👩‍💻',
      'alice@example.com CORP\\alice Ünïcødé שלום 👩‍💻',
    ],
  ])('%s', (_name, input, expected) => {
    expect(terminalSafe(input)).toBe(expected);
    expect(terminalSafe(input)).not.toMatch(STEERING);
  });

  it('keeps line breaks for multi-line messages, but not a lone CR', () => {
    expect(terminalSafe('one\ntwo\r\nthree\rx\u001b', { newlines: true })).toBe('one\ntwo\r\nthree\\rx\\x1b');
  });
});

describe('CSV formula injection (OWASP)', () => {
  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['+1+cmd|x', `"'+1+cmd|x"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1', `"'\t=1"`],
    ['\r=1', `"'\r=1"`],
    ['a=b', 'a=b'],
    ['plain', 'plain'],
  ])('%j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
    expect(csvCell(input, true)).toBe(/[",\r\n]/.test(input) ? `"${input.replaceAll('"', '""')}"` : input);
  });

  it('leaves numbers and booleans the tool writes alone', () => {
    expect(csvRow([-1, false, 3])).toBe('-1,false,3\r\n');
    expect(csvFormulaSafe('=x')).toBe("'=x");
  });

  it('event rows: neutralised by default, exact with raw', () => {
    const e = event({ user: '=cmd|"/c calc"!A1' });
    expect(eventCsvRow(e)).toContain(`"'=cmd|""/c calc""!A1"`);
    expect(eventCsvRow(e, true)).toContain(`"=cmd|""/c calc""!A1"`);
  });
});

function event(over: Partial<AuditEvent>): AuditEvent {
  return {
    time: '2026-11-24T13:05:12.000Z',
    entity: 'Project',
    query: 'releaseProject',
    user: 'alice@example.com',
    outcome: 200,
    failed: false,
    params: {},
    source: { key: 'k', line: 1 },
    raw: {},
    ...over,
  };
}

async function collect(format: 'table' | 'ndjson' | 'csv', events: AuditEvent[], csvRaw = false) {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => {
    text += d.toString('utf8');
  });
  const fmt = await loadFormat(format, { color: new Chalk({ level: 0 }), columns: undefined, csvRaw });
  const sink = eventSink(fmt, new OutputWriter(stream));
  for (const e of events) sink.add({} as never, e);
  await sink.finish();
  return text;
}

const hostile = event({
  entity: '\u001b]0;title\u0007Project',
  query: 'release\u001b[2JProject',
  user: 'mallory\u202e@example.com',
  params: { name: '\u001b]52;c;ZXZpbA==\u0007', link: '\u001b]8;;http://x\u001b\\y' },
});

describe('human-facing outputs escape event text', () => {
  it('the events table', async () => {
    const text = await collect('table', [hostile]);
    expect(text).not.toMatch(STEERING);
    expect(text).toContain('release\\x1b[2JProject');
    expect(text).toContain('mallory\\u202e@');
  });

  it('ndjson keeps the exact values', async () => {
    const text = await collect('ndjson', [hostile]);
    expect(JSON.parse(text)).toEqual(hostile);
  });

  it('count and inspect tables', async () => {
    const table = await loadFormat('table', { color: new Chalk({ level: 0 }), columns: undefined });
    const counts = table.counts(1, [{ entity: '\u001b[31mX', query: 'q\u009b', count: 1 }]);
    expect(counts).not.toMatch(STEERING);
    const inspect = renderInspect({
      schemaVersion: 1,
      objects: [
        {
          key: 'a\u001b]0;t\u0007.json',
          encoding: 'plain',
          shape: 'json-lines',
          recordsRead: 1,
          recordsWithQuery: 1,
          unparseable: 0,
        },
      ],
      fields: [{ name: 'f\u202e', role: null, seen: 1 }],
      missing: [],
    });
    expect(inspect).not.toMatch(STEERING);
  });

  it('the stderr summary naming object keys', () => {
    const line = summaryLine(
      {
        listed: 1,
        pruned: 0,
        read: 1,
        bytes: 1,
        scanned: 1,
        matched: 0,
        unparseable: 1,
        samples: ['2026/\u001b]52;c;eA==\u0007.json:3 (not valid JSON)'],
        limitReached: false,
      },
      10,
      undefined,
    );
    expect(line).not.toMatch(STEERING);
    expect(line).toContain('2026/\\x1b]52;c;eA==\\x07.json:3');
  });

  describe('error messages that echo input', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });
    it('are escaped, line breaks kept', () => {
      let text = '';
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        text += String(chunk);
        return true;
      });
      reportError(
        new CliError('Unknown --entity "\u001b[2J\u202e".\nsecond line', { hint: 'try \u009b' }),
        false,
      );
      reportError(new Error('boom \u001b]0;x\u0007'), false);
      expect(text).not.toMatch(STEERING);
      expect(text).toContain('Unknown --entity "\\x1b[2J\\u202e".\nsecond line');
      expect(text).toContain('boom \\x1b]0;x\\x07');
    });
  });
});

describe('the setup plan quotes the stored policy safely', () => {
  it('escapes control characters from a customer statement', async () => {
    const { planSetup } = await import('../../src/core/setup-plan.js');
    const { renderPlan } = await import('../../src/commands/setup/render.js');
    const { DEFAULT_PRINCIPALS } = await import('../../src/core/policy.js');
    const bucket = 'prophecy-customer-backend-events-acme';
    const policyText = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Customer',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${bucket}/*`,
          Condition: { StringEquals: { 'aws:UserAgent': '\u001b]52;c;ZXZpbA==\u0007\u202e' } },
        },
      ],
    });
    const plan = planSetup({
      bucket,
      region: 'us-east-1',
      account: '123456789012',
      principals: DEFAULT_PRINCIPALS,
      state: { bucket, existence: 'yours', denied: [], region: 'us-east-1', policyText },
    });
    const text = renderPlan(plan, process.stderr);
    expect(text).toContain('\\x1b]52;c;ZXZpbA==\\x07\\u202e');
    expect(text).not.toMatch(STEERING);
  });
});
