import { createHash } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LifecycleError } from '../errors/index.js';
import type { Digest } from '../oci/index.js';
import { systemClock, type Clock } from '../sys/index.js';
import { errnoCode } from './durable-fs.js';

/** Bump when the fingerprint recipe changes: every old record then simply misses. */
export const FINGERPRINT_VERSION = 'fp-v1';

/**
 * A layer directory's fingerprint: a sha256 over the sorted stat records of every entry (not the contents).
 * `newestChangeMs` and `takenAtMs` let the selector cache refuse "racily clean" fingerprints (see README).
 */
export interface Fingerprint {
  /** sha256 over version, salt, absolute root path and one record per entry. */
  readonly digest: Digest;
  /** Number of entries (the root included). */
  readonly entries: number;
  /** The latest mtime or ctime seen, in ms since the epoch. */
  readonly newestChangeMs: number;
  /** When fingerprinting started, from the injected clock, in ms since the epoch. */
  readonly takenAtMs: number;
  /**
   * True when some entry's mtime or ctime has a sub-second part, i.e. the file system keeps fine
   * timestamps (ext4, xfs, btrfs, overlayfs, tmpfs); then the racy window can be short. Absent or false:
   * assume the coarsest common granularity.
   */
  readonly fineTimestamps?: boolean;
}

/** Options of `fingerprintDir`. */
export interface FingerprintOptions {
  /** Parallel lstat/readdir calls (default 16). */
  readonly concurrency?: number;
  /** Anything else the layer bytes depend on (uid/gid, tar writer version, layer kind): part of the digest. */
  readonly salt?: string;
  readonly clock?: Clock;
}

function typeOf(mode: bigint): string {
  switch (Number(mode & 0o170000n)) {
    case 0o040000: return 'd';
    case 0o100000: return 'f';
    case 0o120000: return 'l';
    default: return 'o';
  }
}

/**
 * Fingerprints `dir` (LayerSelectorCache). For every entry, the root included: relative path, type, size,
 * mtime and ctime in ns, mode, uid, gid, inode, device and link count. ctime cannot be set from user space,
 * so any write, chmod, chown, rename or link is seen even when size and mtime are restored (`touch -d`).
 * Symlinks are not followed. lstat and readdir run in parallel, at most `concurrency` at a time; records are
 * sorted by path so the digest does not depend on scheduling. An entry that vanishes mid-walk is skipped.
 */
export async function fingerprintDir(dir: string, options: FingerprintOptions = {}): Promise<Fingerprint> {
  const root = resolve(dir);
  const takenAtMs = (options.clock ?? systemClock).now().getTime();
  const limit = Math.max(1, options.concurrency ?? 16);
  const records: Array<[string, string]> = [];
  let newest = 0n;
  let fine = false;
  const queue: string[] = ['.'];
  let active = 0;
  let failure: unknown;

  const visit = async (rel: string): Promise<void> => {
    const abs = rel === '.' ? root : join(root, rel);
    let st;
    try {
      st = await lstat(abs, { bigint: true });
    } catch (e) {
      if (errnoCode(e) === 'ENOENT' && rel !== '.') return;
      throw e;
    }
    const t = typeOf(st.mode);
    if (st.mtimeNs > newest) newest = st.mtimeNs;
    if (st.ctimeNs > newest) newest = st.ctimeNs;
    if (!fine && (st.mtimeNs % 1_000_000_000n !== 0n || st.ctimeNs % 1_000_000_000n !== 0n)) fine = true;
    records.push([rel, [t, st.size, st.mtimeNs, st.ctimeNs, st.mode, st.uid, st.gid, st.ino, st.dev, st.nlink].join(' ')]);
    if (t !== 'd') return;
    let names: string[];
    try {
      names = await readdir(abs);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT' && rel !== '.') return;
      throw e;
    }
    for (const n of names) queue.push(rel === '.' ? n : `${rel}/${n}`);
  };

  await new Promise<void>((done) => {
    const pump = () => {
      while (failure === undefined && active < limit && queue.length > 0) {
        const rel = queue.pop() as string;
        active++;
        visit(rel).then(
          () => { active--; pump(); },
          (e) => { failure ??= e; active--; pump(); },
        );
      }
      if (active === 0 && (queue.length === 0 || failure !== undefined)) done();
    };
    pump();
  });
  if (failure !== undefined) {
    throw new LifecycleError('ERR_IO', `fingerprint ${root}: ${(failure as Error).message}`, { cause: failure });
  }

  records.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const hash = createHash('sha256');
  hash.update(`${FINGERPRINT_VERSION}\0${options.salt ?? ''}\0${root}\0`);
  for (const [rel, rec] of records) hash.update(`${rel}\0${rec}\n`);
  return {
    digest: `sha256:${hash.digest('hex')}` as Digest,
    entries: records.length,
    newestChangeMs: Number(newest / 1_000_000n),
    takenAtMs,
    fineTimestamps: fine,
  };
}
