import { type AwsClientFactory, type AwsSettings, awsClientFactory } from './aws/factory.js';
import { InterruptNote } from './ui/interrupt.js';

/**
 * Everything a command touches outside its own logic, injected so a command can run in-process in a test
 * with fake streams, a fixed clock, scripted answers and fake AWS clients. The CLI builds the real one
 * (`processContext`); nothing under src/commands reaches for `process.*` directly.
 */
export interface Context {
  /** Data: the command's result, parseable when --json or piped. */
  stdout: NodeJS.WriteStream;
  /** People: progress, plans, warnings, errors. */
  stderr: NodeJS.WriteStream;
  /** Questions need a terminal on stdin and one to draw on (stderr). */
  stdinIsTTY: boolean;
  /** Input piped in (`verify --policy-file -`); a function, so stdin is only opened by a command that reads it. */
  stdin?: () => NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  /** Epoch milliseconds; tests pin it. */
  now(): number;
  /** Prompts are loaded only when a command asks (inquirer costs start-up time). */
  prompts(): Promise<Prompts>;
  /** AWS clients for the given settings; the SDK is loaded on first use. */
  aws(settings: AwsSettings): AwsClientFactory;
  /** Aborted on Ctrl-C/SIGTERM, so long reads stop promptly. */
  signal: AbortSignal;
  /** What Ctrl-C prints during this run: a step that changes things says what is done and how to resume. */
  interrupt: InterruptNote;
  debug: boolean;
}

/** The wizard's question kinds, with inquirer's signatures (a type-only import: nothing is loaded). */
export interface Prompts {
  input: typeof import('@inquirer/prompts').input;
  confirm: typeof import('@inquirer/prompts').confirm;
  search: typeof import('@inquirer/prompts').search;
}

/** The real context: this process's streams, clock and environment. */
export function processContext(options: {
  debug: boolean;
  signal: AbortSignal;
  interrupt?: InterruptNote;
}): Context {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY === true,
    stdin: () => process.stdin,
    env: process.env,
    now: () => Date.now(),
    prompts: async () => {
      const { input, confirm, search } = await import('@inquirer/prompts');
      return { input, confirm, search };
    },
    aws: (settings) => awsClientFactory(settings),
    signal: options.signal,
    interrupt: options.interrupt ?? new InterruptNote(),
    debug: options.debug,
  };
}
