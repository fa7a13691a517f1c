import { Chalk, type ChalkInstance } from 'chalk';

let colorOverride: boolean | undefined;

/** `--no-color` wins over everything, then NO_COLOR, then FORCE_COLOR, then whether the stream is a TTY. */
export function setColorOverride(enabled: boolean | undefined): void {
  colorOverride = enabled;
}

export function colorEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (colorOverride === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (colorOverride === true) return true;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const cache = new Map<NodeJS.WriteStream, ChalkInstance>();

/** A chalk bound to one stream's colour decision (stdout and stderr may differ when one is piped). */
export function paint(stream: NodeJS.WriteStream = process.stderr): ChalkInstance {
  let c = cache.get(stream);
  if (!c) {
    c = new Chalk({ level: colorEnabled(stream) ? 1 : 0 });
    cache.set(stream, c);
  }
  return c;
}

export const symbols = {
  pass: '✔',
  warn: '⚠',
  fail: '✖',
  info: 'ℹ',
} as const;
