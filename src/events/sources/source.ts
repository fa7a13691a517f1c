import type { ObjectRef } from '../../core/objects.js';

/** Where objects come from: a bucket or a local copy. The reader needs nothing else of it. */
export interface ObjectSource {
  /** Every object, in key order, as the listing goes; nothing more is listed once `signal` aborts. */
  list(signal: AbortSignal): AsyncIterable<ObjectRef>;
  /** One object's bytes; aborting `signal` stops the transfer. */
  open(key: string, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> | AsyncIterable<Uint8Array>;
  /** True when an open() failure means the object vanished since listing (skip it, do not fail). */
  isGone(err: unknown): boolean;
}

/** A source ready to read, and what to release when done (the S3 client's sockets). */
export interface OpenedSource {
  source: ObjectSource;
  close(): void;
}

/** Skips objects nothing can be read from: "folder" markers and empty objects. */
export function isReadable(o: ObjectRef): boolean {
  // NaN size: not known (a local file listed without stat) — read it, an empty one yields nothing.
  return !o.key.endsWith('/') && !(o.size <= 0);
}
