#!/usr/bin/env node
// The anchor for a full scan on one machine: DuckDB (@duckdb/node-api, read_json, 2 threads) over the same
// local copy. Run by bench/events.mjs under /usr/bin/time, as a whole process like the other rows.
//   node bench/events-duckdb.mjs count <dir>    counts per entity and query (like `events query --count`)
//   node bench/events-duckdb.mjs filter <dir> <out>   releaseProject events by alice, one JSON object a line
//   node bench/events-duckdb.mjs ndjson <dir> <out>   every event, one JSON object a line (unfiltered ndjson)
// (DuckDB's COPY writes the JSON itself, to the file <out>: it cannot finish a write to a pipe.)
import { DuckDBInstance } from '@duckdb/node-api';

const [mode, dir, out = '/dev/stdout'] = process.argv.slice(2);
if (!dir || !['count', 'filter', 'ndjson'].includes(mode ?? '')) {
  process.stderr.write('usage: events-duckdb.mjs count|filter|ndjson <dir>\n');
  process.exit(2);
}
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();
const src = `read_json('${dir.replaceAll("'", "''")}/**/*.gz', format = 'newline_delimited', compression = 'gzip')`;
if (mode === 'count') {
  const r = await con.runAndReadAll(
    `SELECT nameHints[1] AS entity, opType AS query, count(*) AS count FROM ${src} GROUP BY ALL ORDER BY entity, count DESC, query`,
  );
  const groups = r.getRowObjectsJson().map((g) => ({ ...g, count: Number(g.count) }));
  const total = groups.reduce((n, g) => n + Number(g.count), 0);
  process.stdout.write(`${JSON.stringify({ schemaVersion: 1, total, groups }, null, 2)}\n`);
} else {
  const where =
    mode === 'filter' ? `WHERE opType = 'releaseProject' AND contains(lower(userEmail), 'alice')` : '';
  // DuckDB writes the JSON itself (newline-delimited), straight to stdout.
  await con.run(`COPY (SELECT * FROM ${src} ${where}) TO '${out.replaceAll("'", "''")}' (FORMAT json)`);
}
con.closeSync?.();
