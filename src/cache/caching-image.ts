import type { Readable } from 'node:stream';
import type { Image, Layer } from '../image/index.js';
import type { Digest } from '../oci/index.js';
import { maybeGunzip, once } from '../stream/index.js';
import type { BlobStore } from './blob-store.js';
import { verified } from './verify.js';

/**
 * A Layer whose compressed bytes are served from `blobs` and, on the first read, fetched once from `inner`
 * into it (ggcr `v1/cache`). Hashes and media type come from `inner` without I/O on the blob.
 */
class CachingLayer implements Layer {
  constructor(
    private readonly inner: Layer,
    private readonly blobs: BlobStore,
  ) {}

  diffId(): Promise<Digest> {
    return this.inner.diffId();
  }
  digest(): Promise<Digest> {
    return this.inner.digest();
  }
  size(): Promise<number> {
    return this.inner.size();
  }
  mediaType(): Promise<string> {
    return this.inner.mediaType();
  }

  /** The compressed blob from the store (verified against digest and size at EOF), filled from `inner` first. */
  async compressed(signal?: AbortSignal): Promise<Readable> {
    const digest = await this.inner.digest();
    const size = await this.inner.size();
    if (!(await this.blobs.has(digest, size))) {
      await this.blobs.put(await this.inner.compressed(signal), { digest, size }, signal);
    }
    return (await this.blobs.open(digest, { size, ...(signal ? { signal } : {}) })) ?? this.inner.compressed(signal);
  }

  /** The tar: the cached blob, gunzipped when it is gzip, verified against the diffID at EOF. */
  async uncompressed(signal?: AbortSignal): Promise<Readable> {
    const tar = await maybeGunzip(await this.compressed(signal));
    return verified(tar, { digest: await this.inner.diffId() }, `layer ${await this.inner.digest()}`);
  }
}

/**
 * Decorates `image` so that its layers' bytes are read through the content-addressed `blobs` store: the first
 * read of a layer fills the store (one download, verified), later reads (in this process or the next build)
 * come from disk. Manifest and config are passed through. Layers are wrapped once and memoized.
 */
export function cachingImage(image: Image, blobs: BlobStore): Image {
  const wrapped = new Map<Layer, Layer>();
  const wrap = (l: Layer): Layer => {
    let w = wrapped.get(l);
    if (!w) {
      w = new CachingLayer(l, blobs);
      wrapped.set(l, w);
    }
    return w;
  };
  const layers = once(async () => (await image.layers()).map(wrap));
  return {
    mediaType: () => image.mediaType(),
    rawManifest: () => image.rawManifest(),
    manifest: () => image.manifest(),
    digest: () => image.digest(),
    rawConfig: () => image.rawConfig(),
    config: () => image.config(),
    imageId: () => image.imageId(),
    layers,
    layerByDigest: async (d) => wrap(await image.layerByDigest(d)),
    layerByDiffId: async (d) => wrap(await image.layerByDiffId(d)),
  };
}
