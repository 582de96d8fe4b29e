import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { LifecycleError } from '../errors/index.js';

/**
 * The confinement rules of the extractor, kept in one place. Entry names (absolute `/layers/...` as [REF]
 * writes them, or relative) are taken relative to the target root; a `..` segment is rejected; every parent
 * directory of a written path must be a real directory inside the root (never a symlink), so nothing is ever
 * written through a symlink, whether the symlink came from the tar or already existed on disk.
 */
export class SafeTarget {
  readonly root: string;
  /** Directories verified (or created) as real directories under root. */
  private readonly safeDirs = new Set<string>();
  /** Paths this extraction created (used by opaque whiteouts). */
  readonly created = new Set<string>();

  constructor(
    target: string,
    private readonly what: string,
  ) {
    mkdirSync(target, { recursive: true });
    this.root = realpathSync(target);
    this.safeDirs.add(this.root);
  }

  /** ERR_TAR naming the archive and the entry. */
  error(name: string, msg: string): LifecycleError {
    return new LifecycleError('ERR_TAR', `${this.what}: entry '${name}': ${msg}`);
  }

  /** Splits an entry name into safe segments; [] is the root itself. Rejects `..` and NUL. */
  segments(name: string): string[] {
    if (name.includes('\0')) throw this.error(name, 'name contains NUL');
    const parts = name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw this.error(name, "path contains '..' (would escape the target directory)");
    return parts;
  }

  /** The absolute path of a segment list. */
  pathOf(parts: readonly string[]): string {
    return parts.length === 0 ? this.root : join(this.root, ...parts);
  }

  /**
   * Makes sure every parent of `parts` is a real directory under root, creating missing ones (mode 0755
   * before umask) when `create`. Throws ERR_TAR for a symlink or non-directory parent.
   */
  ensureParents(name: string, parts: readonly string[], create: boolean): void {
    let dir = this.root;
    for (let i = 0; i < parts.length - 1; i++) {
      dir = join(dir, parts[i] as string);
      if (this.safeDirs.has(dir)) continue;
      let st;
      try {
        st = lstatSync(dir);
      } catch {
        st = undefined;
      }
      if (!st) {
        if (!create) throw this.error(name, `parent '${parts.slice(0, i + 1).join('/')}' does not exist`);
        mkdirSync(dir, { mode: 0o755 });
        this.created.add(dir);
      } else if (st.isSymbolicLink()) {
        throw this.error(name, `parent '${parts.slice(0, i + 1).join('/')}' is a symlink (refusing to write through it)`);
      } else if (!st.isDirectory()) {
        throw this.error(name, `parent '${parts.slice(0, i + 1).join('/')}' is not a directory`);
      }
      this.safeDirs.add(dir);
    }
  }

  /** Records `dir` as a verified real directory. */
  markDir(dir: string): void {
    this.safeDirs.add(dir);
  }

  /** Forgets `path` and everything below it (it was removed or replaced). */
  forget(path: string): void {
    const below = path + sep;
    for (const d of this.safeDirs) if (d === path || d.startsWith(below)) this.safeDirs.delete(d);
  }
}
