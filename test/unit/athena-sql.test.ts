import { describe, expect, it } from 'vitest';
import { detectKeyLayout, partitionDays } from '../../src/events/athena/layout.js';
import {
  checkName,
  compileQuery,
  filterExpr,
  inferredQueriesOf,
  lit,
  partitionPredicate,
  renderDuckDb,
  renderExpr,
  renderTrino,
} from '../../src/events/athena/sql.js';
import { type EventFilter, NO_FILTER } from '../../src/events/filter.js';
import { pruneReason } from '../../src/events/key-dates.js';

const F = (over: Partial<EventFilter>): EventFilter => ({ ...NO_FILTER, ...over });
const trino = (f: Partial<EventFilter>, opts: Parameters<typeof compileQuery>[1] = {}) =>
  renderTrino(compileQuery(F(f), opts), 'prophecy_audit', 'events');
const DAY = 86_400_000;
const T = (iso: string) => Date.parse(iso);

/** The SQL with every string literal replaced by a placeholder: its structure. */
function structure(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'/g, "'?'");
}

describe('Trino rendering', () => {
  it('reads the table by quoted name and projects the record columns and "$path"', () => {
    const sql = trino({});
    expect(sql).toContain('FROM "prophecy_audit"."events"');
    expect(sql).toContain('CAST("opType" AS varchar) AS "opType"');
    expect(sql).toContain('json_format(CAST("nameHints" AS JSON)) AS "nameHints"');
    expect(sql).toContain('json_format(CAST("requestParams" AS JSON)) AS "requestParams"');
    expect(sql).toContain('"$path" AS "source_path"');
    expect(sql).toContain('WHERE trim("opType") <> \'\'');
    expect(sql).toMatch(/ORDER BY "createdAt", "\$path"$/);
  });

  it('matches --query and --entity case-insensitively, inferring the entity by query name', () => {
    const sql = trino({ queries: ['addFabric', 'ADDFABRIC', 'commit'], entities: ['Fabric'] });
    expect(sql).toContain("lower(trim(\"opType\")) IN ('addfabric', 'commit')");
    expect(sql).toContain(
      "nullif(trim(element_at(\"nameHints\", 1)), '') IS NOT NULL) AND (lower(nullif(trim(element_at(\"nameHints\", 1)), '')) IN ('fabric')",
    );
    const inferred = inferredQueriesOf(['Fabric']);
    expect(inferred).toContain('addfabric');
    expect(inferred).toContain('fabricdetailquery');
    expect(sql).toContain(
      `nullif(trim(element_at("nameHints", 1)), '') IS NULL) AND (lower(trim("opType")) IN (${inferred.map(lit).join(', ')}))`,
    );
  });

  it('an entity the catalog does not know is matched by the record hint only', () => {
    const sql = trino({ entities: ['Spaceship'] });
    expect(sql).toContain("IN ('spaceship')");
    expect(sql).not.toContain('IS NULL) AND');
  });

  it('matches --user as a substring with strpos, so % and _ are ordinary characters', () => {
    const sql = trino({ user: 'A_l%ice' });
    expect(sql).toContain('strpos(lower("userEmail"), \'a_l%ice\') > 0');
    expect(sql).not.toMatch(/\bLIKE\b/);
  });

  it('bounds createdAt (epoch s below 1e11, as the local reader reads it): since inclusive, until exclusive', () => {
    const sql = trino({ sinceMs: 1_700_000_000_000, untilMs: 1_700_000_360_000 });
    const time = 'CASE WHEN "createdAt" < 100000000000 THEN ("createdAt" * 1000) ELSE "createdAt" END';
    expect(sql).toContain(`(${time} >= 1700000000000)`);
    expect(sql).toContain(`(${time} < 1700000360000)`);
    expect(sql).toContain('("createdAt" > 0)');
  });

  it('--failed is a non-2xx all-digit code or a failure word', () => {
    const sql = trino({ failedOnly: true });
    expect(sql).toContain('WHEN "responseCode" IS NULL THEN FALSE');
    expect(sql).toContain('WHEN regexp_like(trim("responseCode"), \'^[0-9]+$\') THEN');
    expect(sql).toContain(
      '(try_cast(trim("responseCode") AS double) < 200) OR (try_cast(trim("responseCode") AS double) > 299)',
    );
    expect(sql).toContain(
      'ELSE regexp_like("responseCode", \'(?i)fail|error|denied|forbidden|unauthori[sz]ed|reject\') END',
    );
  });

  it('--limit is a validated integer; --count groups by entity and query', () => {
    expect(trino({}, { limit: 25 })).toMatch(/\nLIMIT 25$/);
    expect(() => trino({}, { limit: 1.5 })).toThrow(RangeError);
    expect(() => trino({}, { limit: 0 })).toThrow(RangeError);
    expect(() => trino({ sinceMs: Number.NaN })).toThrow(RangeError);
    const count = trino({ user: 'a' }, { count: true, limit: 10 });
    expect(count).toMatch(/^SELECT "entity", "query", count\(\*\) AS "count"\nFROM \(\nSELECT coalesce\(/);
    expect(count).toContain("WHEN lower(trim(\"opType\")) = 'addfabric' THEN 'Fabric'");
    expect(count).toContain('ELSE NULL END) AS "entity", trim("opType") AS "query"');
    expect(count).toMatch(/LIMIT 10\n\) AS matched\nGROUP BY "entity", "query"$/);
  });

  it('DuckDB renders the same AST with its own function names over read_json', () => {
    const ast = compileQuery(F({ entities: ['Fabric'], failedOnly: true }));
    const sql = renderDuckDb(ast, ["/tmp/it's/a.jsonl"]);
    expect(sql).toContain('list_extract("nameHints", 1)');
    expect(sql).toContain('regexp_matches(');
    expect(sql).toContain('CAST(to_json("nameHints") AS varchar)');
    expect(sql).toContain('"filename" AS "source_path"');
    expect(sql).toContain("read_json(['/tmp/it''s/a.jsonl'], format = 'newline_delimited'");
    expect(sql).not.toContain('element_at');
    expect(
      structure(sql).replaceAll('list_extract', 'element_at').replaceAll('regexp_matches', 'regexp_like'),
    ).toContain(
      structure(renderTrino(ast, 'd', 't'))
        .split('WHERE')[1]
        ?.split('ORDER BY')[0] as string,
    );
  });
});

describe('values reach the SQL only as escaped literals', () => {
  const attacks = [
    "x' OR '1'='1",
    "'; DROP TABLE events; --",
    "x'' OR 1=1 --",
    'back\\slash\\',
    '"double" quotes',
    '%_%',
    "unicode ' \u2019 \u02bc",
  ];

  it.each(attacks)('--user %j does not change the query structure', (user) => {
    const base = trino({ user: 'harmless' });
    const sql = trino({ user });
    expect(structure(sql)).toBe(structure(base));
    expect(sql).toContain(lit(user.toLowerCase()));
  });

  it.each(attacks)('--query/--entity %j (with --allow-unknown) stay literals too', (name) => {
    const base = trino({ queries: ['harmless'], entities: ['harmless'] });
    const sql = trino({ queries: [name], entities: [name] });
    expect(structure(sql)).toBe(structure(base));
  });

  it("doubles single quotes: x' OR '1'='1 becomes one literal", () => {
    expect(lit("x' OR '1'='1")).toBe("'x'' OR ''1''=''1'");
    expect(renderExpr(filterExpr(F({ user: "x' OR '1'='1" })), 'trino')).toContain(
      "strpos(lower(\"userEmail\"), 'x'' or ''1''=''1') > 0",
    );
    expect(() => lit('a\u0000b')).toThrow(RangeError);
  });

  it('database and table names are validated, not quoted around', () => {
    expect(checkName('table', 'Events_2026')).toBe('events_2026');
    for (const bad of ['events; DROP TABLE x', 'a"b', 'a`b', '1abc', '', 'a.b', 'x'.repeat(129)]) {
      expect(() => checkName('table', bad)).toThrow(RangeError);
      expect(() => renderTrino(compileQuery(NO_FILTER), 'db', bad)).toThrow(RangeError);
    }
  });
});

describe('partition predicates', () => {
  const ymd = detectKeyLayout(['exports/2026/10/01/a.jsonl.gz']);
  const hourly = detectKeyLayout(['2026/10/01/07/a.jsonl.gz']);
  const iso = detectKeyLayout(['p/dt=2026-10-01/a.jsonl']);
  const hive = detectKeyLayout(['p/year=2026/month=10/day=01/a.jsonl']);
  const since = T('2026-11-02T10:00:00Z');
  const until = T('2026-11-05T00:00:00Z');

  it('a window becomes a range on the projected column, one day of slack either side', () => {
    expect(renderExpr(partitionPredicate(ymd, since, until) as never, 'trino')).toBe(
      `("dt" >= '2026/11/01') AND ("dt" <= '2026/11/05')`,
    );
    expect(renderExpr(partitionPredicate(hourly, since, until) as never, 'trino')).toBe(
      `("dt" >= '2026/11/01/00') AND ("dt" <= '2026/11/05/23')`,
    );
    expect(renderExpr(partitionPredicate(iso, since, undefined) as never, 'trino')).toBe(
      `"dt" >= '2026-11-01'`,
    );
    expect(renderExpr(partitionPredicate(iso, undefined, until) as never, 'trino')).toBe(
      `"dt" <= '2026-11-05'`,
    );
    expect(partitionPredicate(ymd, undefined, undefined)).toBeUndefined();
    expect(partitionPredicate({ kind: 'none', reason: 'x' }, since, until)).toBeUndefined();
  });

  it('year=/month=/day= gets a year range plus an exact (year, month, day) bound', () => {
    const sql = renderExpr(
      partitionPredicate(hive, T('2026-12-31T12:00:00Z'), T('2027-01-02T00:00:00Z')) as never,
      'trino',
    );
    expect(sql).toBe(
      '("year" >= 2026) AND ("year" <= 2027) AND ' +
        '(("year" > 2026) OR (("year" = 2026) AND (("month" > 12) OR (("month" = 12) AND ("day" >= 30))))) AND ' +
        '(("year" < 2027) OR (("year" = 2027) AND (("month" < 1) OR (("month" = 1) AND ("day" <= 2)))))',
    );
  });

  it('appears in the query next to the createdAt bounds (Athena only)', () => {
    const sql = trino({ sinceMs: since }, { layout: ymd });
    expect(sql).toContain(`("dt" >= '2026/11/01')`);
    expect(sql).toContain(`END >= ${since})`);
  });

  it('keeps exactly the days the local engine does not prune by key date', () => {
    for (const sinceMs of [T('2026-11-02T00:00:00Z'), since, undefined]) {
      for (const untilMs of [T('2026-11-05T00:00:00Z'), T('2026-11-05T00:00:00.001Z'), undefined]) {
        const { fromDayMs, toDayMs } = partitionDays(sinceMs, untilMs);
        for (let d = T('2026-10-25T00:00:00Z'); d < T('2026-11-12T00:00:00Z'); d += DAY) {
          const key = `${new Date(d).toISOString().slice(0, 10).replaceAll('-', '/')}/x.jsonl`;
          const local = pruneReason(key, undefined, { sinceMs, untilMs }) === undefined;
          const kept = (fromDayMs === undefined || d >= fromDayMs) && (toDayMs === undefined || d <= toDayMs);
          expect(kept, `${key} ${sinceMs} ${untilMs}`).toBe(local);
        }
      }
    }
  });
});
