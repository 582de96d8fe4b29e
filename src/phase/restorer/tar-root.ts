import { LifecycleError } from '../../errors/index.js';

/** Splits a tar entry name into segments; `.` and empty segments are dropped, `..` is an ERR_TAR. */
export function tarSegments(name: string, what: string): string[] {
  const parts = name.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
  if (parts.includes('..')) throw new LifecycleError('ERR_TAR', `${what}: entry '${name}': '..' is not allowed`);
  return parts;
}

/**
 * Maps the entry names of a cached layer tar onto the layer's own directory. [REF] writes a buildpack layer
 * with absolute names (`/layers/<bp>/<layer>/...`) plus its parents (`/layers`, `/layers/<bp>`), and REF's
 * restorer extracts them at those absolute paths. We never write outside the target: the in-tar root of the
 * layer is `expected` (the current `<layers>/<bp>/<layer>`) or, when the tar was written with another
 * `<layers>` path, the first entry whose last segments are `tail` (e.g. `[<bp>, <layer>]`). Entries before the root (its parents) are
 * skipped; an entry outside the root after it makes the tar invalid (ERR_TAR), as does `..` anywhere.
 */
export class TarRootMapper {
  private root: string[] | undefined;
  private readonly expected: string[];

  constructor(
    expected: string,
    private readonly tail: readonly string[],
    private readonly what: string,
  ) {
    this.expected = tarSegments(expected, what);
  }

  /** True when the tar's root is the expected path (the current layer directory). */
  get rootIsExpected(): boolean {
    return this.root !== undefined && sameList(this.root, this.expected);
  }

  /** The in-tar root once found. */
  get rootSegments(): readonly string[] | undefined {
    return this.root;
  }

  /** The name relative to the layer directory ('' for the root itself), or undefined for a parent entry. */
  map(name: string): string | undefined {
    const parts = tarSegments(name, this.what);
    if (this.root === undefined) {
      if (isPrefix(this.expected, parts)) this.root = this.expected;
      else if (parts.length >= this.tail.length && sameList(parts.slice(parts.length - this.tail.length), this.tail)) this.root = parts;
      else return undefined; // before the root: its parents (skipped, so nothing is written)
    }
    const root = this.root;
    if (isPrefix(root, parts)) return parts.slice(root.length).join('/');
    if (isPrefix(parts, root)) return undefined; // a parent repeated after the root
    throw new LifecycleError('ERR_TAR', `${this.what}: entry '${name}' is outside the layer directory`);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** True when `prefix` is a (not necessarily proper) prefix of `parts`. */
function isPrefix(prefix: readonly string[], parts: readonly string[]): boolean {
  return prefix.length <= parts.length && prefix.every((x, i) => x === parts[i]);
}
