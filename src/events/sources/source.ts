import type { ObjectRef } from '../../core/objects.js';

/** Where objects come from: a bucket or a local copy. The reader needs nothing else of it. */
export interface ObjectSource {
  /**
   * Every object, in key order, as the listing goes; nothing more is listed once `signal` aborts. A part
   * that cannot be listed (an unreadable folder, a truncated page without a continuation token) is told
   * to `onGap` and the listing goes on where it can; without `onGap` it throws.
   */
  list(signal: AbortSignal, onGap?: (gap: IncompleteObject) => void): AsyncIterable<ObjectRef>;
  /** One object's bytes; aborting `signal` stops the transfer. */
  open(
    key: string,
    signal: AbortSignal,
    opts?: OpenOptions,
  ): Promise<AsyncIterable<Uint8Array>> | AsyncIterable<Uint8Array>;
  /**
   * Why an open() or read failure concerns only that object (it vanished, is unreadable, changed, or the
   * transfer broke), as a few words for the list of incomplete objects; undefined when it concerns the
   * whole run (credentials, a missing bucket): then the run stops.
   */
  objectFailure(err: unknown): string | undefined;
  /**
   * True when an object's time (S3 LastModified) is when it was written, so it cannot hold newer events
   * and pruning by it needs no confirmation. A local copy's mtime can be anything (restored, touched).
   */
  timesAreUploads: boolean;
}

export interface OpenOptions {
  /** Open only this version (the ETag from onETag); a different one fails with objectFailure. */
  ifMatch?: string | undefined;
  /** Told the version being opened (an ETag, or size and mtime for a file). */
  onETag?: ((etag: string | undefined) => void) | undefined;
}

/**
 * What the reader records for an object it could not read completely, or a listing that stopped early
 * (`key` is then the prefix or folder, ending in `/` or empty).
 */
export interface IncompleteObject {
  key: string;
  what: 'object' | 'listing';
  reason: string;
}

/**
 * A whole object already in memory (a small local file): decodeText inflates and decodes it in one
 * synchronous step instead of streaming it through gunzip, which cost more than the data itself for the
 * small hourly objects of an export.
 */
export class WholeObject implements AsyncIterable<Uint8Array> {
  constructor(readonly bytes: Buffer) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    yield this.bytes;
  }
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
