import {
  closeSync,
  createReadStream,
  type Dirent,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  type Stats,
  statSync,
} from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { ObjectRef } from '../../core/objects.js';
import { CliError, UsageError } from '../../errors.js';
import { type IncompleteObject, type OpenedSource, type OpenOptions, WholeObject } from './source.js';

/**
 * `--dir`: a local copy (`aws s3 sync` mirror or a sent export) read as if it were the bucket. Files are
 * stat'ed for size and mtime only with `needStat` (a time window prunes by mtime).
 */
export async function dirSource(
  dir: string,
  prefix: string | undefined,
  needStat: boolean,
  /**
   * Read small files with blocking calls: for a worker thread, where nothing else waits on its event
   * loop and a promise round trip per open, stat, read and close cost more than the calls themselves.
   */
  blocking = false,
): Promise<OpenedSource> {
  const root = resolve(dir);
  const st = await stat(root).catch(() => undefined);
  if (!st?.isDirectory())
    throw new UsageError(
      `--dir ${dir} is not a directory.`,
      'Pass the folder of a local copy, e.g. one made with `aws s3 sync`.',
    );
  return {
    source: {
      list: (signal, onGap) => listLocalObjects(root, prefix, signal, needStat, onGap, blocking),
      open: (key, _signal, opts) =>
        blocking ? openLocalObjectBlocking(root, key, opts) : openLocalObject(root, key, opts),
      objectFailure: fileFailure,
      timesAreUploads: false,
    },
    close: () => undefined,
  };
}

/**
 * The files of a local copy (`aws s3 sync` mirror or a sent export) as if they were objects: keys are
 * paths relative to `root` with `/` separators, sorted like S3 lists them, and mtime stands in for
 * LastModified. Directories are read one at a time, so only one folder's listing is in memory at once.
 */
export async function* listLocalObjects(
  root: string,
  prefix: string | undefined,
  signal: AbortSignal,
  /** Without a time window nothing needs mtime or size: skip the stat (an empty file yields nothing anyway). */
  needStat = true,
  /** Told each folder below `root` that cannot be read; without it, such a folder fails the listing. */
  onGap?: (gap: IncompleteObject) => void,
  /** Blocking calls (see dirSource). */
  blocking = false,
): AsyncGenerator<ObjectRef> {
  const statOf = (path: string) => (blocking ? statSync(path) : stat(path));
  const isFile = async (path: string) => {
    try {
      return (await statOf(path)).isFile();
    } catch {
      return false;
    }
  };
  async function* walk(dir: string): AsyncGenerator<ObjectRef> {
    let dirents: Dirent[];
    try {
      dirents = blocking
        ? readdirSync(dir, { withFileTypes: true })
        : await readdir(dir, { withFileTypes: true });
    } catch (err) {
      const reason = fileFailure(err);
      if (reason === undefined) throw err;
      const key = relative(root, dir).split(sep).join('/');
      if (key === '' || !onGap) {
        // One line: what could not be read and why (the folder's permissions are the fix).
        throw new CliError(`Cannot list --dir ${key === '' ? root : join(root, key)}: ${reason}.`, {
          cause: err,
        });
      }
      onGap({ key: `${key}/`, what: 'listing', reason: `folder could not be listed: ${reason}` });
      return;
    }
    const entries = dirents
      .filter((d) => d.isDirectory() || d.isFile() || d.isSymbolicLink())
      .map((d) => ({ name: d.name, isDir: d.isDirectory(), isLink: d.isSymbolicLink() }));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (signal.aborted) return;
      const path = join(dir, e.name);
      const key = relative(root, path).split(sep).join('/');
      if (e.isDir) {
        // Descend only where the prefix can still match.
        const asDir = `${key}/`;
        if (!prefix || asDir.startsWith(prefix) || prefix.startsWith(asDir)) yield* walk(path);
        continue;
      }
      if (prefix && !key.startsWith(prefix)) continue;
      // A link to a file is read; a link to a folder is not followed (it could loop).
      if (e.isLink && !(await isFile(path))) continue;
      if (!needStat) {
        yield { key, size: Number.NaN, lastModifiedMs: undefined };
        continue;
      }
      let st: Stats;
      try {
        st = await statOf(path);
      } catch (err) {
        // Gone since the folder was read: as if never listed. Anything else: listed, and opening it
        // reports why it cannot be read.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        yield { key, size: Number.NaN, lastModifiedMs: undefined };
        continue;
      }
      if (!st.isFile()) continue;
      yield { key, size: st.size, lastModifiedMs: st.mtimeMs };
    }
  }
  yield* walk(root);
}

/** Files up to this size are read whole (see WholeObject); larger ones stream. */
export const WHOLE_FILE_MAX = 256 * 1024;

/**
 * A file's bytes: small files whole, larger ones as a stream the reader stops pulling (and destroys) when
 * it is aborted. The "ETag" told to `onETag` is the size and mtime of the opened file, and a file whose
 * size or mtime differ from `ifMatch` fails with ECHANGED.
 */
export async function openLocalObject(
  root: string,
  key: string,
  opts: OpenOptions = {},
): Promise<AsyncIterable<Uint8Array>> {
  const path = join(root, ...key.split('/'));
  // Opening errors (ENOENT, EACCES) surface here rather than from the first read.
  const fh = await open(path, 'r');
  try {
    const st = await fh.stat();
    checkVersion(key, st, opts);
    if (st.isFile() && st.size <= WHOLE_FILE_MAX) {
      const bytes = await fh.readFile();
      await fh.close();
      return new WholeObject(bytes);
    }
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
  // The stream owns the handle from here and closes it when it ends or is destroyed.
  return fh.createReadStream({ highWaterMark: 64 * 1024 });
}

/** openLocalObject with blocking calls for a small file (see dirSource's `blocking`). */
export function openLocalObjectBlocking(
  root: string,
  key: string,
  opts: OpenOptions = {},
): AsyncIterable<Uint8Array> {
  const path = join(root, ...key.split('/'));
  const fd = openSync(path, 'r');
  let bytes: Buffer;
  try {
    const st = fstatSync(fd);
    checkVersion(key, st, opts);
    if (!st.isFile() || st.size > WHOLE_FILE_MAX)
      return createReadStream('', { fd, highWaterMark: 64 * 1024 });
    bytes = readFileSync(fd);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  closeSync(fd);
  return new WholeObject(bytes);
}

/** Tells `onETag` the file's version (size and mtime) and fails with ECHANGED when it is not `ifMatch`. */
function checkVersion(key: string, st: Stats, opts: OpenOptions): void {
  if (!opts.onETag && !opts.ifMatch) return;
  const etag = `${st.size}-${st.mtimeMs}`;
  if (opts.ifMatch !== undefined && opts.ifMatch !== etag) {
    throw Object.assign(new Error(`${key} changed since it was first read`), { code: 'ECHANGED' });
  }
  opts.onETag?.(etag);
}

const FILE_REASONS: Record<string, string> = {
  ENOENT: 'not found (listed, then gone)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a folder',
  EIO: 'input/output error',
  ECHANGED: 'changed while being read',
};

/** Why a file (or folder) could not be read, for the list of incomplete objects; undefined: not a file error. */
export function fileFailure(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return undefined;
  return FILE_REASONS[code] ?? `${code}: ${(err as Error).message.split('\n')[0]}`;
}
