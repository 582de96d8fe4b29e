import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { digestHex, isDigest, type Digest } from '../oci/index.js';
import { writeFileAtomic, type Logger } from '../sys/index.js';
import { errnoCode } from './durable-fs.js';
import type { Fingerprint } from './fingerprint.js';

/** What a fingerprint maps to: the layer's diffID and, when known, its compressed digest and size. */
export interface LayerRecord {
  /** sha256 of the uncompressed layer tar. */
  readonly diffId: Digest;
  /** sha256 of the compressed (gzip) blob, when the producer built one. */
  readonly digest?: Digest;
  /** Size in bytes of the compressed blob. */
  readonly size?: number;
}

/** The records directory's name inside a cache directory (next to REF's `committed/`, which ignores it). */
export const SELECTOR_DIR_NAME = 'layer-selectors-v1';

/**
 * A fingerprint whose newest mtime/ctime is within this many ms of the moment fingerprinting started is
 * "racily clean" (git's term): a write in the same timestamp tick could follow unseen. Such fingerprints are
 * not recorded. 2 s covers the coarsest common timestamp granularity (FAT).
 */
export const RACY_WINDOW_MS = 2000;

/**
 * The racy window on file systems with sub-second timestamps. File times come from the kernel's coarse
 * clock, which trails the real-time clock by at most one tick (≤ 10 ms at HZ=100), so a write that starts
 * after fingerprinting gets a time later than anything older than this window.
 */
export const FINE_RACY_WINDOW_MS = 50;

/** The racy window that applies to `fp` (short when its file system keeps sub-second times). */
export function racyWindowMs(fp: Fingerprint): number {
  return fp.fineTimestamps ? FINE_RACY_WINDOW_MS : RACY_WINDOW_MS;
}

/**
 * Fingerprint → layer records (jib's selector cache), so the exporter can skip re-tarring a layer directory
 * that has not changed since it was last tarred. One small JSON file per fingerprint, written atomically:
 * `<dir>/<fingerprint hex>.json` = `{"diffId", "digest"?, "size"?}`. A corrupt or unreadable record is a miss.
 * See src/cache/README.md for the rule and its limits.
 */
export class LayerSelectorCache {
  private constructor(
    readonly dir: string,
    private readonly logger?: Logger,
  ) {}

  /** A selector cache in `dir` (created on first record). */
  static at(dir: string, options: { logger?: Logger } = {}): LayerSelectorCache {
    return new LayerSelectorCache(dir, options.logger);
  }

  private file(fp: Fingerprint): string {
    return join(this.dir, `${digestHex(fp.digest)}.json`);
  }

  /** True when `fp` was taken too soon after the last change in its directory to be trusted later. */
  isRacy(fp: Fingerprint): boolean {
    return fp.newestChangeMs > fp.takenAtMs - racyWindowMs(fp);
  }

  /** The record for `fp`, or undefined (unknown, corrupt or unreadable record). */
  async lookup(fp: Fingerprint): Promise<LayerRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(fp), 'utf8');
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') this.logger?.debug(`layer selector ${this.file(fp)}: ${(e as Error).message}`);
      return undefined;
    }
    try {
      const v = JSON.parse(text) as Record<string, unknown>;
      if (!isDigest(v['diffId'])) return undefined;
      const rec: { diffId: Digest; digest?: Digest; size?: number } = { diffId: v['diffId'] };
      if (isDigest(v['digest'])) rec.digest = v['digest'];
      if (typeof v['size'] === 'number' && Number.isSafeInteger(v['size']) && v['size'] >= 0) rec.size = v['size'];
      return rec;
    } catch {
      return undefined;
    }
  }

  /**
   * Records what `fp`'s directory tarred to. Take `fp` *before* reading the directory's contents. Returns
   * false, recording nothing, when `fp` is racily clean (its directory changed within racyWindowMs(fp) of
   * fingerprinting, by the clock given to `fingerprintDir`).
   */
  async record(fp: Fingerprint, layer: LayerRecord): Promise<boolean> {
    if (this.isRacy(fp)) return false;
    await mkdir(this.dir, { recursive: true });
    const body: Record<string, unknown> = { diffId: layer.diffId };
    if (layer.digest !== undefined) body['digest'] = layer.digest;
    if (layer.size !== undefined) body['size'] = layer.size;
    await writeFileAtomic(this.file(fp), `${JSON.stringify(body)}\n`);
    return true;
  }

  /** Removes every record whose fingerprint is not in `keep` (call after an export with the current ones). */
  async prune(keep: Iterable<Fingerprint>): Promise<number> {
    const wanted = new Set([...keep].map((f) => `${digestHex(f.digest)}.json`));
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const n of names) {
      if (wanted.has(n)) continue;
      await rm(join(this.dir, n), { force: true, recursive: true });
      removed++;
    }
    return removed;
  }

}
