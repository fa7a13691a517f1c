import { Command, CommanderError, Option } from 'commander';
import { CliError, ExitCode, InterruptedError } from './errors.js';
import { setColorOverride } from './ui/color.js';
import { interruptMessage } from './ui/interrupt.js';
import { reportError } from './ui/report-error.js';
import { VERSION } from './version.js';

/** Options every command sees, merged from the program and the command by commander. */
export interface GlobalOptions {
  debug?: boolean;
  color?: boolean;
}

export interface AwsOptions extends GlobalOptions {
  profile?: string;
  region?: string;
  endpointUrl?: string;
}

export interface BucketOptions {
  suffix?: string;
  bucket?: string;
}

export interface PrincipalOptions {
  datasyncRoleArn?: string;
  locationUserArn?: string;
}

type CommandModule = { run: (opts: never) => Promise<number> };
type Loader = () => Promise<CommandModule>;

function addAwsOptions(cmd: Command, regionHelp: string): Command {
  return cmd
    .option('--profile <name>', 'AWS profile from ~/.aws/config (default: AWS_PROFILE or the default chain)')
    .option('--region <region>', regionHelp)
    .option(
      '--endpoint-url <url>',
      'S3/STS endpoint to use instead of AWS (also AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL); implies path-style addressing',
    );
}

function addBucketOptions(cmd: Command): Command {
  return cmd
    .option('--suffix <suffix>', 'bucket suffix: the bucket is prophecy-customer-backend-events-<suffix>')
    .option('--bucket <name>', 'full bucket name, instead of --suffix');
}

function addPrincipalOptions(cmd: Command): Command {
  return cmd
    .option('--datasync-role-arn <arn>', "Prophecy's DataSync role, if Prophecy gave you a different one")
    .option('--location-user-arn <arn>', "Prophecy's s3access user, if Prophecy gave you a different one");
}

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** Commands are imported only when they run, so `--help` and `policy print` never load the AWS SDK. */
function lazy(load: Loader) {
  return async (_opts: unknown, cmd: Command) => {
    const mod = await load();
    process.exitCode = await mod.run(cmd.optsWithGlobals() as never);
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(): Command {
  const program = new Command('prophecy-audit')
    .description(
      "Receive Prophecy's audit logs in your own AWS account: create and check the S3 bucket that\nProphecy's DataSync copies into, print its policy, and query the synced events.",
    )
    .version(VERSION, '-V, --version', 'print the version')
    .option('--debug', 'show stack traces and AWS request ids on errors')
    .option('--no-color', 'disable colours (also NO_COLOR=1; colours are off when output is not a terminal)')
    // Settings made before .command() are inherited by every subcommand.
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      `\nExit codes: 0 ok, 1 a check failed, 2 usage/input/AWS error, 130 interrupted.${examples([
        'npx prophecy-audit setup',
        'prophecy-audit verify --suffix acme --json',
        'prophecy-audit policy print --suffix acme > policy.json',
        'prophecy-audit events query --suffix acme --entity Project --since 7d',
      ])}`,
    );

  const setup = program
    .command('setup')
    .description(
      'Create (or fix) the audit-log bucket: ask for suffix and region, show the plan, confirm, apply, check, and print what to send Prophecy.',
    );
  addBucketOptions(setup);
  addAwsOptions(setup, 'region for the bucket (default us-east-1, which Prophecy recommends)');
  addPrincipalOptions(setup)
    .option('-y, --yes', 'apply the plan without asking (required when stdin is not a terminal)')
    .option('--dry-run', 'show the plan and change nothing')
    .option('--json', 'print the plan/result as JSON on stdout')
    .action(lazy(() => import('./commands/setup.js')))
    .addHelpText(
      'after',
      `\nSafe to re-run: it merges into an existing policy (never drops your statements) and deletes nothing.\nExit codes: 0 done and every check passed, 1 applied but a check of the result failed, 2 input/AWS error,\n130 aborted (nothing changed).${examples(
        [
          'npx prophecy-audit setup',
          'prophecy-audit setup --suffix acme --region us-east-1 --yes',
          'prophecy-audit setup --suffix acme --dry-run --json',
        ],
      )}`,
    );

  const verify = program
    .command('verify')
    .description(
      'Check the bucket against what Prophecy needs: existence, region, ownership, policy grants, least privilege, public access, freshness.',
    );
  addBucketOptions(verify);
  addAwsOptions(verify, 'region the bucket is expected in (default us-east-1)');
  addPrincipalOptions(verify)
    .option('--json', 'print one JSON document on stdout (schemaVersion 1)')
    .option('--strict', 'treat warnings as failures (exit 1)')
    .option('--quiet', 'print only failed checks')
    .option('--max-age <duration>', 'fail unless the newest object is younger than this (e.g. 26h, 2d)')
    .action(lazy(() => import('./commands/verify.js')))
    .addHelpText(
      'after',
      `\nExit codes: 0 all checks passed, 1 a check failed (or warned, with --strict), 2 could not check.${examples(
        [
          'prophecy-audit verify --suffix acme',
          'prophecy-audit verify --suffix acme --max-age 26h --quiet   # in a crontab',
          'prophecy-audit verify --bucket my-bucket --region eu-west-1 --json | jq .ok',
        ],
      )}`,
    );

  const policy = program.command('policy').description('Work with the bucket policy Prophecy needs.');
  const print = policy
    .command('print')
    .description('Print the bucket policy as JSON on stdout (no AWS credentials or network needed).');
  addBucketOptions(print);
  addPrincipalOptions(print)
    .action(lazy(() => import('./commands/policy-print.js')))
    .addHelpText(
      'after',
      examples([
        'prophecy-audit policy print --suffix acme',
        'prophecy-audit policy print --suffix acme | jq .Statement[0].Action',
        'prophecy-audit policy print --bucket prophecy-customer-backend-events-acme > policy.json',
      ]),
    );

  const events = program.command('events').description('Find audit events Prophecy synced into the bucket.');
  const query = events
    .command('query')
    .description(
      'Stream audit events from the bucket (or a local copy) and filter them by entity, query name, user and time.',
    );
  addBucketOptions(query)
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
      ).choices(['table', 'ndjson', 'json', 'csv']),
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
    .option('--inspect', 'show which fields of the first records were recognised, then stop')
    .option(
      '--no-redact',
      'show secret-looking request parameters (passwords, tokens) instead of masking them',
    );
  addAwsOptions(query, 'region of the bucket (default from your AWS config)')
    .action(lazy(() => import('./commands/events-query.js')))
    .addHelpText(
      'after',
      `\nExit codes: 0 done (also when nothing matched), 2 bad flags, unreadable source, or with --strict an unparseable record.${examples(
        [
          'prophecy-audit events query --suffix acme --entity Project --query releaseProject --since 7d',
          'prophecy-audit events query --suffix acme --query setPassword --since 2026-10-01 --until 2026-11-01',
          'prophecy-audit events query --dir ./audit-copy --entity Git --user alice@ --output csv > git.csv',
          'prophecy-audit events query --suffix acme --since 24h --count',
        ],
      )}`,
    );

  events
    .command('catalog')
    .description(
      "Print Prophecy's reference of audit events: entity, query name, description, request parameters.",
    )
    .option('--entity <name>', 'only this entity')
    .option('--json', 'print JSON on stdout (schemaVersion 1)')
    .action(lazy(() => import('./commands/events-catalog.js')))
    .addHelpText(
      'after',
      examples([
        'prophecy-audit events catalog',
        'prophecy-audit events catalog --entity Git --json | jq .events[].query',
      ]),
    );

  return program;
}

function installSignalHandlers(): void {
  process.once('SIGINT', () => {
    process.stderr.write(`\n${interruptMessage()}\n`);
    process.exit(ExitCode.interrupted);
  });
  // A closed pipe (`| head`) is a normal way for a reader to stop listening.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

export async function main(argv: string[]): Promise<number> {
  installSignalHandlers();
  // The pinned SDK supports Node 20 but warns about future releases on every run; cron mails stderr,
  // so keep it quiet unless the user asked for the warning explicitly.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const debug = argv.includes('--debug');
  if (argv.includes('--no-color')) setColorOverride(false);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      ) {
        return ExitCode.ok;
      }
      // commander already printed the message
      return ExitCode.error;
    }
    if (isPromptExit(err)) return reportError(new InterruptedError(), debug);
    return reportError(err, debug);
  }
}

/** @inquirer/prompts throws ExitPromptError when the user presses Ctrl-C at a prompt. */
function isPromptExit(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}

export { CliError };
