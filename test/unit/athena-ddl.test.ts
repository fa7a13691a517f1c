import { describe, expect, it } from 'vitest';
import { buildDdl, type DdlInput, tableDifferences } from '../../src/events/athena/ddl.js';
import {
  detectKeyLayout,
  type KeyLayout,
  layoutFromTableParameters,
} from '../../src/events/athena/layout.js';
import { keyDate } from '../../src/events/key-dates.js';

const NOW = Date.parse('2026-11-27T04:00:00Z');
const ddl = (layout: KeyLayout, over: Partial<DdlInput> = {}) =>
  buildDdl({
    bucket: 'acme-audit',
    prefix: 'exports',
    database: 'prophecy_audit',
    table: 'events',
    layout,
    nowMs: NOW,
    ...over,
  });

const COMMON = `CREATE EXTERNAL TABLE \`prophecy_audit\`.\`events\` (
  \`opType\` string,
  \`createdAt\` bigint,
  \`nameHints\` array<string>,
  \`userEmail\` string,
  \`customerName\` string,
  \`responseCode\` string,
  \`requestParams\` map<string,string>,
  \`latencyInMillis\` bigint
)`;

describe('detectKeyLayout', () => {
  it('finds each layout the key-date detection knows, with the path before the date', () => {
    expect(detectKeyLayout(['exports/2026/11/02/a.jsonl.gz', 'exports/2026/11/01/b.jsonl.gz'])).toEqual({
      kind: 'ymd',
      base: 'exports/',
      hour: false,
      firstDayMs: Date.parse('2026-11-01'),
    });
    expect(detectKeyLayout(['2026/11/01/13/events-2026110113.jsonl.gz'])).toMatchObject({
      kind: 'ymd',
      base: '',
      hour: true,
    });
    expect(detectKeyLayout(['x/dt=2026-11-01/a.jsonl'])).toMatchObject({
      kind: 'iso-date',
      base: 'x/',
      label: 'dt=',
    });
    expect(detectKeyLayout(['x/2026-11-01/a.jsonl'])).toMatchObject({
      kind: 'iso-date',
      base: 'x/',
      label: '',
    });
    expect(detectKeyLayout(['t/year=2026/month=11/day=01/a.jsonl'])).toMatchObject({
      kind: 'hive',
      base: 't/',
      padded: true,
    });
    expect(detectKeyLayout(['year=2026/month=1/day=2/a.jsonl'])).toMatchObject({
      kind: 'hive',
      base: '',
      padded: false,
    });
  });

  it('agrees with keyDate() on the day of every key it accepts', () => {
    for (const key of [
      'exports/2026/11/02/a.jsonl.gz',
      '2026/11/01/13/e.jsonl',
      'x/dt=2026-11-03/a.jsonl',
      't/year=2026/month=11/day=04/a.jsonl',
    ]) {
      const l = detectKeyLayout([key]);
      expect(l.kind).not.toBe('none');
      expect((l as { firstDayMs: number }).firstDayMs).toBe(keyDate(key));
    }
  });

  it('refuses to partition when some keys would be outside the projected folders', () => {
    expect(detectKeyLayout(['events.jsonl'])).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('no date'),
    });
    expect(detectKeyLayout(['exports/events-2026-11-01.jsonl'])).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('only in file names'),
    });
    expect(detectKeyLayout(['a/2026/11/01/x.jsonl', 'b/2026/11/01/x.jsonl'])).toMatchObject({ kind: 'none' });
    expect(detectKeyLayout(['a/2026/11/01/x.jsonl', 'a/dt=2026-11-01/x.jsonl'])).toMatchObject({
      kind: 'none',
    });
    expect(detectKeyLayout(['a/2026/11/01/x.jsonl', 'a/manifest.json'])).toMatchObject({
      kind: 'none',
      reason: expect.stringContaining('1 key(s) carry no date folder'),
    });
    expect(detectKeyLayout(['year=2026/month=01/day=01/a', 'year=2026/month=1/day=2/a'])).toMatchObject({
      kind: 'none',
    });
    expect(detectKeyLayout([])).toMatchObject({ kind: 'none' });
  });
});

describe('buildDdl', () => {
  it('YYYY/MM/DD: a projected dt date column and a location template', () => {
    const d = ddl(detectKeyLayout(['exports/2024/03/05/a.jsonl.gz']));
    expect(d.statements[0]).toBe('CREATE DATABASE IF NOT EXISTS `prophecy_audit`');
    expect(d.statements[1]).toBe(`${COMMON}
PARTITIONED BY (\`dt\` string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
WITH SERDEPROPERTIES ('ignore.malformed.json' = 'true')
LOCATION 's3://acme-audit/exports/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy/MM/dd',
  'projection.dt.range' = '2024/03/05,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://acme-audit/exports/\${dt}/'
)`);
    expect(d.location).toBe('s3://acme-audit/exports/');
    expect(d.text).toContain(
      '-- Partitions: projected from the date in the keys (YYYY/MM/DD under s3://acme-audit/exports/)',
    );
    expect(d.text).toContain('Athena reads JSON Lines only');
    expect(d.text).toContain('not readable by the SerDe');
    expect(d.text.trimEnd().endsWith(')')).toBe(false);
    expect(d.text).toMatch(/\n\);\n$/);
  });

  it('YYYY/MM/DD/HH: hourly projection', () => {
    const d = ddl(detectKeyLayout(['exports/2026/11/01/13/a.jsonl.gz']), { prefix: 'exports/' });
    expect(d.statements[1]).toContain("'projection.dt.format' = 'yyyy/MM/dd/HH'");
    expect(d.statements[1]).toContain("'projection.dt.range' = '2026/11/01/00,NOW'");
    expect(d.statements[1]).toContain("'projection.dt.interval.unit' = 'HOURS'");
    expect(d.statements[1]).toContain(`'storage.location.template' = 's3://acme-audit/exports/\${dt}/'`);
  });

  it('dt=YYYY-MM-DD under a deeper path', () => {
    const d = ddl(detectKeyLayout(['exports/tenant-a/dt=2026-11-01/a.jsonl']));
    expect(d.statements[1]).toContain("'projection.dt.format' = 'yyyy-MM-dd'");
    expect(d.statements[1]).toContain("'projection.dt.range' = '2026-11-01,NOW'");
    expect(d.statements[1]).toContain(
      `'storage.location.template' = 's3://acme-audit/exports/tenant-a/dt=\${dt}/'`,
    );
    expect(d.statements[1]).toContain("LOCATION 's3://acme-audit/exports/'");
  });

  it('year=/month=/day=: integer projections, padded when the keys are', () => {
    const padded = ddl(detectKeyLayout(['exports/year=2025/month=01/day=09/a.jsonl']));
    expect(padded.statements[1]).toContain('PARTITIONED BY (`year` int, `month` int, `day` int)');
    expect(padded.statements[1]).toContain("'projection.year.range' = '2025,2027'");
    expect(padded.statements[1]).toContain("'projection.month.digits' = '2'");
    expect(padded.statements[1]).toContain(
      `'storage.location.template' = 's3://acme-audit/exports/year=\${year}/month=\${month}/day=\${day}/'`,
    );
    expect(padded.text).toContain('The projected years end at 2027');
    const bare = ddl(detectKeyLayout(['exports/year=2025/month=1/day=9/a.jsonl']));
    expect(bare.statements[1]).not.toContain('digits');
  });

  it('no date in the keys: an unpartitioned table, and a comment saying why', () => {
    const d = ddl(detectKeyLayout(['exports/events.jsonl']), { prefix: '' });
    expect(d.statements[1]).toBe(`${COMMON}
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
WITH SERDEPROPERTIES ('ignore.malformed.json' = 'true')
LOCATION 's3://acme-audit/'`);
    expect(d.text).toContain('-- No partitions: the keys carry no date ("exports/events.jsonl").');
    expect(d.text).toContain('reads (and is billed for) the whole export');
  });

  it('validates names, the bucket and the prefix instead of trusting them', () => {
    const l = detectKeyLayout(['a.jsonl']);
    expect(() => ddl(l, { database: 'x`; DROP DATABASE y; --' })).toThrow(RangeError);
    expect(() => ddl(l, { table: 'ev-ents' })).toThrow(RangeError);
    expect(() => ddl(l, { bucket: "acme'audit" })).toThrow(RangeError);
    expect(() => ddl(l, { prefix: "ex'ports/" })).toThrow(RangeError);
    expect(() => ddl(l, { prefix: `ex\${dt}/` })).toThrow(RangeError);
    expect(() => ddl(l, { prefix: 'ex\nports/' })).toThrow(RangeError);
    expect(ddl(l, { database: 'Audit_DB', table: 'Events' }).statements[0]).toBe(
      'CREATE DATABASE IF NOT EXISTS `audit_db`',
    );
    expect(() => ddl(detectKeyLayout(["it's/2026/11/01/a.jsonl"]))).toThrow(RangeError);
  });
});

describe('reading a table back', () => {
  const layouts = [
    'exports/2024/03/05/a.jsonl.gz',
    'exports/2024/03/05/07/a.jsonl.gz',
    'exports/t/dt=2024-03-05/a.jsonl',
    'exports/2024-03-05/a.jsonl',
    'exports/year=2024/month=03/day=05/a.jsonl',
    'exports/year=2024/month=3/day=5/a.jsonl',
  ].map((k) => detectKeyLayout([k]));

  it.each(layouts)('layoutFromTableParameters(%o) gives the layout the table was made from', (layout) => {
    const d = ddl(layout);
    const back = layoutFromTableParameters(d.definition.parameters);
    if (layout.kind === 'hive') expect(back).toEqual({ ...layout, firstDayMs: Date.UTC(2024, 0, 1) });
    else expect(back).toEqual(layout);
  });

  it('an unprojected or foreign table has no layout (queries then carry no partition predicates)', () => {
    expect(layoutFromTableParameters({})).toMatchObject({ kind: 'none' });
    expect(
      layoutFromTableParameters({
        'projection.enabled': 'true',
        'projection.x.type': 'enum',
        'storage.location.template': `s3://b/\${x}/`,
      }),
    ).toMatchObject({ kind: 'none' });
  });

  it('tableDifferences: none for the same table, each difference named otherwise', () => {
    const d = ddl(layouts[0] as KeyLayout);
    const same: Parameters<typeof tableDifferences>[1] = {
      columns: d.definition.columns.map((c) => ({ name: c.name, type: c.type.replace(',', ', ') })),
      partitionKeys: [{ name: 'dt', type: 'string' }],
      parameters: {
        ...d.definition.parameters,
        location: 's3://acme-audit/exports',
        EXTERNAL: 'TRUE',
        transient_lastDdlTime: '1',
      },
    };
    expect(tableDifferences(d.definition, same)).toEqual([]);
    const { location: _l, 'serde.serialization.lib': _s, ...fewer } = same.parameters;
    expect(tableDifferences(d.definition, { ...same, parameters: fewer })).toEqual([]);
    const other = {
      ...same,
      columns: same.columns.slice(0, -1),
      parameters: {
        ...same.parameters,
        'projection.dt.format': 'yyyy-MM-dd',
        'projection.extra.type': 'enum',
      },
    };
    expect(tableDifferences(d.definition, other)).toEqual([
      expect.stringMatching(/^columns: .* → .*latencyinmillis bigint$/),
      'projection.dt.format: yyyy-MM-dd → yyyy/MM/dd',
      'projection.extra.type: enum → (unset)',
    ]);
    expect(tableDifferences(d.definition, { ...same, partitionKeys: [] })).toEqual([
      'partitioned by: (none) → dt string',
    ]);
  });
});
