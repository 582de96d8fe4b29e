import { lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { createWalkState, entryFor, type TarEntry } from '../../archive/index.js';
import { LifecycleError } from '../../errors/index.js';

/** One file system entry as seen by a snapshot: a stat fingerprint (no contents are read). */
interface Seen {
  readonly dir: boolean;
  /** type, size, mtime and ctime (ns), mode, uid, gid, inode, link count. */
  readonly sig: string;
}

/**
 * A snapshot of a root file system: every entry below `root` (by container path, e.g. `/etc/passwd`) with a
 * stat fingerprint. ctime cannot be set from user space, so every write, chmod, chown, rename or link is seen
 * even when size and mtime are restored. Ignored paths (and everything below them) are not walked.
 */
export interface Snapshot {
  readonly root: string;
  readonly entries: ReadonlyMap<string, Seen>;
}

/** What changed between two snapshots. */
export interface SnapshotDiff {
  /** New or changed entries, sorted, with every ancestor directory that must be in the layer. */
  readonly changed: readonly string[];
  /** Deleted entries whose parent still exists (one whiteout each; children of a deleted dir are implied). */
  readonly deleted: readonly string[];
}

/**
 * The paths a snapshot never walks ([REF] kaniko's default ignore list plus the lifecycle's directories):
 * `/proc`, `/sys`, `/dev`, `/var/run`, every mount point below the root (from /proc/self/mountinfo), and
 * the caller's extra container paths (`<app>`, `<layers>`, `<platform>`, `<kaniko-dir>`).
 */
export function ignoredPaths(root: string, extra: readonly string[]): Set<string> {
  const r = resolve(root);
  const out = new Set(['/proc', '/sys', '/dev', '/var/run', ...extra.map((p) => posix.normalize(p))]);
  let info = '';
  try {
    info = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    /* not Linux, or no /proc: nothing more to ignore */
  }
  for (const line of info.split('\n')) {
    const mp = (line.split(' ')[4] ?? '').replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (mp === '' || mp === r) continue;
    if (r === '/') out.add(mp);
    else if (mp.startsWith(`${r}/`)) out.add(mp.slice(r.length));
  }
  out.delete('/');
  return out;
}

function sigOf(st: Stats): string {
  return [st.mode, st.size, st.mtimeMs, st.ctimeMs, st.uid, st.gid, st.ino, st.nlink].join(' ');
}

/** Takes a snapshot of `root`, skipping `ignore` (container paths). Synchronous walk, sorted names. */
export function takeSnapshot(root: string, ignore: ReadonlySet<string>): Snapshot {
  const r = resolve(root);
  const entries = new Map<string, Seen>();
  const stack: string[] = ['/'];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    let names: string[];
    try {
      names = readdirSync(join(r, dir));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new LifecycleError('ERR_EXTEND', `snapshot ${join(r, dir)}: ${(e as Error).message}`, { cause: e });
    }
    for (const n of names) {
      const p = dir === '/' ? `/${n}` : `${dir}/${n}`;
      if (ignore.has(p)) continue;
      let st: Stats;
      try {
        st = lstatSync(join(r, p), { bigint: false });
      } catch {
        continue; // vanished mid-walk
      }
      entries.set(p, { dir: st.isDirectory(), sig: sigOf(st) });
      if (st.isDirectory()) stack.push(p);
    }
  }
  return { root: r, entries };
}

/** The entries of `after` that are new or changed since `before`, plus deletions (see SnapshotDiff). */
export function diffSnapshots(before: Snapshot, after: Snapshot): SnapshotDiff {
  const changed = new Set<string>();
  for (const [p, s] of after.entries) {
    const b = before.entries.get(p);
    if (b && b.sig === s.sig) continue;
    changed.add(p);
    // ancestors go into the layer too (with their current metadata), as kaniko adds them
    for (let d = posix.dirname(p); d !== '/'; d = posix.dirname(d)) changed.add(d);
  }
  const deleted: string[] = [];
  for (const [p] of before.entries) {
    if (after.entries.has(p)) continue;
    const parent = posix.dirname(p);
    if (parent !== '/' && !after.entries.has(parent)) continue; // implied by the parent's whiteout
    if (parent !== '/' && before.entries.get(parent)?.dir && !after.entries.get(parent)?.dir) continue; // parent replaced by a non-dir
    deleted.push(p);
  }
  const sort = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { changed: [...changed].sort(sort), deleted: deleted.sort(sort) };
}

/** True when the diff is empty (no layer is written for it). */
export function isEmptyDiff(d: SnapshotDiff): boolean {
  return d.changed.length === 0 && d.deleted.length === 0;
}

/**
 * The tar entries of a diff layer: changed entries (real mode, ownership and mtime, as [REF] kaniko keeps them
 * when not reproducible; hard links within the layer as link entries), then one OCI whiteout
 * (`<dir>/.wh.<name>`) per deletion. Paths are absolute in the tar (`/etc/x`), as our layers are.
 */
export function* diffEntries(root: string, diff: SnapshotDiff): Generator<TarEntry> {
  const r = resolve(root);
  const state = createWalkState();
  const out: TarEntry[] = [];
  for (const p of diff.changed) {
    let st: Stats;
    try {
      st = lstatSync(join(r, p));
    } catch {
      continue;
    }
    const e = entryFor(join(r, p), p, st, st.uid, st.gid, state);
    if (e) out.push({ ...e, mtime: st.mtime });
  }
  for (const p of diff.deleted) {
    out.push({ path: posix.join(posix.dirname(p), `.wh.${posix.basename(p)}`), type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, data: new Uint8Array(0) });
  }
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  yield* out;
}
