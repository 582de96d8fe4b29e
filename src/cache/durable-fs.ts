import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Small durability helpers. A rename is atomic but not durable until the directory holding the new name
 * is fsynced; a file's bytes are not durable until the file is fsynced. Crash safety of the caches rests on
 * "fsync the file, rename, fsync the directory".
 */

/** fsyncs a file or directory by path. Directory fsync is not supported everywhere: EISDIR/EINVAL/EPERM are ignored. */
export async function fsyncPath(path: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r');
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw e;
  } finally {
    await fh?.close();
  }
}

/** Renames `from` to `to` and fsyncs the parent directory (or both parents when they differ). */
export async function renameDurable(from: string, to: string): Promise<void> {
  await rename(from, to);
  await fsyncPath(dirname(to));
  if (dirname(from) !== dirname(to)) await fsyncPath(dirname(from));
}

/** True when `path` exists (symlinks followed). Errors other than ENOENT are thrown. */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** A unique temp name inside `dir` (same file system as the final name, so rename is atomic). */
export function tempName(dir: string, hint: string): string {
  return join(dir, `.tmp-${hint.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40)}-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Removes a path, ignoring errors (best-effort cleanup in `finally`). */
export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true }).catch(() => undefined);
}

/** The errno code of an error, if any. */
export function errnoCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}
