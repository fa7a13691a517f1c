import { createReadStream, type Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { ObjectRef } from '../../core/objects.js';
import { CliError, UsageError } from '../../errors.js';
import type { IncompleteObject, OpenedSource, OpenOptions } from './source.js';

/**
 * `--dir`: a local copy (`aws s3 sync` mirror or a sent export) read as if it were the bucket. Files are
 * stat'ed for size and mtime only with `needStat` (a time window prunes by mtime).
 */
export async function dirSource(
  dir: string,
  prefix: string | undefined,
  needStat: boolean,
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
      list: (signal, onGap) => listLocalObjects(root, prefix, signal, needStat, onGap),
      open: (key, _signal, opts) => openLocalObject(root, key, opts),
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
): AsyncGenerator<ObjectRef> {
  async function* walk(dir: string): AsyncGenerator<ObjectRef> {
    let dirents: Dirent[];
    try {
      dirents = await readdir(dir, { withFileTypes: true });
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
      if (e.isLink && !(await stat(path).catch(() => undefined))?.isFile()) continue;
      if (!needStat) {
        yield { key, size: Number.NaN, lastModifiedMs: undefined };
        continue;
      }
      let st: Awaited<ReturnType<typeof stat>>;
      try {
        st = await stat(path);
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

/**
 * A file's bytes; the reader stops pulling (and the stream is destroyed) when it is aborted. With
 * `onETag` or `ifMatch` the file is stat'ed first: its "ETag" is its size and mtime, and a file whose
 * size or mtime changed since that version fails with ECHANGED.
 */
export async function openLocalObject(
  root: string,
  key: string,
  opts: OpenOptions = {},
): Promise<AsyncIterable<Uint8Array>> {
  const path = join(root, ...key.split('/'));
  if (opts.onETag || opts.ifMatch) {
    const st = await stat(path);
    const etag = `${st.size}-${st.mtimeMs}`;
    if (opts.ifMatch !== undefined && opts.ifMatch !== etag) {
      throw Object.assign(new Error(`${key} changed since it was first read`), { code: 'ECHANGED' });
    }
    opts.onETag?.(etag);
  }
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  // Opening errors (ENOENT, EACCES) surface here rather than from the first read.
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => {
      stream.off('error', reject);
      resolve();
    });
    stream.once('error', reject);
  });
  return stream;
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
