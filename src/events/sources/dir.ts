import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { ObjectRef } from '../../core/objects.js';
import { UsageError } from '../../errors.js';
import type { OpenedSource } from './source.js';

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
      list: (signal) => listLocalObjects(root, prefix, signal, needStat),
      open: (key) => openLocalObject(root, key),
      isGone: (err) => (err as NodeJS.ErrnoException).code === 'ENOENT',
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
): AsyncGenerator<ObjectRef> {
  async function* walk(dir: string): AsyncGenerator<ObjectRef> {
    const entries = (await readdir(dir, { withFileTypes: true }))
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
      const st = await stat(path).catch(() => undefined);
      if (!st?.isFile()) continue;
      yield { key, size: st.size, lastModifiedMs: st.mtimeMs };
    }
  }
  yield* walk(root);
}

/** A file's bytes; the reader stops pulling (and the stream is destroyed) when it is aborted. */
export function openLocalObject(root: string, key: string): AsyncIterable<Uint8Array> {
  return createReadStream(join(root, ...key.split('/')), { highWaterMark: 64 * 1024 });
}
