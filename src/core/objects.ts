/**
 * Objects as the listing layer reports them, shared by src/aws (S3) and the events sources (S3 or a
 * local copy). Plain data: nothing here knows where the listing came from.
 */

/** One entry of a listing: an S3 object, or a file of a local copy standing in for one. */
export interface ObjectRef {
  key: string;
  /** Bytes; NaN when not known (a local file listed without stat). */
  size: number;
  /** LastModified (or a file's mtime) in epoch ms; undefined when the listing did not say. */
  lastModifiedMs: number | undefined;
  /** The ETag as listed (S3): to re-read exactly that version, and how `--state`/`--follow` tell changes. */
  etag?: string | undefined;
}

/** The most recently written object of a listing, and how many objects it held (verify's freshness). */
export interface NewestObject {
  key: string;
  lastModified: Date;
  count: number;
}
