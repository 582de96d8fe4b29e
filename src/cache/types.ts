import type { Readable } from 'node:stream';
import type { Layer, WriteResult } from '../image/index.js';
import type { Digest } from '../oci/index.js';
import type { CacheMetadata } from './metadata.js';

/** Options of `Cache.addLayer`. */
export interface AddLayerOptions {
  /**
   * The layer's uncompressed tar already on disk (the `LayerWriter` output), whose sha256 is the layer's
   * diffID. The volume cache hard-links (or copies) it instead of reading `layer.uncompressed()`. Defaults
   * to `layer.file.tarPath` for a `FileLayer` (src/layer) written with `keepTar`.
   */
  readonly tarPath?: string;
  readonly signal?: AbortSignal;
}

/**
 * The phase-facing build cache (REF `cache.Cache`; DESIGN §6.6), implemented by `VolumeCache` (`-cache-dir`,
 * FMT-26) and `ImageCache` (`-cache-image`, FMT-27). Every layer is named by its **diffID** (sha256 of the
 * uncompressed tar).
 *
 * Reading (restorer, analyzer) sees the last *committed* cache only. Writing (exporter) builds a new cache
 * from nothing: `setMetadata`, then `addLayer`/`reuseLayer` for every `cache = true` layer of the current
 * group (LY-16: layers not added or reused are dropped), then `commit()`. Until `commit()` returns the
 * committed cache is unchanged, and a crash at any point leaves it readable.
 *
 * Failure model: a missing, corrupt or unreadable entry is a *miss* (`undefined`/`false`), never an exception,
 * so a broken cache costs a rebuild, never a failed build (RS-06). Exceptions are for write failures, which
 * the exporter downgrades to warnings (EP-25).
 */
export interface Cache {
  /** `volume` for a cache directory, `image` for a cache image. */
  readonly kind: 'volume' | 'image';
  /** The cache directory or image reference, for log lines. */
  readonly name: string;
  /** True when a committed cache exists (it may still be empty). */
  exists(signal?: AbortSignal): Promise<boolean>;
  /** The committed metadata (FMT-28); empty metadata when there is none or it is corrupt (with a warning). */
  metadata(signal?: AbortSignal): Promise<CacheMetadata>;
  /** Sets the metadata of the cache being written (takes effect at commit). */
  setMetadata(metadata: CacheMetadata, signal?: AbortSignal): Promise<void>;
  /** True when the committed cache lists a layer with this diffID (content not re-hashed). */
  hasLayer(diffId: Digest, signal?: AbortSignal): Promise<boolean>;
  /**
   * The committed layer's uncompressed tar, verified against `diffId` at EOF (a mismatch errors the stream
   * with ERR_DIGEST), or `undefined` when the cache does not have it. A reader that sees a stream error must
   * treat the layer as not in cache and discard what it extracted (RS-06).
   */
  openLayer(diffId: Digest, signal?: AbortSignal): Promise<Readable | undefined>;
  /** Reads the whole committed layer and checks its diffID; false when missing or corrupt. */
  verifyLayer(diffId: Digest, signal?: AbortSignal): Promise<boolean>;
  /**
   * Adds a layer to the cache being written. Hand the *same* `Layer` object that goes into the app image:
   * the image cache then references the very same blob, and the image store uploads each digest once.
   */
  addLayer(layer: Layer, options?: AddLayerOptions): Promise<void>;
  /**
   * Carries a committed layer over into the cache being written without reading its source directory (LY-16).
   * Returns false (and carries nothing) when the layer is missing or, for the volume cache, fails verification;
   * the exporter then adds the layer from its directory.
   */
  reuseLayer(diffId: Digest, signal?: AbortSignal): Promise<boolean>;
  /** Makes the written cache the committed one, atomically. May be called once. */
  commit(signal?: AbortSignal): Promise<CommitResult>;
}

/** What `commit` wrote: for a cache image, the image store's result. */
export interface CommitResult {
  /** The diffIDs of the committed layers, in the order they were added. */
  readonly layers: readonly Digest[];
  readonly image?: WriteResult;
}
