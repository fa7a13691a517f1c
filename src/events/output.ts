import { Chalk, type ChalkInstance } from 'chalk';
import type { Context } from '../context.js';
import { colorEnabled } from '../ui/color.js';
import { EventCounter } from './count.js';
import type { EventFormat } from './formats/format.js';
import type { MatchSink } from './reader.js';
import type { IncompleteObject } from './sources/source.js';

const FLUSH_AT = 64 * 1024;

/** Colours for one of the context's streams, decided by the context's environment (and --no-color). */
export function colorFor(ctx: Pick<Context, 'env'>, stream: NodeJS.WriteStream): ChalkInstance {
  return new Chalk({ level: colorEnabled(stream, ctx.env) ? 1 : 0 });
}

/**
 * Batches text for a stream and honours back-pressure: `flush` returns a promise only when the stream's
 * buffer is full, and every waiting writer shares the same 'drain'.
 */
export class OutputWriter {
  private pending = '';
  private draining: Promise<void> | undefined;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    /** Called around each write to the terminal, e.g. to hide a spinner on the same screen. */
    private readonly around?: (write: () => void) => void,
  ) {}

  write(text: string): void {
    this.pending += text;
  }

  /**
   * Writes bytes (after any text still pending) and calls `written` once the stream has handed them on,
   * so their buffer may be filled again.
   */
  writeBytes(bytes: Uint8Array, written: () => void): void {
    this.flush(true);
    const write = () => {
      this.stream.write(bytes, () => written());
    };
    if (this.around) this.around(write);
    else write();
  }

  flush(force = false): Promise<void> | undefined {
    if (this.pending.length > 0 && (force || this.pending.length >= FLUSH_AT || this.around)) {
      const text = this.pending;
      this.pending = '';
      let ok = true;
      const write = () => {
        ok = this.stream.write(text);
      };
      if (this.around) this.around(write);
      else write();
      if (!ok && !this.draining) {
        this.draining = new Promise((resolve) => {
          const done = () => {
            this.stream.off('drain', done);
            this.stream.off('error', done);
            this.stream.off('close', done);
            this.draining = undefined;
            resolve();
          };
          this.stream.on('drain', done);
          this.stream.on('error', done);
          this.stream.on('close', done);
        });
      }
    }
    return this.draining;
  }

  async end(): Promise<void> {
    await this.flush(true);
  }

  /**
   * Writes everything buffered and resolves once the stream has handed it to the OS (its write callback):
   * what --state waits for before recording an object as delivered.
   */
  sync(): Promise<void> {
    const text = this.pending;
    this.pending = '';
    if (text.length === 0 && !((this.stream as { writableLength?: number }).writableLength ?? 0))
      return Promise.resolve();
    return new Promise((resolve, reject) => {
      const write = () => {
        this.stream.write(text, (err) => (err ? reject(err) : resolve()));
      };
      if (this.around) this.around(write);
      else write();
    });
  }
}

/** Where the reader hands matches (see MatchSink): writes them in a format, with back-pressure. */
export interface EventSink extends MatchSink {
  /**
   * Writes what comes after the last match and everything still buffered; `incomplete` lists what could
   * not be read (documents that can say so carry it).
   */
  finish(incomplete?: readonly IncompleteObject[]): Promise<void>;
}

/** Matched events, streamed in `format`. */
export function eventSink(format: EventFormat, out: OutputWriter): EventSink {
  let written = 0;
  return {
    wantsEvents: true,
    add(_facts, e) {
      if (!e) return;
      if (written === 0) out.write(format.header());
      out.write(format.event(e, written));
      written++;
    },
    flush: () => out.flush(),
    async finish(incomplete = []) {
      out.write(format.footer(written, incomplete));
      await out.end();
    },
  };
}

/** Counts only, per entity and query, written in `format` at the end. */
export function countSink(format: EventFormat, out: OutputWriter): EventSink {
  const counter = new EventCounter();
  return {
    wantsEvents: false,
    add(facts) {
      counter.add(facts.entity, facts.query);
    },
    flush: () => undefined,
    async finish(incomplete = []) {
      out.write(format.counts(counter.total, counter.sorted(), incomplete));
      await out.end();
    },
  };
}
