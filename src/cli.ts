import { Command, CommanderError } from '@commander-js/extra-typings';
import { athenaCreateCommand, athenaDdlCommand } from './commands/events-athena/flags.js';
import { eventsCatalogCommand } from './commands/events-catalog/flags.js';
import { eventsQueryCommand } from './commands/events-query/flags.js';
import { exportCommand } from './commands/export/flags.js';
import { policyPrintCommand } from './commands/policy-print/flags.js';
import { revokeCommand } from './commands/revoke/flags.js';
import { setupCommand } from './commands/setup/flags.js';
import { examples } from './commands/shared/flags.js';
import { verifyCommand } from './commands/verify/flags.js';
import { type Context, processContext } from './context.js';
import { CliError, ExitCode, InterruptedError } from './errors.js';
import { setColorOverride } from './ui/color.js';
import { InterruptNote } from './ui/interrupt.js';
import { reportError } from './ui/report-error.js';
import { VERSION } from './version.js';

type CommandModule<F, I> = {
  parse(flags: F, ctx: Context): I | Promise<I>;
  run(ctx: Context, input: I): Promise<number>;
};

export function buildProgram({
  signal = new AbortController().signal,
  debug = false,
  interrupt = new InterruptNote(),
}: {
  signal?: AbortSignal;
  debug?: boolean;
  /** The run's Ctrl-C note, shared with the SIGINT handler. */
  interrupt?: InterruptNote;
} = {}) {
  /**
   * Commands are imported only when they run, so `--help` and `policy print` never load the AWS SDK. The
   * module's `parse` turns the flags commander inferred into the command's input once, at this edge.
   */
  const lazy =
    <F, I>(load: () => Promise<CommandModule<F, I>>) =>
    async (flags: F) => {
      const mod = await load();
      const ctx = processContext({ debug, signal, interrupt });
      process.exitCode = await mod.run(ctx, await mod.parse(flags, ctx));
    };

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
      `\nExit codes: 0 ok, 1 a check failed, 2 usage/input/AWS error, 130 interrupted, 143 SIGTERM.${examples(
        [
          'npx prophecy-audit setup',
          'prophecy-audit verify --suffix acme --json',
          'prophecy-audit policy print --suffix acme > policy.json',
          'prophecy-audit revoke --suffix acme --dry-run',
          'prophecy-audit export terraform --suffix acme > prophecy-audit.tf',
          'prophecy-audit events query --suffix acme --entity Project --since 7d',
        ],
      )}`,
    );

  // addCommand does not copy the parent's settings, so each child inherits them explicitly.
  const add = <C extends { copyInheritedSettings(parent: never): unknown }>(parent: object, child: C): C => {
    child.copyInheritedSettings(parent as never);
    return child;
  };

  program.addCommand(add(program, setupCommand()).action(lazy(() => import('./commands/setup/run.js'))));
  // `verify --policy-file` runs offline: its module loads no AWS SDK.
  const verifyLive = lazy(() => import('./commands/verify/run.js'));
  const verifyOffline = lazy(() => import('./commands/verify/offline.js'));
  program.addCommand(
    add(program, verifyCommand()).action((flags) =>
      flags.policyFile !== undefined ? verifyOffline(flags) : verifyLive(flags),
    ),
  );

  const exportRun = lazy(() => import('./commands/export/run.js'));
  program.addCommand(
    add(program, exportCommand()).action((format, flags) => exportRun({ ...flags, format })),
  );
  program.addCommand(add(program, revokeCommand()).action(lazy(() => import('./commands/revoke/run.js'))));

  const policy = program.command('policy').description('Work with the bucket policy Prophecy needs.');
  policy.addCommand(
    add(policy, policyPrintCommand()).action(lazy(() => import('./commands/policy-print/run.js'))),
  );

  const events = program.command('events').description('Find audit events Prophecy synced into the bucket.');
  events.addCommand(
    add(events, eventsQueryCommand()).action(lazy(() => import('./commands/events-query/run.js'))),
  );
  events.addCommand(
    add(events, eventsCatalogCommand()).action(lazy(() => import('./commands/events-catalog/run.js'))),
  );
  const athena = events
    .command('athena')
    .description(
      'Query years of events with Amazon Athena: print or create the table `events query --engine athena` uses.',
    );
  athena.addCommand(
    add(athena, athenaDdlCommand()).action(lazy(() => import('./commands/events-athena/ddl.js'))),
  );
  athena.addCommand(
    add(athena, athenaCreateCommand()).action(lazy(() => import('./commands/events-athena/create.js'))),
  );

  return program;
}

function installSignalHandlers(interrupt: AbortController, note: InterruptNote): void {
  // Ctrl-C and SIGTERM (a cron/CI timeout, `kill`) both stop the run saying what completed, if anything.
  const onSignal = (signal: 'SIGINT' | 'SIGTERM', code: number) => {
    process.on(signal, () => {
      const first = !interrupt.signal.aborted;
      // The reason tells a command that ends by itself which signal it was (130 or 143).
      interrupt.abort(signal);
      if (first && note.graceful) return;
      process.stderr.write(`\n${note.message()}\n`);
      // Clean-ups (e.g. StopQueryExecution for a running Athena query) are awaited within a time limit;
      // a second signal exits at once.
      if (!first || !note.hasCleanups) process.exit(code);
      void note.cleanup().finally(() => process.exit(code));
    });
  };
  onSignal('SIGINT', ExitCode.interrupted);
  onSignal('SIGTERM', ExitCode.terminated);
  // A closed pipe (`| head`) is a normal way for a reader to stop listening.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

export async function main(argv: string[]): Promise<number> {
  const interrupt = new AbortController();
  const note = new InterruptNote();
  installSignalHandlers(interrupt, note);
  // The pinned SDK supports Node 20 but warns about future releases on every run; cron mails stderr,
  // so keep it quiet unless the user asked for the warning explicitly.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const debug = argv.includes('--debug');
  if (argv.includes('--no-color')) setColorOverride(false);
  const program = buildProgram({ signal: interrupt.signal, debug, interrupt: note });
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
