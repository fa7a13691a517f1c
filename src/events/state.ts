import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { ObjectRef } from '../core/objects.js';
import { CliError } from '../errors.js';

/*
 * `events query --state <file>`: which objects' events were already delivered, so the next run (cron, or
 * a restarted --follow) emits only the events of objects that are new or changed since.
 *
 * Delivery is at least once per object: an object is recorded only after its events were written to
 * stdout, and the file is replaced atomically (temp file in the same folder, fsync, rename). A run that
 * dies after writing an object's events but before saving emits that object again next time; an object
 * is never skipped.
 */

export const STATE_FORMAT = 'prophecy-audit/events-state';
export const STATE_VERSION = 1;
/** Entries of objects last modified longer ago than this are dropped (unless --since reaches further). */
export const STATE_RETENTION_MS = 35 * 86_400_000;

const entrySchema = z.strictObject({
  /** The object's ETag as listed (a local copy: `mtime:<ms>`). */
  etag: z.string(),
  size: z.number().nonnegative(),
  /** LastModified (or mtime) in epoch ms, used for pruning. */
  modifiedMs: z.number(),
});

export const stateFileSchema = z.strictObject({
  format: z.literal(STATE_FORMAT),
  version: z.literal(STATE_VERSION),
  /** What the state is about: the source (bucket/prefix or folder) and the filters that select events. */
  scope: z.string(),
  /**
   * Objects last modified before this were delivered or are out of reach: they are not read again and
   * their entries are dropped (this is what keeps the file bounded).
   */
  horizonMs: z.number(),
  savedAt: z.string(),
  objects: z.record(z.string(), entrySchema),
});

export type StateFile = z.infer<typeof stateFileSchema>;
export type StateEntry = z.infer<typeof entrySchema>;

/** The change tag of a listed object: its ETag, or for a local file its mtime. */
export function tagOf(ref: ObjectRef): string | undefined {
  if (ref.etag !== undefined && ref.etag !== '') return ref.etag;
  return ref.lastModifiedMs === undefined ? undefined : `mtime:${ref.lastModifiedMs}`;
}

export type Verdict = 'new' | 'changed' | 'delivered';

/**
 * What was delivered, in memory; `--state` loads and saves it, `--follow` without a file keeps it only
 * for the run. `judge` says whether a listed object must be read.
 */
export class DeliveryState {
  readonly objects = new Map<string, StateEntry>();
  horizonMs: number | undefined;

  constructor(
    readonly scope: string,
    from?: StateFile,
  ) {
    if (from) {
      this.horizonMs = from.horizonMs;
      for (const [k, v] of Object.entries(from.objects)) this.objects.set(k, v);
    }
  }

  judge(ref: ObjectRef): Verdict {
    const prev = this.objects.get(ref.key);
    if (prev === undefined) {
      if (
        this.horizonMs !== undefined &&
        ref.lastModifiedMs !== undefined &&
        ref.lastModifiedMs < this.horizonMs
      )
        return 'delivered';
      return 'new';
    }
    const size = Number.isFinite(ref.size) ? ref.size : prev.size;
    return prev.etag === tagOf(ref) && prev.size === size ? 'delivered' : 'changed';
  }

  /** The entry an object had, for the note about a changed one. */
  previous(key: string): StateEntry | undefined {
    return this.objects.get(key);
  }

  deliver(ref: ObjectRef, nowMs: number): void {
    const etag = tagOf(ref);
    // Without a tag nothing could tell a change: such an object is read every time (never skipped).
    if (etag === undefined) return;
    this.objects.set(ref.key, {
      etag,
      size: Number.isFinite(ref.size) ? ref.size : 0,
      modifiedMs: ref.lastModifiedMs ?? nowMs,
    });
  }

  /**
   * Drops entries older than the horizon: the --since bound when given (nothing older is read anyway),
   * else 35 days ago. The horizon never moves back.
   */
  prune(nowMs: number, sinceMs: number | undefined): void {
    const horizon = sinceMs ?? nowMs - STATE_RETENTION_MS;
    this.horizonMs = Math.max(this.horizonMs ?? horizon, horizon);
    for (const [k, v] of this.objects) if (v.modifiedMs < this.horizonMs) this.objects.delete(k);
  }

  toFile(nowMs: number): StateFile {
    const objects: Record<string, StateEntry> = {};
    for (const k of [...this.objects.keys()].sort()) objects[k] = this.objects.get(k) as StateEntry;
    return {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      scope: this.scope,
      horizonMs: this.horizonMs ?? nowMs - STATE_RETENTION_MS,
      savedAt: new Date(nowMs).toISOString(),
      objects,
    };
  }
}

function stateError(path: string, what: string): CliError {
  return new CliError(`The state file ${path} ${what}.`, {
    hint: 'Nothing was read or written. Fix or move the file; delete it only to deliver every event again from the start.',
  });
}

/**
 * Reads a state file: undefined when it does not exist (the first run); exit 2 when it cannot be read,
 * is not this tool's state, or was written for another source or other filters — never silently from zero.
 */
export function loadState(path: string, scope: string): StateFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw stateError(path, `cannot be read (${(err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw stateError(path, 'is corrupt (not JSON)');
  }
  const head = z.object({ format: z.string(), version: z.unknown() }).safeParse(json);
  if (!head.success || head.data.format !== STATE_FORMAT)
    throw stateError(path, 'is not a prophecy-audit events state file');
  if (head.data.version !== STATE_VERSION)
    throw stateError(
      path,
      `has version ${JSON.stringify(head.data.version)}; this prophecy-audit reads version ${STATE_VERSION}`,
    );
  const parsed = stateFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw stateError(
      path,
      `is corrupt (${issue ? `${issue.path.join('.') || 'document'}: ${issue.message}` : 'invalid'})`,
    );
  }
  if (parsed.data.scope !== scope)
    throw new CliError(
      `The state file ${path} belongs to another query (${parsed.data.scope}); this one is ${scope}.`,
      { hint: 'Use one state file per source and filter set.' },
    );
  return parsed.data;
}

/** Writes the state atomically: a temp file in the same folder, fsync'ed, renamed over the old one. */
export function saveState(path: string, state: StateFile): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(state)}\n`);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  // The rename itself is durable once the folder is synced (best effort: not every platform allows it).
  try {
    const dfd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // ignore
  }
}
