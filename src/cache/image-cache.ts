import type { Readable } from 'node:stream';
import { LifecycleError, wrapError } from '../errors/index.js';
import type { Image, ImageStore, Layer } from '../image/index.js';
import type { Digest } from '../oci/index.js';
import { once } from '../stream/index.js';
import { NORMALIZED_TIME, type Logger } from '../sys/index.js';
import { cacheImage } from './cache-image.js';
import { CACHE_METADATA_LABEL, emptyCacheMetadata, encodeCacheMetadata, parseCacheMetadata, type CacheMetadata } from './metadata.js';
import type { AddLayerOptions, Cache, CommitResult } from './types.js';
import { verified } from './verify.js';

/** Options of `ImageCache`. */
export interface ImageCacheOptions {
  /** Where the cache image is read from and written to (registry, layout or daemon). */
  readonly store: ImageStore;
  /** The cache image reference (`-cache-image`). */
  readonly ref: string;
  readonly logger?: Logger;
  /** Platform written into the cache image config (default: linux and this machine's architecture). */
  readonly platform?: { readonly os: string; readonly architecture: string };
  /** Manifest flavour of the written image (default `oci`). */
  readonly mediaTypes?: 'oci' | 'docker';
  /** `created` of the written image (default 1980-01-01T00:00:01Z, so an unchanged cache keeps its digest). */
  readonly created?: Date;
}

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/**
 * The `-cache-image` cache (FMT-27): an image whose layers are the cached layers (by diffID) and whose label
 * `io.buildpacks.lifecycle.cache.metadata` holds the metadata JSON (FMT-28). Reading is lazy: the previous
 * cache image's manifest and config are fetched on first use, and a layer's bytes only when `openLayer` is
 * called. Writing builds a new image from nothing (LY-16): `reuseLayer` carries a previous layer over by
 * reference (never downloaded; the store skips blobs the target already has), `addLayer` takes any `Layer`.
 *
 * Sharing with the app image: give `addLayer` the very `Layer` object that the app image got. Both images
 * then point at the same blob digest, so the store uploads it once: a second write finds it present (HEAD),
 * mounts it across repositories, or (with `-parallel`) joins the in-flight upload of that digest.
 */
export class ImageCache implements Cache {
  readonly kind = 'image' as const;
  readonly name: string;
  private readonly previous: () => Promise<Image | undefined>;
  private readonly pending = new Map<string, Layer>();
  private label: string | undefined;
  private committed = false;

  /** No I/O here. */
  constructor(private readonly options: ImageCacheOptions) {
    this.name = options.ref;
    this.previous = once(async () => {
      try {
        return await options.store.image(options.ref);
      } catch (e) {
        options.logger?.warn(`cache image ${options.ref} is unreadable: ${(e as Error).message}; using an empty cache`);
        return undefined;
      }
    });
  }

  private writable(): void {
    if (this.committed) throw new LifecycleError('ERR_CACHE', `cache image ${this.name} was already committed`);
  }

  private async previousDiffIds(): Promise<readonly Digest[]> {
    const img = await this.previous();
    if (img === undefined) return [];
    try {
      return (await img.config()).rootfs.diff_ids;
    } catch (e) {
      this.options.logger?.warn(`cache image ${this.name} has a bad config: ${(e as Error).message}`);
      return [];
    }
  }

  async exists(): Promise<boolean> {
    return (await this.previous()) !== undefined;
  }

  async metadata(): Promise<CacheMetadata> {
    const img = await this.previous();
    if (img === undefined) return emptyCacheMetadata();
    try {
      const text = (await img.config()).config?.Labels?.[CACHE_METADATA_LABEL];
      if (text === undefined || text === '') return emptyCacheMetadata();
      return parseCacheMetadata(text, `label ${CACHE_METADATA_LABEL} of cache image ${this.name}`);
    } catch (e) {
      this.options.logger?.warn(`${(e as Error).message}; using an empty cache`);
      return emptyCacheMetadata();
    }
  }

  async setMetadata(metadata: CacheMetadata): Promise<void> {
    this.writable();
    this.label = encodeCacheMetadata(metadata);
  }

  async hasLayer(diffId: Digest): Promise<boolean> {
    return (await this.previousDiffIds()).includes(diffId);
  }

  async openLayer(diffId: Digest, signal?: AbortSignal): Promise<Readable | undefined> {
    if (!(await this.hasLayer(diffId))) return undefined;
    try {
      const layer = await (await this.previous())!.layerByDiffId(diffId);
      return verified(await layer.uncompressed(signal), { digest: diffId }, `layer ${diffId} of cache image ${this.name}`);
    } catch (e) {
      this.options.logger?.warn(`cache image ${this.name}: cannot read layer ${diffId}: ${(e as Error).message}`);
      return undefined;
    }
  }

  async verifyLayer(diffId: Digest, signal?: AbortSignal): Promise<boolean> {
    const stream = await this.openLayer(diffId, signal);
    if (stream === undefined) return false;
    try {
      for await (const _ of stream) void _;
      return true;
    } catch (e) {
      this.options.logger?.warn(`${(e as Error).message}; treating it as not in cache`);
      return false;
    }
  }

  async addLayer(layer: Layer, _options?: AddLayerOptions): Promise<void> {
    this.writable();
    const diffId = await layer.diffId();
    if (!this.pending.has(diffId)) this.pending.set(diffId, layer);
  }

  /** Carries a previous cache layer over by reference; its bytes are not read (so not re-verified). */
  async reuseLayer(diffId: Digest): Promise<boolean> {
    this.writable();
    if (this.pending.has(diffId)) return true;
    if (!(await this.hasLayer(diffId))) return false;
    try {
      this.pending.set(diffId, await (await this.previous())!.layerByDiffId(diffId));
      return true;
    } catch (e) {
      this.options.logger?.warn(`cache image ${this.name}: cannot reuse layer ${diffId}: ${(e as Error).message}`);
      return false;
    }
  }

  /** Writes the new cache image under the cache reference through the store. */
  async commit(signal?: AbortSignal): Promise<CommitResult> {
    this.writable();
    this.committed = true;
    const image = cacheImage([...this.pending.values()], {
      os: this.options.platform?.os ?? 'linux',
      architecture: this.options.platform?.architecture ?? GOARCH[process.arch] ?? process.arch,
      mediaTypes: this.options.mediaTypes ?? 'oci',
      created: this.options.created ?? NORMALIZED_TIME,
      labels: this.label === undefined ? {} : { [CACHE_METADATA_LABEL]: this.label },
    });
    let result;
    try {
      result = await this.options.store.write(image, [this.options.ref], signal);
    } catch (e) {
      throw wrapError(e, 'ERR_CACHE', `write cache image ${this.name}`);
    }
    return { layers: [...this.pending.keys()] as Digest[], image: result };
  }
}
