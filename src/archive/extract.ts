import { chmodSync, closeSync, constants, fchmodSync, fchownSync, lchownSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, rmSync, symlinkSync, writeSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { LifecycleError } from '../errors/index.js';
import { readTar, type TarHeader } from './reader.js';
import { SafeTarget } from './safe-target.js';

/** Options of `extractTar`. */
export interface ExtractOptions {
  /** Rewrites each entry name (e.g. strips a prefix); `undefined` skips the entry. Runs before the safety checks. */
  readonly rename?: (name: string) => string | undefined;
  /** Ownership from the headers: 'auto' (default) applies it when running as root; 'always' / 'never'. */
  readonly owner?: 'auto' | 'always' | 'never';
  /** Maps header uid/gid before chown (e.g. to the CNB user). */
  readonly mapUid?: (uid: number) => number;
  readonly mapGid?: (gid: number) => number;
  /** OCI whiteouts (`.wh.<name>`, `.wh..wh..opq`): 'apply' (default) deletes; 'keep' writes them as files. */
  readonly whiteouts?: 'apply' | 'keep';
  /** Told about entries not materialized (fifos and devices: Node has no mknod). */
  readonly onSkip?: (name: string, reason: string) => void;
  /** Names the archive in errors (default "tar archive"). */
  readonly what?: string;
  /**
   * Told about every header in archive order, immediately before `rename` is called for the same entry and
   * before the safety checks, so a caller can record the headers without parsing the archive a second time.
   * Must not throw.
   */
  readonly onHeader?: (header: TarHeader) => void;
}

/** What an extraction did. */
export interface ExtractResult {
  /** Entries written (directories, files, links). */
  readonly written: number;
}

const SMALL = 1 << 20;
const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
const OPAQUE = '.wh..wh..opq';

function removeExisting(target: SafeTarget, path: string, st: Stats | undefined): void {
  if (!st) return;
  rmSync(path, { recursive: st.isDirectory(), force: true });
  target.forget(path);
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function isEexist(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === 'EEXIST';
}

/**
 * Runs `create` (which fails with EEXIST when `path` exists: O_EXCL, mkdir, symlink, link); on EEXIST the
 * existing entry is removed, never followed, and `create` runs once more. Creating first and looking only
 * on a conflict saves one lstat per entry when extracting into a new directory (the restorer's case).
 */
function createReplacing<T>(target: SafeTarget, path: string, create: () => T): T {
  try {
    return create();
  } catch (e) {
    if (!isEexist(e)) throw e;
  }
  removeExisting(target, path, lstatOrUndefined(path));
  return create();
}

/** The process umask, read once per extraction (undefined where it cannot be read: then modes are always set). */
function currentUmask(): number | undefined {
  try {
    const old = process.umask(0o022);
    process.umask(old);
    return old;
  } catch {
    return undefined;
  }
}

/** Owner to give a created entry (already mapped), or undefined when ownership is not applied. */
type Owner = { uid: number; gid: number } | undefined;

/**
 * Writes a new file (O_EXCL|O_NOFOLLOW, replacing whatever was at `path`) with its mode and owner set on the
 * open descriptor. fchmod is skipped when the umask cannot have changed the mode (no setuid/setgid/sticky
 * bit, no bit the umask clears); fchown runs before fchmod, since chown clears setuid/setgid bits.
 */
async function writeFile(target: SafeTarget, path: string, h: TarHeader, body: AsyncIterable<Buffer>, umask: number | undefined, owner: Owner): Promise<void> {
  const mode = h.mode & 0o7777;
  const needsChmod = umask === undefined || (mode & 0o7000) !== 0 || (mode & umask) !== 0;
  const finish = (fd: number): void => {
    if (owner) fchownSync(fd, owner.uid, owner.gid);
    if (needsChmod) fchmodSync(fd, mode);
  };
  if (h.size <= SMALL) {
    const parts: Buffer[] = [];
    let n = 0;
    for await (const c of body) (parts.push(c), (n += c.byteLength));
    const data = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, n);
    const fd = createReplacing(target, path, () => openSync(path, WRITE_FLAGS, mode));
    try {
      let off = 0;
      while (off < data.byteLength) off += writeSync(fd, data, off, data.byteLength - off);
      finish(fd);
    } finally {
      closeSync(fd);
    }
    return;
  }
  let fh;
  try {
    fh = await open(path, WRITE_FLAGS, mode);
  } catch (e) {
    if (!isEexist(e)) throw e;
    removeExisting(target, path, lstatOrUndefined(path));
    fh = await open(path, WRITE_FLAGS, mode);
  }
  try {
    for await (const c of body) await fh.write(c);
    finish(fh.fd);
  } finally {
    await fh.close();
  }
}

/**
 * Extracts a tar stream into `target`, safely (the restorer's and the cache's extractor):
 * - every path stays inside `target`: absolute names are rooted at `target`, `..` is rejected, nothing is
 *   written through a symlink (from the tar or pre-existing), hard links must point at a regular file inside;
 * - an existing path is replaced (never followed): every entry is created with a call that fails on an
 *   existing path (files O_EXCL|O_NOFOLLOW, mkdir, symlink, link), and only then is the old entry removed;
 * - directory modes are applied at the end (so read-only dirs can still receive their children), file modes
 *   and owners right away on the open descriptor (setuid bits included, umask not applied);
 * - OCI whiteouts delete what they name; ownership is applied when running as root (see ExtractOptions).
 * Violations fail with ERR_TAR naming the archive and the entry.
 */
export async function extractTar(source: Readable, target: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const what = options.what ?? 'tar archive';
  const safe = new SafeTarget(target, what);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const chown = options.owner === 'always' || ((options.owner ?? 'auto') === 'auto' && isRoot);
  const mapUid = options.mapUid ?? ((u: number) => u);
  const mapGid = options.mapGid ?? ((g: number) => g);
  const umask = currentUmask();
  const dirModes: Array<[string, number]> = [];
  const chownError = (path: string, e: unknown) => new LifecycleError('ERR_IO', `${what}: chown ${path}: ${(e as Error).message}`, { cause: e });
  let written = 0;

  for await (const { header: h, body } of readTar(source, what)) {
    options.onHeader?.(h);
    const name = options.rename ? options.rename(h.name) : h.name;
    if (name === undefined) continue;
    const parts = safe.segments(name);
    if (parts.length === 0) continue; // the root itself ("/" or "./")
    const base = parts[parts.length - 1] as string;
    if ((options.whiteouts ?? 'apply') === 'apply' && base.startsWith('.wh.')) {
      safe.ensureParents(name, parts, true);
      applyWhiteout(safe, name, parts, base);
      continue;
    }
    safe.ensureParents(name, parts, true);
    const path = safe.pathOf(parts);
    const owner: Owner = chown ? { uid: mapUid(h.uid), gid: mapGid(h.gid) } : undefined;
    let chowned = false;
    switch (h.type) {
      case 'directory': {
        let made = true;
        try {
          mkdirSync(path, { mode: 0o700 });
        } catch (e) {
          if (!isEexist(e)) throw e;
          const existing = lstatOrUndefined(path);
          if (existing?.isDirectory()) made = false;
          else createReplacing(safe, path, () => mkdirSync(path, { mode: 0o700 }));
        }
        safe.markDir(path);
        if (made) {
          safe.created.add(path);
          dirModes.push([path, h.mode & 0o7777]);
        }
        break;
      }
      case 'file': {
        try {
          await writeFile(safe, path, h, body, umask, owner);
        } catch (e) {
          if ((e as { syscall?: string }).syscall === 'fchown') throw chownError(path, e);
          throw e;
        }
        chowned = true;
        safe.created.add(path);
        break;
      }
      case 'symlink': {
        createReplacing(safe, path, () => symlinkSync(h.linkname, path));
        safe.created.add(path);
        break;
      }
      case 'link': {
        const tparts = safe.segments(h.linkname);
        if (tparts.length === 0) throw safe.error(name, `hard link to '${h.linkname}' points at the target root`);
        safe.ensureParents(name, tparts, false);
        const tpath = safe.pathOf(tparts);
        const tst = lstatOrUndefined(tpath);
        if (!tst || !tst.isFile()) throw safe.error(name, `hard link target '${h.linkname}' is not a regular file inside the target`);
        if (tpath === path) break;
        createReplacing(safe, path, () => linkSync(tpath, path));
        safe.created.add(path);
        break;
      }
      default:
        options.onSkip?.(name, `${h.type} entries are not materialized`);
        continue;
    }
    if (owner && !chowned) {
      try {
        lchownSync(path, owner.uid, owner.gid);
      } catch (e) {
        throw chownError(path, e);
      }
    }
    written++;
  }
  for (let i = dirModes.length - 1; i >= 0; i--) {
    const [p, m] = dirModes[i] as [string, number];
    chmodSync(p, m);
  }
  return { written };
}

function applyWhiteout(safe: SafeTarget, name: string, parts: string[], base: string): void {
  const dir = dirname(safe.pathOf(parts));
  if (base === OPAQUE) {
    // Opaque directory: hide everything below it that did not come from this archive.
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      if (!safe.created.has(p)) removeExisting(safe, p, lstatOrUndefined(p));
    }
    return;
  }
  const victim = base.slice('.wh.'.length);
  if (victim === '' || victim === '.' || victim === '..') throw safe.error(name, 'invalid whiteout name');
  const p = join(dir, victim);
  if (!safe.created.has(p)) removeExisting(safe, p, lstatOrUndefined(p));
}
