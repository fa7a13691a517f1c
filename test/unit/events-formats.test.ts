import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/core/event.js';
import type { CountGroup } from '../../src/events/count.js';
import { loadFormat, OUTPUT_FORMATS, type OutputFormat } from '../../src/events/formats/index.js';
import { eventsCountDocumentSchema, eventsQueryDocumentSchema } from '../../src/schemas/events.js';

const plain = { color: new Chalk({ level: 0 }), columns: undefined };

const event = (over: Partial<AuditEvent> = {}): AuditEvent => ({
  time: '2026-11-24T13:05:12.345Z',
  entity: 'Project',
  query: 'releaseProject',
  user: 'alice@acme.io',
  outcome: 200,
  failed: false,
  params: { projectID: '12', note: 'a, "b"' },
  source: { key: 'audit/x.jsonl', line: 3 },
  raw: { opType: 'releaseProject' },
  ...over,
});
const groups: CountGroup[] = [
  { entity: 'Git', query: 'commit', count: 2 },
  { entity: null, query: 'mystery', count: 1 },
];

/** What an output gets from the sinks: header + events + footer, as output.ts writes them. */
async function render(name: OutputFormat, events: AuditEvent[], opts = plain): Promise<string> {
  const f = await loadFormat(name, opts);
  let text = events.length > 0 ? f.header() : '';
  events.forEach((e, i) => {
    text += f.event(e, i);
  });
  return text + f.footer(events.length);
}

describe('the format registry', () => {
  it('lists the formats in --output order, one file each in src/events/formats', () => {
    expect(OUTPUT_FORMATS).toEqual(['table', 'ndjson', 'json', 'csv']);
    const dir = fileURLToPath(new URL('../../src/events/formats/', import.meta.url));
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'format.ts')
      .map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual([...OUTPUT_FORMATS].sort());
  });

  it.each(OUTPUT_FORMATS)('%s implements header, event, footer and counts', async (name) => {
    const f = await loadFormat(name, plain);
    expect(typeof f.header()).toBe('string');
    expect(typeof f.event(event(), 0)).toBe('string');
    expect(typeof f.footer(0)).toBe('string');
    expect(f.counts(3, groups)).toMatch(/\n$/);
  });
});

describe('ndjson', () => {
  it('writes one event (or count group) a line', async () => {
    expect(await render('ndjson', [event(), event({ query: 'commit' })])).toBe(
      `${JSON.stringify(event())}\n${JSON.stringify(event({ query: 'commit' }))}\n`,
    );
    expect(await render('ndjson', [])).toBe('');
    expect((await loadFormat('ndjson', plain)).counts(3, groups)).toBe(
      '{"entity":"Git","query":"commit","count":2}\n{"entity":null,"query":"mystery","count":1}\n',
    );
  });
});

describe('json', () => {
  it('streams a versioned document, one event a line, valid with none, one or many', async () => {
    expect(await render('json', [])).toBe('{"schemaVersion":1,"events":[]}\n');
    const one = await render('json', [event()]);
    expect(one).toBe(`{"schemaVersion":1,"events":[\n${JSON.stringify(event())}\n]}\n`);
    const two = await render('json', [event(), event({ failed: true })]);
    expect(eventsQueryDocumentSchema.parse(JSON.parse(two)).events).toHaveLength(2);
  });

  it('prints counts and the --inspect report as pretty JSON', async () => {
    const f = await loadFormat('json', plain);
    const counts = f.counts(3, groups);
    expect(eventsCountDocumentSchema.parse(JSON.parse(counts))).toEqual({
      schemaVersion: 1,
      total: 3,
      groups,
    });
    expect(counts).toBe(`${JSON.stringify({ schemaVersion: 1, total: 3, groups }, null, 2)}\n`);
    const doc = { schemaVersion: 1 as const, objects: [], fields: [], missing: [] };
    expect(f.inspect?.(doc)).toBe(`${JSON.stringify(doc, null, 2)}\n`);
  });
});

describe('csv', () => {
  const HEAD = 'time,entity,query,user,outcome,failed,params,sourceKey,sourceLine\r\n';

  it('writes the header once (also when nothing matched) and quotes cells as RFC 4180 says', async () => {
    expect(await render('csv', [])).toBe(HEAD);
    expect(await render('csv', [event()])).toBe(
      `${HEAD}2026-11-24T13:05:12.345Z,Project,releaseProject,alice@acme.io,200,false,"{""projectID"":""12"",""note"":""a, \\""b\\""""}",audit/x.jsonl,3\r\n`,
    );
    expect((await loadFormat('csv', plain)).counts(3, groups)).toBe(
      'entity,query,count\r\nGit,commit,2\r\n,mystery,1\r\n',
    );
  });
});

describe('table', () => {
  it('has a header, fixed columns, and red failed events when colours are on', async () => {
    const out = await render('table', [event(), event({ failed: true, outcome: 503, user: null })]);
    expect(out).toBe(
      [
        'TIME                 ENTITY      QUERY                          USER                     CODE PARAMS',
        '2026-11-24 13:05:12Z Project     releaseProject                 alice@acme.io            200  projectID=12 note=a, "b"',
        '2026-11-24 13:05:12Z Project     releaseProject                 -                        503  projectID=12 note=a, "b"',
        '',
      ].join('\n'),
    );
    const color = { color: new Chalk({ level: 1 }), columns: undefined };
    const colored = await render('table', [event({ failed: true })], color);
    const [head, line] = colored.split('\n') as [string, string];
    expect(head.startsWith('\u001B[1mTIME ') && head.endsWith('PARAMS\u001B[22m')).toBe(true);
    expect(line.startsWith('\u001B[31m2026-11-24 ') && line.endsWith('\u001B[39m')).toBe(true);
    expect(await render('table', [])).toBe('');
  });

  it('prints counts as a table with a total row', async () => {
    expect((await loadFormat('table', plain)).counts(3, groups)).toBe(
      ['ENTITY  QUERY    COUNT', 'Git     commit   2', '-       mystery  1', '        total    3', ''].join(
        '\n',
      ),
    );
  });
});
