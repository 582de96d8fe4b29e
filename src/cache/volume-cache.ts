import { createReadStream } from 'node:fs';
import { link, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { LifecycleError, wrapError } from '../errors/index.js';
import type { Layer } from '../image/index.js';
import { FileLayer } from '../layer/index.js';
import type { Digest } from '../oci/index.js';
import type { Logger } from '../sys/index.js';
import { errnoCode, exists, fsyncPath, removeQuietly, renameDurable } from './durable-fs.js';
import { CACHE_METADATA_LABEL, emptyCacheMetadata, encodeCacheMetadata, parseCacheMetadata, type CacheMetadata } from './metadata.js';
import { writeTemp } from './temp-write.js';
import type { AddLayerOptions, Cache, CommitResult } from './types.js';
import { hashFile, verified } from './verify.js';
import { VOLUME_CACHE_DIRS, diffIdFileName, diffIdFileNames, prepareVolume } from './volume-layout.js';

/** Points at which a test may stop the process (fault injection for crash-safety tests only). */
export type VolumeCachePoint =
  | 'layer-temp-written'
  | 'metadata-temp-written'
  | 'staging-synced'
  | 'committed-moved-to-backup'
  | 'staging-moved-to-committed'
  | 'backup-removed';

/** Options of `VolumeCache.open`. */
export interface VolumeCacheOptions {
  readonly logger?: Logger;
  /** Fault injection: awaited at each point (tests only). */
  readonly hooks?: { at(point: VolumeCachePoint): void | Promise<void> };
  /** File-name convention to write (default: this process's platform); both are read. */
  readonly platform?: NodeJS.Platform;
  /** Verify a committed tar's diffID before `reuseLayer` carries it over (default true). */
  readonly verifyReuse?: boolean;
  /** Open for reading only (restorer, analyzer): nothing on disk is changed; every write throws ERR_CACHE. */
  readonly readOnly?: boolean;
}

/**
 * The `-cache-dir` cache, byte-compatible with REF (FMT-26, FMT-28): `committed/` holds
 * `io.buildpacks.lifecycle.cache.metadata` (Go-encoded JSON plus newline) and one uncompressed tar per layer
 * named `<diffID>.tar`; writes go to `staging/`, which `commit()` swaps in through `committed-backup/`.
 * Every file is written tmp → fsync → rename, and each rename is followed by a directory fsync.
 */
export class VolumeCache implements Cache {
  readonly kind = 'volume' as const;
  readonly name: string;
  private readonly committedDir: string;
  private readonly stagingDir: string;
  private readonly backupDir: string;
  private readonly staged: Digest[] = [];
  private committed = false;

  private constructor(
    readonly dir: string,
    private readonly options: VolumeCacheOptions,
    committedDir: string,
  ) {
    this.name = dir;
    this.committedDir = committedDir;
    this.stagingDir = join(dir, VOLUME_CACHE_DIRS.staging);
    this.backupDir = join(dir, VOLUME_CACHE_DIRS.backup);
  }

  /** Opens (and if needed recovers) the cache in an existing directory `dir`; ERR_CACHE if it does not exist. */
  static async open(dir: string, options: VolumeCacheOptions = {}): Promise<VolumeCache> {
    const { committedDir } = await prepareVolume(dir, options.logger, { readOnly: options.readOnly ?? false });
    return new VolumeCache(dir, options, committedDir);
  }

  private async hook(point: VolumeCachePoint): Promise<void> {
    await this.options.hooks?.at(point);
  }

  private writable(): void {
    if (this.options.readOnly) throw new LifecycleError('ERR_CACHE', `cache ${this.dir} was opened read-only`);
    if (this.committed) throw new LifecycleError('ERR_CACHE', `cache ${this.dir} was already committed`);
  }

  private stagingPath(diffId: Digest): string {
    return join(this.stagingDir, diffIdFileName(diffId, this.options.platform));
  }

  /** The committed tar of `diffId`, under either name form, or undefined. */
  private async committedPath(diffId: Digest): Promise<string | undefined> {
    for (const name of diffIdFileNames(diffId, this.options.platform)) {
      const p = join(this.committedDir, name);
      try {
        if ((await stat(p)).isFile()) return p;
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') this.options.logger?.warn(`cache ${this.dir}: cannot read ${p}: ${(e as Error).message}`);
      }
    }
    return undefined;
  }

  async exists(): Promise<boolean> {
    return exists(this.committedDir).catch(() => false);
  }

  async metadata(): Promise<CacheMetadata> {
    const p = join(this.committedDir, CACHE_METADATA_LABEL);
    let text: string;
    try {
      text = await readFile(p, 'utf8');
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') this.options.logger?.warn(`cache metadata ${p} is unreadable: ${(e as Error).message}`);
      return emptyCacheMetadata();
    }
    try {
      return parseCacheMetadata(text, `cache metadata ${p}`);
    } catch (e) {
      this.options.logger?.warn(`${(e as Error).message}; using an empty cache`);
      return emptyCacheMetadata();
    }
  }

  async setMetadata(metadata: CacheMetadata): Promise<void> {
    this.writable();
    const text = `${encodeCacheMetadata(metadata)}\n`; // Go json.Encoder appends a newline
    const tmp = await writeTemp([Buffer.from(text, 'utf8')], this.stagingDir, 'metadata');
    try {
      await this.hook('metadata-temp-written');
      await renameDurable(tmp.path, join(this.stagingDir, CACHE_METADATA_LABEL));
    } finally {
      await removeQuietly(tmp.path);
    }
  }

  async hasLayer(diffId: Digest): Promise<boolean> {
    return (await this.committedPath(diffId)) !== undefined;
  }

  async openLayer(diffId: Digest, signal?: AbortSignal): Promise<Readable | undefined> {
    const p = await this.committedPath(diffId);
    if (p === undefined) return undefined;
    // 1 MiB reads: a layer tar is read once, front to back (fewer read calls and stream chunks than 64 KiB)
    return verified(createReadStream(p, { signal, highWaterMark: 1 << 20 }), { digest: diffId }, `cache layer ${p}`);
  }

  async verifyLayer(diffId: Digest, signal?: AbortSignal): Promise<boolean> {
    const p = await this.committedPath(diffId);
    if (p === undefined) return false;
    try {
      const got = await hashFile(p, signal);
      if (got.digest === diffId) return true;
      this.options.logger?.warn(`cache layer ${p} is corrupt (digest ${got.digest}); treating it as not in cache`);
    } catch (e) {
      this.options.logger?.warn(`cache layer ${p} is unreadable: ${(e as Error).message}; treating it as not in cache`);
    }
    return false;
  }

  async addLayer(layer: Layer, options: AddLayerOptions = {}): Promise<void> {
    this.writable();
    const diffId = await layer.diffId();
    const dest = this.stagingPath(diffId);
    if (await exists(dest)) return; // REF: an identical layer is not written twice
    const tarPath = options.tarPath ?? (layer instanceof FileLayer ? layer.file.tarPath : undefined);
    try {
      if (tarPath === undefined || !(await this.linkInto(tarPath, dest))) {
        const src = tarPath === undefined ? await layer.uncompressed(options.signal) : createReadStream(tarPath);
        await this.copyInto(src, dest, diffId, options.signal);
      }
    } catch (e) {
      throw wrapError(e, 'ERR_CACHE', `cache layer ${diffId} in ${this.dir}`);
    }
    this.staged.push(diffId);
  }

  async reuseLayer(diffId: Digest, signal?: AbortSignal): Promise<boolean> {
    this.writable();
    const src = await this.committedPath(diffId);
    if (src === undefined) return false;
    if (this.options.verifyReuse !== false && !(await this.verifyLayer(diffId, signal))) return false;
    const dest = this.stagingPath(diffId);
    if (!(await exists(dest))) {
      try {
        if (!(await this.linkInto(src, dest))) await this.copyInto(createReadStream(src), dest, diffId, signal);
      } catch (e) {
        throw wrapError(e, 'ERR_CACHE', `reuse cache layer ${diffId} in ${this.dir}`);
      }
    }
    this.staged.push(diffId);
    return true;
  }

  /** Hard-links an immutable tar into staging; false when the file system refuses (then the caller copies). */
  private async linkInto(from: string, dest: string): Promise<boolean> {
    try {
      await link(from, dest);
    } catch (e) {
      if (errnoCode(e) === 'EEXIST') return true;
      if (['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'EACCES'].includes(errnoCode(e) ?? '')) return false;
      throw e;
    }
    await fsyncPath(dest); // the linked bytes may not have been fsynced by their producer
    return true;
  }

  private async copyInto(src: Readable, dest: string, diffId: Digest, signal?: AbortSignal): Promise<void> {
    const tmp = await writeTemp(src, this.stagingDir, diffId, { digest: diffId }, signal);
    try {
      await this.hook('layer-temp-written');
      await renameDurable(tmp.path, dest);
    } finally {
      await removeQuietly(tmp.path);
    }
  }

  /**
   * Swaps `staging/` in as `committed/` (FMT-26): fsync staging, rename committed → committed-backup, rename
   * staging → committed, remove the backup. A failed second rename moves the backup back. A crash between the
   * renames is repaired by the next `open` (see `prepareVolume`).
   */
  async commit(): Promise<CommitResult> {
    this.writable();
    this.committed = true;
    try {
      await fsyncPath(this.stagingDir);
      await this.hook('staging-synced');
      const committedDir = join(this.dir, VOLUME_CACHE_DIRS.committed);
      const hadCommitted = await exists(committedDir);
      if (hadCommitted) await renameDurable(committedDir, this.backupDir);
      await this.hook('committed-moved-to-backup');
      try {
        await renameDurable(this.stagingDir, committedDir);
      } catch (e) {
        if (hadCommitted) await renameDurable(this.backupDir, committedDir);
        throw e;
      }
      await this.hook('staging-moved-to-committed');
      await removeQuietly(this.backupDir);
      await this.hook('backup-removed');
    } catch (e) {
      throw wrapError(e, 'ERR_CACHE', `commit cache ${this.dir}`);
    }
    return { layers: [...new Set(this.staged)] };
  }
}
