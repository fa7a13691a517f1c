import { Command, Option, type OptionValues } from '@commander-js/extra-typings';
import { DEFAULT_DATABASE, DEFAULT_TABLE } from '../../events/athena/ddl.js';
import { examples, withAwsFlags, withBucketFlags } from '../shared/flags.js';

/** --database/--table, shared by `events athena ddl|create` and `events query --engine athena`. */
function withTableFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .option('--database <name>', `Athena database (default ${DEFAULT_DATABASE})`)
    .option('--table <name>', `Athena table (default ${DEFAULT_TABLE})`);
}

function withRunFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .option('--workgroup <name>', "Athena workgroup to run in (default: Athena's primary)")
    .option(
      '--output-location <s3-uri>',
      'where Athena writes query results (s3://bucket/path/), when the workgroup does not set one',
    );
}

/** The options `events query` gains for `--engine athena` (one call in its flags.ts). */
export function withAthenaEngineFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return withRunFlags(
    withTableFlags(
      cmd.addOption(
        new Option(
          '--engine <engine>',
          'where the filters run: local (this process reads the objects) or athena (one SQL query on the table `events athena create` made)',
        ).choices(['local', 'athena'] as const),
      ),
    ),
  );
}

const EXIT_CODES = 'Exit codes: 0 done, 2 bad flags or an AWS/Athena error, 130 interrupted or declined.';

export function athenaDdlCommand() {
  const cmd = new Command('ddl').description(
    'Print (stdout only, nothing is changed) the Athena DDL for the export: a JSON Lines table with partition projection on the date in the keys.',
  );
  return withAwsFlags(
    withTableFlags(
      withBucketFlags(cmd).option(
        '--prefix <prefix>',
        'the folder the export lives under (default: the whole bucket)',
      ),
    ),
    'region of the bucket (default from your AWS config)',
  ).addHelpText(
    'after',
    `\nLists up to 5,000 keys under the prefix to find the date layout (YYYY/MM/DD[/HH], dt=YYYY-MM-DD,\nyear=/month=/day=); keys without a date folder give an unpartitioned table (said on stderr).\n${EXIT_CODES}${examples(
      [
        'prophecy-audit events athena ddl --suffix acme > audit-table.sql',
        'prophecy-audit events athena ddl --bucket my-copy --prefix audit/ --database security --table prophecy',
      ],
    )}`,
  );
}

export function athenaCreateCommand() {
  const cmd = new Command('create').description(
    'Create the Athena database and table for the export (plan, confirm, apply). Idempotent: the same table is [no change].',
  );
  return withAwsFlags(
    withRunFlags(
      withTableFlags(
        withBucketFlags(cmd).option(
          '--prefix <prefix>',
          'the folder the export lives under (default: the whole bucket)',
        ),
      ),
    ),
    'region of the bucket and of Athena (default from your AWS config)',
  )
    .option('-y, --yes', 'apply without asking (required when stdin is not a terminal)')
    .option(
      '--replace',
      'drop and re-create a table whose definition differs (the data in S3 is not touched)',
    )
    .addHelpText(
      'after',
      `\nA table that exists with the same definition is left alone ([no change]); one that differs only in its\nprojected date range is too (say --replace to extend the range). Any other difference is refused unless\n--replace. DDL statements are not billed by Athena.\n${EXIT_CODES}${examples(
        [
          'prophecy-audit events athena create --suffix acme --output-location s3://acme-athena-results/',
          'prophecy-audit events athena create --suffix acme --workgroup audit --yes',
          'prophecy-audit events query --suffix acme --engine athena --since 90d --count',
        ],
      )}`,
    );
}

export type AthenaDdlFlags = ReturnType<ReturnType<typeof athenaDdlCommand>['opts']>;
export type AthenaCreateFlags = ReturnType<ReturnType<typeof athenaCreateCommand>['opts']>;
