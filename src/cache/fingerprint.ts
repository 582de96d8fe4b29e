import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
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

/** True when `st`'s mtime or ctime has a sub-second part: its file system keeps fine timestamps. */
export function hasSubSecondTimes(st: { readonly mtimeNs: bigint; readonly ctimeNs: bigint }): boolean {
  return st.mtimeNs % 1_000_000_000n !== 0n || st.ctimeNs % 1_000_000_000n !== 0n;
}

/** Options of `fingerprintDir`. */
export interface FingerprintOptions {
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
 * Symlinks are not followed; records are sorted by path. An entry that vanishes mid-walk is skipped.
 * The walk is synchronous on purpose: for 51,000 entries it takes ~0.4 s where a bounded-parallel async
 * walk took ~1.6 s (bench/RESULTS.md, bench 3), and stat calls are metadata-only (page-cache hits).
 */
export async function fingerprintDir(dir: string, options: FingerprintOptions = {}): Promise<Fingerprint> {
  const root = resolve(dir);
  const takenAtMs = (options.clock ?? systemClock).now().getTime();
  const records: Array<[string, string]> = [];
  let newest = 0n;
  let fine = false;
  const stack: string[] = ['.'];
  try {
    while (stack.length > 0) {
      const rel = stack.pop() as string;
      const abs = rel === '.' ? root : join(root, rel);
      let st;
      try {
        st = lstatSync(abs, { bigint: true });
      } catch (e) {
        if (errnoCode(e) === 'ENOENT' && rel !== '.') continue;
        throw e;
      }
      const t = typeOf(st.mode);
      if (st.mtimeNs > newest) newest = st.mtimeNs;
      if (st.ctimeNs > newest) newest = st.ctimeNs;
      if (!fine && hasSubSecondTimes(st)) fine = true;
      records.push([rel, [t, st.size, st.mtimeNs, st.ctimeNs, st.mode, st.uid, st.gid, st.ino, st.dev, st.nlink].join(' ')]);
      if (t !== 'd') continue;
      let names: string[];
      try {
        names = readdirSync(abs);
      } catch (e) {
        if (errnoCode(e) === 'ENOENT' && rel !== '.') continue;
        throw e;
      }
      for (const n of names) stack.push(rel === '.' ? n : `${rel}/${n}`);
    }
  } catch (e) {
    throw new LifecycleError('ERR_IO', `fingerprint ${root}: ${(e as Error).message}`, { cause: e });
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
