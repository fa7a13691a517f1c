import { paint, symbols } from './color.js';

/**
 * A step indicator on stderr: an ora spinner on a terminal, plain lines otherwise (cron logs,
 * CI). ora is imported only when a spinner is really shown, to keep start-up fast.
 */
export interface Step {
  update(text: string): void;
  succeed(text?: string): void;
  warn(text?: string): void;
  fail(text?: string): void;
}

type OraSpinner = {
  text: string;
  succeed(t?: string): unknown;
  warn(t?: string): unknown;
  fail(t?: string): unknown;
};

/**
 * Whether a spinner may draw on `stream`: a terminal that reports a width (ora's redraw loops on a
 * pseudo-terminal without one), outside CI and dumb terminals.
 */
export function canSpin(stream: NodeJS.WriteStream): boolean {
  return (
    stream.isTTY === true && stream.columns > 0 && process.env.CI !== 'true' && process.env.TERM !== 'dumb'
  );
}

export async function startStep(text: string, stream: NodeJS.WriteStream = process.stderr): Promise<Step> {
  const c = paint(stream);
  if (canSpin(stream)) {
    const { default: ora } = await import('ora');
    const spinner: OraSpinner = ora({ text, stream, color: 'cyan', isEnabled: true }).start();
    return {
      update: (t) => {
        spinner.text = t;
      },
      succeed: (t) => void spinner.succeed(t),
      warn: (t) => void spinner.warn(t),
      fail: (t) => void spinner.fail(t),
    };
  }
  let current = text;
  const line = (symbol: string, t?: string) => stream.write(`${symbol} ${t ?? current}\n`);
  return {
    update: (t) => {
      current = t;
    },
    succeed: (t) => line(c.green(symbols.pass), t),
    warn: (t) => line(c.yellow(symbols.warn), t),
    fail: (t) => line(c.red(symbols.fail), t),
  };
}
