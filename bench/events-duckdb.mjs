#!/usr/bin/env node
// The anchor for a full scan on one machine: DuckDB (@duckdb/node-api, read_json, 2 threads) over the same
// local copy. Run by bench/events.mjs under /usr/bin/time, as a whole process like the other rows.
//   node bench/events-duckdb.mjs count <dir>    counts per entity and query (like `events query --count`)
//   node bench/events-duckdb.mjs filter <dir> <out>   releaseProject events by alice, one JSON object a line
//   node bench/events-duckdb.mjs ndjson <dir> <out>   every event, one JSON object a line (unfiltered ndjson)
//   node bench/events-duckdb.mjs ndjson-same <dir> <out>   every event with the fields our ndjson has (time,
//     entity, query, user, outcome, failed, params, source {key, line}, raw): the same output, not just a copy
// (DuckDB's COPY writes the JSON itself, to the file <out>: it cannot finish a write to a pipe.)
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, dir, out = '/dev/stdout'] = process.argv.slice(2);
if (!dir || !['count', 'filter', 'ndjson', 'ndjson-same'].includes(mode ?? '')) {
  process.stderr.write('usage: events-duckdb.mjs count|filter|ndjson|ndjson-same <dir> [<out>]\n');
  process.exit(2);
}
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();
/** @param {string} [extra] */
const readJson = (extra = '') =>
  `read_json('${dir.replaceAll("'", "''")}/**/*.gz', format = 'newline_delimited', compression = 'gzip'${extra})`;
const src = readJson();
if (mode === 'count') {
  const r = await con.runAndReadAll(
    `SELECT nameHints[1] AS entity, opType AS query, count(*) AS count FROM ${src} GROUP BY ALL ORDER BY entity, count DESC, query`,
  );
  const groups = r.getRowObjectsJson().map((g) => ({ ...g, count: Number(g.count) }));
  const total = groups.reduce((n, g) => n + Number(g.count), 0);
  process.stdout.write(`${JSON.stringify({ schemaVersion: 1, total, groups }, null, 2)}\n`);
} else if (mode === 'ndjson-same') {
  // Our ndjson's fields, computed by DuckDB. What it does not do that we do: decode JSON-encoded parameter
  // values and mask secrets; and JSON has no line numbers in DuckDB, so `line` is a row number per file.
  // The record as a struct of its columns, as DuckDB's reader found them.
  const described = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
  const cols = described.getRowObjectsJson().map((r) => String(r.column_name));
  const raw = `{${cols.map((c) => `'${c.replaceAll("'", "''")}': "${c.replaceAll('"', '""')}"`).join(', ')}}`;
  await con.run(`COPY (SELECT
      strftime(epoch_ms(createdAt), '%Y-%m-%dT%H:%M:%S.%gZ') AS time,
      nameHints[1] AS entity, opType AS query, userEmail AS "user", responseCode AS outcome,
      (responseCode < 200 OR responseCode > 299) AS failed, requestParams AS params,
      {'key': filename, 'line': row_number() OVER (PARTITION BY filename)} AS source,
      ${raw} AS raw
    FROM ${src.replace(')', ', filename = true)')}) TO '${out.replaceAll("'", "''")}' (FORMAT json)`);
} else {
  const where =
    mode === 'filter' ? `WHERE opType = 'releaseProject' AND contains(lower(userEmail), 'alice')` : '';
  // DuckDB writes the JSON itself (newline-delimited), straight to stdout.
  await con.run(`COPY (SELECT * FROM ${src} ${where}) TO '${out.replaceAll("'", "''")}' (FORMAT json)`);
}
con.closeSync?.();
