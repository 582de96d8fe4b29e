import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Image, ImageStore, PlatformWant, WriteResult } from '../image/index.js';
import { isLifecycleError } from '../errors/index.js';
import { parseConfig, type Digest } from '../oci/index.js';
import type { Logger } from '../sys/index.js';
import { archiveLayers, omittablePrefix } from './archive-layers.js';
import { DaemonImage } from './daemon-image.js';
import { daemonTag, formatDaemonTag } from './daemon-ref.js';
import { writeDockerArchive, type ArchiveLayer } from './docker-archive-writer.js';
import type { DockerEngine } from './engine.js';
import { daemonError } from './engine-errors.js';
import type { LaunchCache } from './launch-cache.js';
import { saveImageToDir, type SavedImage } from './saved-image.js';

/** Options of a DaemonStore. */
export interface DaemonStoreOptions {
  readonly engine: DockerEngine;
  /** `-launch-cache` (EP-29): layer tars by diffID, read instead of the daemon. */
  readonly launchCache?: LaunchCache;
  /** Parent of the temp dirs for saves and spooled layers; default the OS temp dir. */
  readonly tmpDir?: string;
  /** Layers prepared at once; default 4. */
  readonly concurrency?: number;
  /**
   * Send blank placeholders for bottom layers the daemon already holds (see README). `auto` (default) asks
   * `/info` and turns it off for Docker's containerd image store; a rejected load is retried with every layer.
   */
  readonly omitKnownLayers?: 'auto' | boolean;
  readonly logger?: Logger;
  /** `close()` also closes the engine (set when the store created it). */
  readonly closeEngine?: boolean;
}

/**
 * The daemon as an ImageStore (DESIGN §6.2). `image()` inspects (cheap) and returns a lazy DaemonImage;
 * `write()` streams a docker-archive to `POST /images/load`, skipped when the daemon already has the image ID,
 * then tags every reference. Result: the image ID only (FMT-REPORT, EP-23: no digest for a daemon export).
 * Call `close()` to remove temp dirs and close the connection pool.
 */
export class DaemonStore implements ImageStore {
  readonly kind = 'daemon' as const;
  private readonly saves = new Map<Digest, Promise<SavedImage>>();
  private readonly dirs = new Set<string>();
  private omitSupported: Promise<boolean> | undefined;

  constructor(private readonly o: DaemonStoreOptions) {}

  /** The daemon endpoint, for messages. */
  get endpoint(): string {
    return this.o.engine.endpoint;
  }

  /**
   * GEN-12: dials the daemon socket now, while the process can still reach it (root), so that requests made
   * after the privilege drop use these connections. No effect for a tcp endpoint. See `DockerEngine.preconnect`.
   */
  async preconnect(): Promise<number> {
    const n = (await this.o.engine.preconnect?.()) ?? 0;
    if (n > 0) this.o.logger?.debug(`daemon ${this.endpoint}: ${n} connection(s) opened before the privilege drop`);
    return n;
  }

  /** The image `ref` (a reference or an image ID) or undefined when the daemon has none. `platform` is ignored. */
  async image(ref: string, options?: { platform?: PlatformWant; signal?: AbortSignal }): Promise<Image | undefined> {
    const inspect = await this.o.engine.inspectImage(ref, options?.signal);
    if (inspect === undefined) return undefined;
    const src = {
      endpoint: this.endpoint,
      launchCache: this.o.launchCache,
      saved: (signal?: AbortSignal) => this.saved(image, signal),
    };
    const image: DaemonImage = new DaemonImage(inspect, ref, src);
    return image;
  }

  async exists(ref: string, signal?: AbortSignal): Promise<boolean> {
    return (await this.o.engine.inspectImage(ref, signal)) !== undefined;
  }

  /**
   * EP-30: removes the image `ref` names (a reference or an image ID) from the daemon, by its image ID and
   * forced, as [REF] imgutil's local `Delete` does (every tag of that image goes). A missing image is not an
   * error; other failures are ERR_DAEMON.
   */
  async delete(ref: string, signal?: AbortSignal): Promise<void> {
    const inspect = await this.o.engine.inspectImage(ref, signal);
    if (inspect === undefined) return;
    await this.o.engine.removeImage(inspect.Id, { force: true }, signal);
  }

  /** One save per image ID, shared by all its layers and images; forgotten when it fails. */
  private saved(image: DaemonImage, signal?: AbortSignal): Promise<SavedImage> {
    let p = this.saves.get(image.id);
    if (!p) {
      // single-flight: the first caller's signal governs the shared save; a failed save is forgotten (retried)
      p = saveImageToDir(this.o.engine, image.id, image.diffIds, this.tmpRoot, signal);
      p.then((s) => this.dirs.add(s.dir), () => this.saves.delete(image.id));
      this.saves.set(image.id, p);
    }
    return p;
  }

  private get tmpRoot(): string {
    return this.o.tmpDir ?? tmpdir();
  }

  async write(image: Image, refs: readonly string[], signal?: AbortSignal): Promise<WriteResult> {
    const tags = refs.map((r) => formatDaemonTag(daemonTag(r)));
    const imageId = await image.imageId();
    if ((await this.o.engine.inspectImage(imageId, signal)) === undefined) await this.load(image, imageId, tags, signal);
    for (const t of tags) {
      const { repo, tag } = daemonTag(t);
      await this.o.engine.tagImage(imageId, repo, tag, signal);
    }
    return { imageId };
  }

  private async load(image: Image, imageId: Digest, tags: readonly string[], signal?: AbortSignal): Promise<void> {
    const name = tags[0] ?? imageId;
    const rawConfig = await image.rawConfig();
    const diffIds = parseConfig(rawConfig).rootfs.diff_ids;
    const layers = await image.layers();
    const omit = (await this.canOmit(signal)) ? omittablePrefix(layers, diffIds, this.endpoint) : 0;
    const spoolDir = await mkdtemp(join(this.tmpRoot, 'cnb-daemon-load-'));
    try {
      const opts = { endpoint: this.endpoint, image: name, launchCache: this.o.launchCache, spoolDir, concurrency: this.o.concurrency ?? 4, signal };
      const send = async (n: number) => {
        const entries = await archiveLayers(layers, diffIds, { ...opts, omit: n });
        await this.sendArchive(entries, rawConfig, tags.slice(0, 1), name, signal);
      };
      try {
        await send(omit);
      } catch (e) {
        if (omit === 0 || signal?.aborted || !isLifecycleError(e) || e.code !== 'ERR_DAEMON') throw e;
        this.o.logger?.debug(`daemon ${this.endpoint} refused a load without its ${omit} known base layers (${e.message}); sending every layer`);
        await send(0);
      }
    } finally {
      await rm(spoolDir, { recursive: true, force: true });
    }
    if ((await this.o.engine.inspectImage(imageId, signal)) === undefined) {
      throw daemonError(this.endpoint, 'load image', name, `the daemon does not report image ID ${imageId} after the load`);
    }
  }

  /** Streams the archive to `load`; an error of the archive (a layer failing verification) wins over the daemon's. */
  private async sendArchive(layers: ArchiveLayer[], config: Uint8Array, repoTags: readonly string[], name: string, signal?: AbortSignal): Promise<void> {
    const archive: Readable = writeDockerArchive({ config, repoTags, layers });
    let archiveError: unknown;
    archive.on('error', (e) => (archiveError = e));
    try {
      await this.o.engine.loadImage(archive, name, signal);
    } catch (e) {
      throw archiveError ?? e;
    } finally {
      archive.destroy();
    }
    if (archiveError) throw archiveError;
  }

  private canOmit(signal?: AbortSignal): Promise<boolean> {
    const mode = this.o.omitKnownLayers ?? 'auto';
    if (mode !== 'auto') return Promise.resolve(mode);
    this.omitSupported ??= this.o.engine.info(signal).then(
      (info) => !(info.DriverStatus ?? []).some(([k, v]) => k === 'driver-type' && v === 'io.containerd.snapshotter.v1'),
      () => false,
    );
    return this.omitSupported;
  }

  /** Removes the temp dirs of saves; closes the engine's connections when the store owns it. */
  async close(): Promise<void> {
    const dirs = [...this.dirs];
    this.dirs.clear();
    this.saves.clear();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    if (this.o.closeEngine) await this.o.engine.close();
  }
}
