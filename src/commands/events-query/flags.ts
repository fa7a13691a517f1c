import { Command, Option } from '@commander-js/extra-typings';
import { OUTPUT_FORMATS } from '../../events/formats/index.js';
import { withAthenaEngineFlags } from '../events-athena/flags.js';
import { collect, examples, withAwsFlags, withBucketFlags } from '../shared/flags.js';

export function eventsQueryCommand() {
  const cmd = new Command('query').description(
    'Stream audit events from the bucket (or a local copy) and filter them by entity, query name, user and time.',
  );
  const withFilters = withBucketFlags(cmd)
    .option('--dir <path>', 'read a local copy (e.g. from `aws s3 sync`) instead of the bucket')
    .option('--entity <name>', 'only this entity, e.g. Project (repeatable: any of them)', collect)
    .option('--query <name>', 'only this query name, e.g. releaseProject (repeatable: any of them)', collect)
    .option('--allow-unknown', 'accept --entity/--query names that are not in the catalog')
    .option('--user <user>', 'only events whose user, email or uid contains this (case-insensitive)')
    .option('--since <time>', 'only events at or after this time: ISO 8601 or a duration ago (24h, 7d)')
    .option('--until <time>', 'only events before this time: ISO 8601 or a duration ago')
    .option('--prefix <prefix>', 'only objects whose key starts with this')
    .option('--limit <n>', 'stop after this many matching events')
    .addOption(
      new Option(
        '--output <format>',
        'output format (default: table on a terminal, ndjson when piped)',
      ).choices(OUTPUT_FORMATS),
    )
    .option(
      '--csv-raw',
      "CSV: write cells exactly, without the ' that stops spreadsheets running =, +, -, @ as formulas",
    )
    .option('--count', 'print counts per entity and query instead of events')
    .option('--failed', 'only events whose response code is not 2xx')
    .option('--concurrency <n>', 'objects read at once (default 16)')
    .option(
      '--max-record-bytes <n>',
      'skip (and report) any record longer than this, so one huge line cannot exhaust memory (default 16777216)',
    )
    .option('--strict', 'exit 2 if any record cannot be parsed')
    .option(
      '--follow',
      'after reading, keep listing for new or changed objects and print their events as they arrive (Ctrl-C/SIGTERM to stop)',
    )
    .option('--poll <duration>', 'with --follow: how often to list again, e.g. 10s, 5m (default 30s)')
    .option(
      '--state <file>',
      'remember which objects were delivered; the next run prints only events of new or changed objects',
    )
    .option('--exit-code', 'exit 1 when at least one event matched, 0 when none (for alerts)')
    .option('--min-count <n>', 'exit 1 only when at least n events matched (bursts), else 0')
    .option('--inspect', 'show which fields of the first records were recognised, then stop')
    .option(
      '--no-redact',
      'show secret-looking request parameters (passwords, tokens) instead of masking them',
    );
  return withAwsFlags(
    withAthenaEngineFlags(withFilters),
    'region of the bucket (default from your AWS config)',
  ).addHelpText(
    'after',
    `\nWith --engine athena the same filters run as one Athena SQL query on the table \`events athena create\` made\n(--dir, --prefix, --inspect, --concurrency, --max-record-bytes, --strict, --follow, --poll, --state,\n--exit-code and --min-count do not apply; see docs/athena.md).\nExit codes: 0 done (also when nothing matched, unless --exit-code/--min-count), 1 with --exit-code at least one
event matched (--min-count n: at least n), 2 bad flags, unreadable source or state file, an
incomplete answer (the objects are named), or with --strict an unparseable record, 130 Ctrl-C, 143 SIGTERM
(--follow/--state: after the last complete line, state saved).

--state delivers at least once per object: an object is emitted again if the run dies after writing its
events but before saving the state; it is never skipped.\n${examples([
      'prophecy-audit events query --suffix acme --entity Project --query releaseProject --since 7d',
      'prophecy-audit events query --suffix acme --query setPassword --since 2026-10-01 --until 2026-11-01',
      'prophecy-audit events query --dir ./audit-copy --entity Git --user alice@ --output csv > git.csv',
      'prophecy-audit events query --suffix acme --since 24h --count',
      'prophecy-audit events query --suffix acme --state /var/lib/prophecy-audit/state.json >> /var/log/prophecy-events.ndjson',
      'prophecy-audit events query --suffix acme --state ./state.json --follow --poll 1m | vector --config siem.toml',
      'prophecy-audit events query --suffix acme --since 1h --query setPassword --query addteamAdmin --exit-code --output table || mail -s "Prophecy admin changes" secops@example.com',
      'prophecy-audit events query --suffix acme --since 15m --failed --user bob@ --min-count 50 --count',
      'prophecy-audit events query --suffix acme --engine athena --since 365d --entity Git --output csv > git.csv',
    ])}`,
  );
}

export type EventsQueryFlags = ReturnType<ReturnType<typeof eventsQueryCommand>['opts']>;
