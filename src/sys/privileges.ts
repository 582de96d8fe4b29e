import { lchown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LifecycleError } from '../errors/index.js';

/** True when the process runs as root (POSIX); false on Windows. */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The current uid/gid (0/0 on Windows, where ownership does not apply). */
export function currentIds(): { uid: number; gid: number } {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/**
 * GEN-12: recursively chowns `path` to uid:gid when it exists and is not already owned by them. Symlinks
 * are chowned themselves (lchown), never followed. A missing path is ignored.
 */
export async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  let st;
  try {
    st = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (st.uid !== uid || st.gid !== gid) await lchown(path, uid, gid);
  if (!st.isDirectory()) return;
  const entries = await readdir(path);
  // Bounded fan-out: chown children in slices so huge trees do not open thousands of handles at once.
  for (let i = 0; i < entries.length; i += 64) {
    await Promise.all(entries.slice(i, i + 64).map((e) => chownTree(join(path, e), uid, gid)));
  }
}

/**
 * GEN-12: drops root to uid:gid for the rest of the process (supplementary groups cleared, then gid, then
 * uid, so root cannot be regained). A no-op when not root or when uid:gid is already the current identity.
 */
export function dropPrivileges(uid: number, gid: number): void {
  if (!isRoot() || (uid === 0 && gid === 0)) return;
  try {
    process.setgroups?.([gid]);
    process.setgid?.(gid);
    process.setuid?.(uid);
  } catch (e) {
    throw new LifecycleError('ERR_GENERIC', `failed to drop privileges to ${uid}:${gid}: ${(e as Error).message}`, { cause: e });
  }
}
