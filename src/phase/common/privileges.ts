import { access, constants, lstat } from 'node:fs/promises';
import { wrapError } from '../../errors/index.js';
import { chownTree, dropPrivileges, isRoot } from '../../sys/index.js';

/** Options of `ensureOwnerAndDrop`. */
export interface PrivilegeOptions {
  /** `-uid` / CNB_USER_ID; undefined keeps the current user. */
  readonly uid?: number | undefined;
  /** `-gid` / CNB_GROUP_ID. */
  readonly gid?: number | undefined;
  /** Directories the phase writes as uid:gid: `<layers>`, `<cache-dir>`, `<launch-cache>`, `/kaniko`... */
  readonly dirs: readonly (string | undefined)[];
  /** Chown but stay root (e.g. the daemon socket must still be reachable); default false. */
  readonly keepRoot?: boolean;
}

function canWrite(st: { uid: number; gid: number; mode: number }, uid: number, gid: number): boolean {
  if (st.uid === uid) return true; // [REF] assumes the owner can write
  if (st.gid === gid && (st.mode & 0o020) !== 0) return true;
  return (st.mode & 0o002) !== 0;
}

/**
 * GEN-12 [REF]: as root, recursively chown each existing dir to uid:gid unless uid:gid can already write to
 * it, then drop to uid:gid (setgroups/setgid/setuid, irreversibly) unless `keepRoot`. Not root, or no uid/gid
 * given: nothing happens (the phase runs as whoever started it). Build every port that needs root (keychain
 * files, daemon client) before calling this. Failures are ERR_GENERIC ("chown volumes" / "exec as user").
 */
export async function ensureOwnerAndDrop(o: PrivilegeOptions): Promise<void> {
  if (!isRoot() || o.uid === undefined || o.gid === undefined) return;
  const { uid, gid } = o;
  for (const dir of o.dirs) {
    if (!dir) continue;
    try {
      const st = await lstat(dir).catch(() => undefined);
      if (!st || canWrite(st, uid, gid)) continue;
      await chownTree(dir, uid, gid);
    } catch (e) {
      throw wrapError(e, 'ERR_GENERIC', `chown volumes: ${dir}`);
    }
  }
  if (!o.keepRoot) dropPrivileges(uid, gid);
}

/** True when the current process can write to `dir` (it exists and is writable). */
export async function isWritableDir(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
