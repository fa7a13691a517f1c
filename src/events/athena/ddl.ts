import { DT_TEMPLATE_TAIL, formatDay, HIVE_TEMPLATE_TAIL, type KeyLayout, ymdParts } from './layout.js';
import { checkName, RECORD_COLUMNS } from './sql.js';

/**
 * The statements `events athena ddl` prints and `events athena create` runs. Pure.
 * Athena DDL is Hive DDL: identifiers in backticks, string literals in single quotes.
 */

export const DEFAULT_DATABASE = 'prophecy_audit';
export const DEFAULT_TABLE = 'events';

export interface DdlInput {
  bucket: string;
  /** The --prefix the export lives under ('' for the whole bucket). */
  prefix: string;
  database: string;
  table: string;
  /** From detectKeyLayout() over the keys under the prefix (its base is relative to the bucket root). */
  layout: KeyLayout;
  /** Now, for the end of a year=/month=/day= projection range (the other layouts use NOW). */
  nowMs: number;
}

/** A table's shape as GetTableMetadata reports it (names lower-case, as Glue stores them). */
export interface TableDefinition {
  columns: { name: string; type: string }[];
  partitionKeys: { name: string; type: string }[];
  /** The table parameters this tool sets: projection.*, storage.location.template, location, SerDe. */
  parameters: Record<string, string>;
}

export interface Ddl {
  /** What the table should look like, to compare with an existing one (tableDifferences). */
  definition: TableDefinition;
  /** One statement per element, without the trailing semicolon (StartQueryExecution runs one at a time). */
  statements: string[];
  /** What `events athena ddl` prints: the limits as SQL comments, then the statements. */
  text: string;
  /** The table's LOCATION. */
  location: string;
  database: string;
  table: string;
}

// A path that goes into a quoted DDL string and a projection template: no quotes, backslashes, `${`,
// control characters.
const UNSAFE_PATH = /['"\\`${}]/;
const hasControl = (s: string) =>
  [...s].some((ch) => (ch.codePointAt(0) as number) < 0x20 || ch === '\u007f');

function checkPath(what: string, path: string): string {
  if (UNSAFE_PATH.test(path) || hasControl(path)) {
    throw new RangeError(
      `The ${what} "${path}" has characters that cannot go into a table definition (quotes, backslashes, $, {, }).`,
    );
  }
  return path;
}

function folder(prefix: string): string {
  if (prefix === '' || prefix.endsWith('/')) return prefix;
  return `${prefix}/`;
}

// S3's bucket name characters (an existing bucket may be dotted): nothing that could leave a quoted string.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
const bq = (s: string) => `\`${s}\``;

function describeLayout(layout: KeyLayout): string {
  switch (layout.kind) {
    case 'ymd':
      return layout.hour ? 'YYYY/MM/DD/HH' : 'YYYY/MM/DD';
    case 'iso-date':
      return `${layout.label}YYYY-MM-DD`;
    case 'hive':
      return layout.padded ? 'year=YYYY/month=MM/day=DD' : 'year=YYYY/month=M/day=D';
    case 'none':
      return 'none';
  }
}

function projection(
  layout: Exclude<KeyLayout, { kind: 'none' }>,
  root: string,
  nowMs: number,
): { columns: string; props: [string, string][] } {
  const base = `${root}${checkPath('key path', layout.base)}`;
  if (layout.kind === 'hive') {
    const [firstYear] = ymdParts(layout.firstDayMs);
    const [nowYear] = ymdParts(nowMs);
    const digits: [string, string][] = layout.padded
      ? [
          ['projection.month.digits', '2'],
          ['projection.day.digits', '2'],
        ]
      : [];
    return {
      columns: '`year` int, `month` int, `day` int',
      props: [
        ['projection.enabled', 'true'],
        ['projection.year.type', 'integer'],
        ['projection.year.range', `${firstYear},${Math.max(firstYear, nowYear) + 1}`],
        ['projection.month.type', 'integer'],
        ['projection.month.range', '1,12'],
        ['projection.day.type', 'integer'],
        ['projection.day.range', '1,31'],
        ...digits,
        ['storage.location.template', `${base}${HIVE_TEMPLATE_TAIL}`],
      ],
    };
  }
  const hourly = layout.kind === 'ymd' && layout.hour;
  const format = layout.kind === 'ymd' ? (hourly ? 'yyyy/MM/dd/HH' : 'yyyy/MM/dd') : 'yyyy-MM-dd';
  const label = layout.kind === 'iso-date' ? layout.label : '';
  return {
    columns: '`dt` string',
    props: [
      ['projection.enabled', 'true'],
      ['projection.dt.type', 'date'],
      ['projection.dt.format', format],
      ['projection.dt.range', `${formatDay(layout, layout.firstDayMs)},NOW`],
      ['projection.dt.interval', '1'],
      ['projection.dt.interval.unit', hourly ? 'HOURS' : 'DAYS'],
      ['storage.location.template', `${base}${label}${DT_TEMPLATE_TAIL}`],
    ],
  };
}

/** `CREATE DATABASE IF NOT EXISTS` and `CREATE EXTERNAL TABLE` for an export, with its limits as comments. */
export function buildDdl(input: DdlInput): Ddl {
  if (!BUCKET.test(input.bucket)) throw new RangeError(`Invalid bucket name "${input.bucket}".`);
  const database = checkName('database', input.database);
  const table = checkName('table', input.table);
  const location = `s3://${input.bucket}/${checkPath('prefix', folder(input.prefix))}`;
  const { layout } = input;
  if (layout.kind !== 'none' && !layout.base.startsWith(folder(input.prefix))) {
    throw new RangeError(`The date folders (${layout.base}…) are not under the prefix "${input.prefix}".`);
  }

  const columns = RECORD_COLUMNS.map((c) => `  ${bq(c.name)} ${c.hive}`).join(',\n');
  const proj = layout.kind === 'none' ? undefined : projection(layout, `s3://${input.bucket}/`, input.nowMs);
  const lines = [
    `CREATE EXTERNAL TABLE ${bq(database)}.${bq(table)} (`,
    columns,
    ')',
    ...(proj ? [`PARTITIONED BY (${proj.columns})`] : []),
    "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'",
    `WITH SERDEPROPERTIES (${q('ignore.malformed.json')} = ${q('true')})`,
    `LOCATION ${q(location)}`,
  ];
  if (proj) {
    lines.push('TBLPROPERTIES (', proj.props.map(([k, v]) => `  ${q(k)} = ${q(v)}`).join(',\n'), ')');
  }
  const statements = [`CREATE DATABASE IF NOT EXISTS ${bq(database)}`, lines.join('\n')];

  const partitionNote =
    layout.kind === 'none'
      ? [
          `-- No partitions: ${layout.reason}.`,
          '-- The table is unpartitioned: every query reads (and is billed for) the whole export.',
        ]
      : [
          `-- Partitions: projected from the date in the keys (${describeLayout(layout)} under s3://${input.bucket}/${layout.base}),`,
          '-- so a query with --since/--until reads only those days (plus one day either side, as `events query`',
          '-- does) and no MSCK REPAIR TABLE is ever needed. Objects written under the same layout later are',
          '-- found without changing the table.',
          ...(layout.kind === 'hive'
            ? [
                `-- The projected years end at ${ymdParts(input.nowMs)[0] + 1}; run \`events athena create --replace\` after that.`,
              ]
            : []),
        ];
  const header = [
    `-- Prophecy audit events in ${location}, as an Athena table (made by prophecy-audit).`,
    '-- Limits:',
    '-- * Athena reads JSON Lines only: one record per line (gzip-compressed .gz files too). Objects that hold',
    '--   a JSON array or a wrapped object ({"events": [...]}) are not readable by the SerDe; use',
    '--   `events query` (without --engine athena) for those.',
    "-- * Lines that are not JSON are skipped ('ignore.malformed.json'), as `events query` skips them.",
    '-- * Only the native record columns below are read; other field spellings (email, uid, timestamp, ...)',
    '--   that `events query` also understands are not.',
    ...partitionNote,
  ];
  const text = `${header.join('\n')}\n\n${statements.map((s) => `${s};`).join('\n\n')}\n`;
  const definition: TableDefinition = {
    columns: RECORD_COLUMNS.map((c) => ({ name: c.name.toLowerCase(), type: c.hive })),
    partitionKeys: proj
      ? layout.kind === 'hive'
        ? ['year', 'month', 'day'].map((name) => ({ name, type: 'int' }))
        : [{ name: 'dt', type: 'string' }]
      : [],
    parameters: {
      location,
      'serde.serialization.lib': 'org.openx.data.jsonserde.JsonSerDe',
      ...Object.fromEntries(proj?.props ?? []),
    },
  };
  return { statements, text, location, database, table, definition };
}

const normType = (t: string) => t.replace(/\s+/g, '').toLowerCase();

function columnsText(cols: { name: string; type: string }[]): string {
  return cols.map((c) => `${c.name.toLowerCase()} ${normType(c.type)}`).join(', ') || '(none)';
}

/**
 * How an existing table differs from the one `events athena create` would make; empty when it is the
 * same (`[no change]`). Parameters the existing table lacks a value for are only compared when
 * GetTableMetadata reports them (it may leave out location and SerDe), projection settings always.
 */
export function tableDifferences(
  expected: TableDefinition,
  actual: {
    columns: { name: string; type: string }[];
    partitionKeys: { name: string; type: string }[];
    parameters: Record<string, string>;
  },
): string[] {
  const out: string[] = [];
  if (columnsText(expected.columns) !== columnsText(actual.columns)) {
    out.push(`columns: ${columnsText(actual.columns)} → ${columnsText(expected.columns)}`);
  }
  if (columnsText(expected.partitionKeys) !== columnsText(actual.partitionKeys)) {
    out.push(`partitioned by: ${columnsText(actual.partitionKeys)} → ${columnsText(expected.partitionKeys)}`);
  }
  const keys = new Set([
    ...Object.keys(expected.parameters),
    ...Object.keys(actual.parameters).filter(
      (k) => k.startsWith('projection.') || k === 'storage.location.template',
    ),
  ]);
  for (const k of [...keys].sort()) {
    const want = expected.parameters[k];
    const have = actual.parameters[k];
    const optional = k === 'location' || k === 'serde.serialization.lib';
    if (optional && have === undefined) continue;
    const norm = (v: string | undefined) =>
      k === 'location' && v !== undefined ? v.replace(/\/?$/, '/') : v;
    if (norm(want) !== norm(have)) out.push(`${k}: ${have ?? '(unset)'} → ${want ?? '(unset)'}`);
  }
  return out;
}
