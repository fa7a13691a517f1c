import { CATALOG_QUERIES, inferEntity } from '../../core/catalog.js';
import { escapeRegExp } from '../../core/regexp.js';
import type { EventFilter } from '../filter.js';
import { type KeyLayout, partitionDays, ymdParts } from './layout.js';

/**
 * `events query` filters compiled once into a small SQL AST, rendered for Athena (Trino) and DuckDB.
 * Pure. The meaning is the local engine's (filter.ts + normalize.ts) on Prophecy's native record:
 *
 * - query  = trim(opType); a record without one is skipped, as the local reader skips it.
 * - entity = trim(nameHints[1]) when non-empty, else the catalog's entity of the query name.
 * - --entity / --query: case-insensitive equality, OR within a flag, AND across flags.
 * - --user: case-insensitive substring of userEmail (strpos, so `%` and `_` are plain characters).
 * - --since inclusive, --until exclusive, on createdAt read as epoch ms (epoch s below 1e11, as
 *   parseEventTime reads it); a record without a positive createdAt never matches a time bound.
 * - --failed: responseCode all digits and outside 200–299, or a word like "error"/"denied".
 *
 * User-supplied values reach the SQL text only through `lit()` (quotes doubled) or `num()` (a safe
 * integer), never spliced: the AST has no node that takes raw SQL.
 */

export type Dialect = 'trino' | 'duckdb';

export type Expr =
  | { k: 'col'; name: string }
  | { k: 'path' }
  | { k: 'str'; value: string }
  | { k: 'num'; value: number }
  | { k: 'bool'; value: boolean }
  | { k: 'null' }
  | { k: 'fn'; name: 'lower' | 'trim' | 'coalesce' | 'nullif'; args: Expr[] }
  | { k: 'first'; list: Expr }
  | { k: 'contains'; haystack: Expr; needle: Expr }
  | { k: 'regex'; value: Expr; pattern: string }
  | { k: 'toDouble'; value: Expr }
  | { k: 'toText'; value: Expr }
  | { k: 'toJson'; value: Expr }
  | { k: 'cmp'; op: '=' | '<>' | '<' | '<=' | '>' | '>='; a: Expr; b: Expr }
  | { k: 'arith'; op: '*'; a: Expr; b: Expr }
  | { k: 'in'; value: Expr; list: Expr[] }
  | { k: 'and' | 'or'; args: Expr[] }
  | { k: 'not'; value: Expr }
  | { k: 'isNull' | 'isNotNull'; value: Expr }
  | { k: 'case'; when: { cond: Expr; value: Expr }[]; else: Expr }
  | { k: 'countAll' };

export interface SelectItem {
  expr: Expr;
  as: string;
}

export interface QueryAst {
  kind: 'events' | 'count';
  /** Output columns, in order. */
  select: SelectItem[];
  where: Expr;
  orderBy: Expr[];
  limit: number | undefined;
  /** For `count`: the rows are grouped by the first `groupBy` select items after the WHERE/LIMIT. */
  groupBy: number;
}

/** The native record's columns, as the table declares them (ddl.ts) and the rows come back (rows.ts). */
export const RECORD_COLUMNS = [
  { name: 'opType', hive: 'string', duckdb: 'VARCHAR', kind: 'text' },
  { name: 'createdAt', hive: 'bigint', duckdb: 'BIGINT', kind: 'number' },
  { name: 'nameHints', hive: 'array<string>', duckdb: 'VARCHAR[]', kind: 'json' },
  { name: 'userEmail', hive: 'string', duckdb: 'VARCHAR', kind: 'text' },
  { name: 'customerName', hive: 'string', duckdb: 'VARCHAR', kind: 'text' },
  { name: 'responseCode', hive: 'string', duckdb: 'VARCHAR', kind: 'code' },
  { name: 'requestParams', hive: 'map<string,string>', duckdb: 'MAP(VARCHAR, VARCHAR)', kind: 'json' },
  { name: 'latencyInMillis', hive: 'bigint', duckdb: 'BIGINT', kind: 'number' },
] as const;

export type RecordColumn = (typeof RECORD_COLUMNS)[number]['name'];

/** The output column holding the object the row came from ("$path" in Athena, filename in DuckDB). */
export const SOURCE_COLUMN = 'source_path';

// --- builders -------------------------------------------------------------------------------------

const col = (name: string): Expr => ({ k: 'col', name });
const str = (value: string): Expr => ({ k: 'str', value });
const num = (value: number): Expr => ({ k: 'num', value });
const fn = (name: 'lower' | 'trim' | 'coalesce' | 'nullif', ...args: Expr[]): Expr => ({
  k: 'fn',
  name,
  args,
});
const and = (...args: Expr[]): Expr => (args.length === 1 ? (args[0] as Expr) : { k: 'and', args });
const or = (...args: Expr[]): Expr => (args.length === 1 ? (args[0] as Expr) : { k: 'or', args });
const cmp = (op: '=' | '<>' | '<' | '<=' | '>' | '>=', a: Expr, b: Expr): Expr => ({ k: 'cmp', op, a, b });

/** Below 1e11 a createdAt is epoch seconds, as parseEventTime reads it (time.ts). */
const SECONDS_LIMIT = 100_000_000_000;
const MAX_DATE_MS = 8_640_000_000_000_000;

const queryExpr = (): Expr => fn('trim', col('opType'));
const hintExpr = (): Expr => fn('nullif', fn('trim', { k: 'first', list: col('nameHints') }), str(''));
const timeMsExpr = (): Expr => ({
  k: 'case',
  when: [
    {
      cond: cmp('<', col('createdAt'), num(SECONDS_LIMIT)),
      value: { k: 'arith', op: '*', a: col('createdAt'), b: num(1000) },
    },
  ],
  else: col('createdAt'),
});

/** Lower-cased catalog query names whose entity (as inferEntity decides) is one of `entities`. */
export function inferredQueriesOf(entities: readonly string[]): string[] {
  const wanted = new Set(entities.map((e) => e.toLowerCase()));
  return CATALOG_QUERIES.filter((q) => wanted.has(inferEntity(q)?.toLowerCase() ?? '\u0000')).map((q) =>
    q.toLowerCase(),
  );
}

/** The entity as the local engine reports it: the record's hint, or the catalog's by query name. */
function entityExpr(): Expr {
  const byQuery = new Map<string, string>();
  for (const q of CATALOG_QUERIES) {
    const e = inferEntity(q);
    if (e !== undefined) byQuery.set(q.toLowerCase(), e);
  }
  const lq = fn('lower', queryExpr());
  return fn('coalesce', hintExpr(), {
    k: 'case',
    when: [...byQuery].map(([q, e]) => ({ cond: cmp('=', lq, str(q)), value: str(e) })),
    else: { k: 'null' },
  });
}

const FAILED_WORDS = '(?i)fail|error|denied|forbidden|unauthori[sz]ed|reject';

function failedExpr(): Expr {
  const code = fn('trim', col('responseCode'));
  const n: Expr = { k: 'toDouble', value: code };
  return {
    k: 'case',
    when: [
      { cond: { k: 'isNull', value: col('responseCode') }, value: { k: 'bool', value: false } },
      {
        cond: { k: 'regex', value: code, pattern: '^[0-9]+$' },
        value: or(cmp('<', n, num(200)), cmp('>', n, num(299))),
      },
    ],
    else: { k: 'regex', value: col('responseCode'), pattern: FAILED_WORDS },
  };
}

function checkedInt(what: string, n: number): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a safe integer, not ${n}`);
  return n;
}

/** Predicates on the projected partition column(s) for the time window: pruning only, never meaning. */
export function partitionPredicate(
  layout: KeyLayout,
  sinceMs: number | undefined,
  untilMs: number | undefined,
): Expr | undefined {
  if (layout.kind === 'none') return undefined;
  const { fromDayMs, toDayMs } = partitionDays(sinceMs, untilMs);
  const parts: Expr[] = [];
  if (layout.kind === 'hive') {
    const [y, m, d] = [col('year'), col('month'), col('day')];
    const tuple = (day: number, op: '>' | '<'): Expr => {
      const [ty, tm, td] = ymdParts(day);
      const eqOp = op === '>' ? '>=' : '<=';
      return or(
        cmp(op, y, num(ty)),
        and(cmp('=', y, num(ty)), or(cmp(op, m, num(tm)), and(cmp('=', m, num(tm)), cmp(eqOp, d, num(td))))),
      );
    };
    if (fromDayMs !== undefined) parts.push(cmp('>=', y, num(ymdParts(fromDayMs)[0])));
    if (toDayMs !== undefined) parts.push(cmp('<=', y, num(ymdParts(toDayMs)[0])));
    if (fromDayMs !== undefined) parts.push(tuple(fromDayMs, '>'));
    if (toDayMs !== undefined) parts.push(tuple(toDayMs, '<'));
  } else {
    const fmt = (day: number, end: boolean) => {
      const [y, m, d] = ymdParts(day);
      const p = (x: number, w = 2) => String(x).padStart(w, '0');
      const sep = layout.kind === 'ymd' ? '/' : '-';
      const text = `${p(y, 4)}${sep}${p(m)}${sep}${p(d)}`;
      return layout.kind === 'ymd' && layout.hour ? `${text}/${end ? '23' : '00'}` : text;
    };
    if (fromDayMs !== undefined) parts.push(cmp('>=', col('dt'), str(fmt(fromDayMs, false))));
    if (toDayMs !== undefined) parts.push(cmp('<=', col('dt'), str(fmt(toDayMs, true))));
  }
  return parts.length === 0 ? undefined : and(...parts);
}

export interface CompileOptions {
  limit?: number | undefined;
  count?: boolean;
  /** The table's partition layout: adds partition predicates (Athena only; DuckDB reads files). */
  layout?: KeyLayout;
}

/** The filter as a WHERE expression (without partition predicates). */
export function filterExpr(f: EventFilter): Expr {
  const parts: Expr[] = [cmp('<>', queryExpr(), str(''))];
  if (f.queries.length > 0) {
    const qs = [...new Set(f.queries.map((q) => q.toLowerCase()))];
    parts.push({ k: 'in', value: fn('lower', queryExpr()), list: qs.map(str) });
  }
  if (f.entities.length > 0) {
    const es = [...new Set(f.entities.map((e) => e.toLowerCase()))];
    const inferred = inferredQueriesOf(f.entities);
    const hint = hintExpr();
    const byHint: Expr = and(
      { k: 'isNotNull', value: hint },
      { k: 'in', value: fn('lower', hint), list: es.map(str) },
    );
    parts.push(
      inferred.length === 0
        ? byHint
        : or(
            byHint,
            and(
              { k: 'isNull', value: hint },
              { k: 'in', value: fn('lower', queryExpr()), list: inferred.map(str) },
            ),
          ),
    );
  }
  if (f.sinceMs !== undefined || f.untilMs !== undefined) {
    parts.push(cmp('>', col('createdAt'), num(0)), cmp('<=', col('createdAt'), num(MAX_DATE_MS)));
    if (f.sinceMs !== undefined) parts.push(cmp('>=', timeMsExpr(), num(checkedInt('--since', f.sinceMs))));
    if (f.untilMs !== undefined) parts.push(cmp('<', timeMsExpr(), num(checkedInt('--until', f.untilMs))));
  }
  if (f.failedOnly) parts.push(failedExpr());
  if (f.user !== undefined && f.user !== '') {
    parts.push({ k: 'contains', haystack: fn('lower', col('userEmail')), needle: str(f.user.toLowerCase()) });
  }
  return and(...parts);
}

/** Compiles the filters (and --limit / --count) into one query AST. */
export function compileQuery(f: EventFilter, opts: CompileOptions = {}): QueryAst {
  const limit = opts.limit === undefined ? undefined : checkedInt('--limit', opts.limit);
  if (limit !== undefined && limit < 1) throw new RangeError('--limit must be at least 1');
  const where = [filterExpr(f)];
  const pp = opts.layout ? partitionPredicate(opts.layout, f.sinceMs, f.untilMs) : undefined;
  if (pp) where.push(pp);
  if (opts.count) {
    return {
      kind: 'count',
      select: [
        { expr: entityExpr(), as: 'entity' },
        { expr: queryExpr(), as: 'query' },
        { expr: { k: 'countAll' }, as: 'count' },
      ],
      where: and(...where),
      orderBy: [],
      limit,
      groupBy: 2,
    };
  }
  const select: SelectItem[] = RECORD_COLUMNS.map((c) => ({
    as: c.name,
    expr: c.kind === 'json' ? { k: 'toJson', value: col(c.name) } : { k: 'toText', value: col(c.name) },
  }));
  select.push({ expr: { k: 'path' }, as: SOURCE_COLUMN });
  return {
    kind: 'events',
    select,
    where: and(...where),
    orderBy: [col('createdAt'), { k: 'path' }],
    limit,
    groupBy: 0,
  };
}

// --- rendering ------------------------------------------------------------------------------------

/** A string literal: the only way a value reaches the SQL text. Single quotes are doubled. */
export function lit(value: string): string {
  if (value.includes('\u0000')) throw new RangeError('a NUL character cannot be part of a query value');
  return `'${value.replaceAll("'", "''")}'`;
}

/** A double-quoted identifier (column names are constants; quotes are doubled all the same). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function render(e: Expr, d: Dialect): string {
  const r = (x: Expr) => render(x, d);
  switch (e.k) {
    case 'col':
      return ident(e.name);
    case 'path':
      return d === 'trino' ? ident('$path') : ident('filename');
    case 'str':
      return lit(e.value);
    case 'num':
      if (!Number.isSafeInteger(e.value)) throw new RangeError(`not a safe integer: ${e.value}`);
      return String(e.value);
    case 'bool':
      return e.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'fn':
      return `${e.name}(${e.args.map(r).join(', ')})`;
    case 'first':
      // Both are 1-based and give NULL past the end (Trino's subscript operator would fail instead).
      return d === 'trino' ? `element_at(${r(e.list)}, 1)` : `list_extract(${r(e.list)}, 1)`;
    case 'contains':
      return `strpos(${r(e.haystack)}, ${r(e.needle)}) > 0`;
    case 'regex':
      return d === 'trino'
        ? `regexp_like(${r(e.value)}, ${lit(e.pattern)})`
        : `regexp_matches(${r(e.value)}, ${lit(e.pattern)})`;
    case 'toDouble':
      return `try_cast(${r(e.value)} AS double)`;
    case 'toText':
      return `CAST(${r(e.value)} AS varchar)`;
    case 'toJson':
      return d === 'trino'
        ? `json_format(CAST(${r(e.value)} AS JSON))`
        : `CAST(to_json(${r(e.value)}) AS varchar)`;
    case 'cmp':
      return `${r(e.a)} ${e.op} ${r(e.b)}`;
    case 'arith':
      return `(${r(e.a)} ${e.op} ${r(e.b)})`;
    case 'in':
      return `${r(e.value)} IN (${e.list.map(r).join(', ')})`;
    case 'and':
    case 'or':
      return e.args.map((a) => `(${r(a)})`).join(e.k === 'and' ? ' AND ' : ' OR ');
    case 'not':
      return `NOT (${r(e.value)})`;
    case 'isNull':
      return `${r(e.value)} IS NULL`;
    case 'isNotNull':
      return `${r(e.value)} IS NOT NULL`;
    case 'case':
      return `CASE ${e.when.map((w) => `WHEN ${r(w.cond)} THEN ${r(w.value)}`).join(' ')} ELSE ${r(e.else)} END`;
    case 'countAll':
      return 'count(*)';
  }
}

/** Renders one expression (exported for tests). */
export function renderExpr(e: Expr, dialect: Dialect): string {
  return render(e, dialect);
}

/** Athena/Glue names: letters, digits and underscores, starting with a letter or underscore. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** A database or table name, validated and lower-cased (Athena stores names in lower case). */
export function checkName(kind: 'database' | 'table', name: string): string {
  if (!NAME.test(name)) {
    throw new RangeError(
      `Invalid ${kind} name "${name}": use letters, digits and underscores, starting with a letter or underscore (at most 128).`,
    );
  }
  return name.toLowerCase();
}

export type QuerySource =
  | { dialect: 'trino'; database: string; table: string }
  | {
      dialect: 'duckdb';
      files: readonly string[];
      /**
       * Derive the partition column(s) from each file's path as Athena's projection does from the key,
       * so a query compiled with a layout (partition predicates included) runs on DuckDB too.
       */
      layout?: KeyLayout | undefined;
    };

/** DuckDB expressions for a layout's partition columns, read from the file path. */
function derivedPartitionColumns(layout: KeyLayout): string[] {
  const file = ident('filename');
  const pick = (re: string) => `regexp_extract(${file}, ${lit(re)}, 1)`;
  switch (layout.kind) {
    case 'none':
      return [];
    case 'ymd':
      return [
        `${pick(layout.hour ? '^.*/(\\d{4}/\\d{2}/\\d{2}/\\d{2})/' : '^.*/(\\d{4}/\\d{2}/\\d{2})/')} AS ${ident('dt')}`,
      ];
    case 'iso-date':
      return [`${pick(`^.*/${escapeRegExp(layout.label)}(\\d{4}-\\d{2}-\\d{2})/`)} AS ${ident('dt')}`];
    case 'hive': {
      const part = (name: string, own: string, digits: string) =>
        `${name}=${own === name ? `(\\d{${digits}})` : `\\d{${digits}}`}`;
      return (['year', 'month', 'day'] as const).map((own) => {
        const re = `^.*/${part('year', own, '4')}/${part('month', own, '1,2')}/${part('day', own, '1,2')}/`;
        return `TRY_CAST(${pick(re)} AS INTEGER) AS ${ident(own)}`;
      });
    }
  }
}

function fromClause(src: QuerySource): string {
  if (src.dialect === 'trino')
    return `${ident(checkName('database', src.database))}.${ident(checkName('table', src.table))}`;
  if (src.files.length === 0) throw new RangeError('no files to read');
  const columns = RECORD_COLUMNS.map((c) => `${lit(c.name)}: ${lit(c.duckdb)}`).join(', ');
  // Same reading rules as the SerDe: one record per line, unreadable lines skipped.
  const read = `read_json([${src.files.map(lit).join(', ')}], format = 'newline_delimited', columns = {${columns}}, filename = true, ignore_errors = true, hive_partitioning = false)`;
  const derived = src.layout ? derivedPartitionColumns(src.layout) : [];
  return derived.length === 0 ? read : `(SELECT *, ${derived.join(', ')} FROM ${read}) AS export`;
}

/** The SQL text of a compiled query for one engine. */
export function renderQuery(ast: QueryAst, src: QuerySource): string {
  const d = src.dialect;
  const from = fromClause(src);
  const where = render(ast.where, d);
  const limit = ast.limit === undefined ? '' : `\nLIMIT ${ast.limit}`;
  if (ast.kind === 'count') {
    const keys = ast.select.slice(0, ast.groupBy);
    const inner = `SELECT ${keys.map((s) => `${render(s.expr, d)} AS ${ident(s.as)}`).join(', ')}\nFROM ${from}\nWHERE ${where}${limit}`;
    const outer = ast.select.map((s, i) =>
      i < ast.groupBy ? ident(s.as) : `${render(s.expr, d)} AS ${ident(s.as)}`,
    );
    return `SELECT ${outer.join(', ')}\nFROM (\n${inner}\n) AS matched\nGROUP BY ${keys.map((s) => ident(s.as)).join(', ')}`;
  }
  const select = ast.select.map((s) => `${render(s.expr, d)} AS ${ident(s.as)}`).join(',\n  ');
  const order = ast.orderBy.length ? `\nORDER BY ${ast.orderBy.map((e) => render(e, d)).join(', ')}` : '';
  return `SELECT\n  ${select}\nFROM ${from}\nWHERE ${where}${order}${limit}`;
}

/** The DuckDB rendering over local JSON Lines files (tests compare it with the local engine). */
export function renderDuckDb(ast: QueryAst, files: readonly string[], layout?: KeyLayout): string {
  return renderQuery(ast, { dialect: 'duckdb', files, layout });
}

/** The Athena rendering over the table `events athena create` made. */
export function renderTrino(ast: QueryAst, database: string, table: string): string {
  return renderQuery(ast, { dialect: 'trino', database, table });
}
