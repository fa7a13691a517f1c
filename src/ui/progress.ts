import { paint, symbols } from './color.js';

/**
 * The one spinner module: a step indicator on stderr, an ora spinner on a terminal and plain lines
 * otherwise (cron logs, CI). ora is imported only when a spinner is really shown, to keep start-up fast.
 * `events query` uses the same object as a live progress line: it only updates and stops, which prints
 * nothing off a terminal.
 */
export interface Step {
  /** True when a spinner is drawing; false when steps end in plain lines. */
  readonly spinning: boolean;
  update(text: string): void;
  succeed(text?: string): void;
  warn(text?: string): void;
  fail(text?: string): void;
  /** Ends without a final line. */
  stop(): void;
  /** Runs `write` (output to the same screen) with the spinner hidden, so neither tears the other. */
  around(write: () => void): void;
}

type OraSpinner = {
  text: string;
  succeed(t?: string): unknown;
  warn(t?: string): unknown;
  fail(t?: string): unknown;
  stop(): unknown;
  clear(): unknown;
  render(): unknown;
};

/**
 * Whether a spinner may draw on `stream`: a terminal that reports a width (ora's redraw loops on a
 * pseudo-terminal without one), outside CI and dumb terminals.
 */
export function canSpin(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && stream.columns > 0 && env.CI !== 'true' && env.TERM !== 'dumb';
}

/** Starts a step on `stream`; `env` decides (with the stream) whether a spinner may draw. */
export async function startStep(
  text: string,
  stream: NodeJS.WriteStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Step> {
  const c = paint(stream);
  if (canSpin(stream, env)) {
    const { default: ora } = await import('ora');
    const spinner: OraSpinner = ora({ text, stream, color: 'cyan', isEnabled: true }).start();
    return {
      spinning: true,
      update: (t) => {
        spinner.text = t;
      },
      succeed: (t) => void spinner.succeed(t),
      warn: (t) => void spinner.warn(t),
      fail: (t) => void spinner.fail(t),
      stop: () => void spinner.stop(),
      around: (write) => {
        spinner.clear();
        write();
        spinner.render();
      },
    };
  }
  let current = text;
  const line = (symbol: string, t?: string) => stream.write(`${symbol} ${t ?? current}\n`);
  return {
    spinning: false,
    update: (t) => {
      current = t;
    },
    succeed: (t) => line(c.green(symbols.pass), t),
    warn: (t) => line(c.yellow(symbols.warn), t),
    fail: (t) => line(c.red(symbols.fail), t),
    stop: () => undefined,
    around: (write) => write(),
  };
}
