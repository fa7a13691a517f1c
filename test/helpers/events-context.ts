import { Writable } from 'node:stream';
import type { Context } from '../../src/context.js';
import { InterruptNote } from '../../src/ui/interrupt.js';

/** A stream that keeps what is written to it; a terminal of `columns` width when asked. */
export type CapturedStream = NodeJS.WriteStream & { text(): string };

export function captureStream(opts: { isTTY?: boolean; columns?: number } = {}): CapturedStream {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, {
    isTTY: opts.isTTY === true,
    columns: opts.columns,
    text: () => chunks.join(''),
  }) as unknown as CapturedStream;
}

/** 2026-11-25T12:00:00Z: the fixed "now" of these tests. */
export const NOW = Date.UTC(2026, 10, 25, 12);

/**
 * A context for running a command in-process: captured stdout/stderr (not terminals), an empty
 * environment, a fixed clock, an abort controller the test holds, and no prompts or AWS unless given.
 */
export function fakeContext(over: Partial<Context> = {}) {
  const stdout = captureStream();
  const stderr = captureStream();
  const interrupt = new AbortController();
  const ctx: Context = {
    stdout,
    stderr,
    stdinIsTTY: false,
    env: {},
    now: () => NOW,
    prompts: () => Promise.reject(new Error('this test asks no questions')),
    aws: () => {
      throw new Error('this test reaches no AWS');
    },
    signal: interrupt.signal,
    interrupt: new InterruptNote(),
    debug: false,
    ...over,
  };
  return {
    ctx,
    out: () => (ctx.stdout as CapturedStream).text(),
    err: () => (ctx.stderr as CapturedStream).text(),
    interrupt,
  };
}
