/**
 * Test helper: an in-memory ImageStore (the image-core layout store did not exist yet when this was written).
 * Writes skip blobs already present and share in-flight uploads per digest, as the real stores must; counters
 * record uploads and blob reads so tests can assert "uploaded once" and "read lazily".
 */
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import type { Image, ImageStore, Layer, WriteResult } from '../../../../src/image/index.js';
import { parseConfig, parseManifest, sha256Digest, type Digest } from '../../../../src/oci/index.js';
import { readAll } from './tar-layer.js';

export class MemoryStore implements ImageStore {
  readonly kind = 'registry' as const;
  readonly blobs = new Map<Digest, Buffer>();
  readonly manifests = new Map<string, Buffer>();
  readonly uploads = new Map<Digest, number>();
  readonly blobReads = new Map<Digest, number>();
  private readonly inflight = new Map<Digest, Promise<void>>();

  private upload(digest: Digest, open: () => Promise<Readable>): Promise<void> {
    if (this.blobs.has(digest)) return Promise.resolve();
    let p = this.inflight.get(digest);
    if (!p) {
      p = (async () => {
        const bytes = await readAll(await open());
        if (sha256Digest(bytes) !== digest) throw new Error(`upload of ${digest}: digest mismatch`);
        this.uploads.set(digest, (this.uploads.get(digest) ?? 0) + 1);
        this.blobs.set(digest, bytes);
      })().finally(() => this.inflight.delete(digest));
      this.inflight.set(digest, p);
    }
    return p;
  }

  async write(image: Image, refs: readonly string[]): Promise<WriteResult> {
    const layers = await image.layers();
    await Promise.all(layers.map(async (l) => this.upload(await l.digest(), () => l.compressed())));
    const cfg = Buffer.from(await image.rawConfig());
    await this.upload(sha256Digest(cfg), async () => Readable.from([cfg]));
    const raw = Buffer.from(await image.rawManifest());
    for (const r of refs) this.manifests.set(r, raw);
    return { digest: sha256Digest(raw), imageId: sha256Digest(cfg), manifestSize: raw.length };
  }

  async exists(ref: string): Promise<boolean> {
    return this.manifests.has(ref);
  }

  private read(d: Digest): Buffer {
    const b = this.blobs.get(d);
    if (!b) throw new Error(`blob ${d} not found`);
    this.blobReads.set(d, (this.blobReads.get(d) ?? 0) + 1);
    return b;
  }

  async image(ref: string): Promise<Image | undefined> {
    const raw = this.manifests.get(ref);
    if (!raw) return undefined;
    const manifest = parseManifest(raw);
    const rawConfig = this.blobs.get(manifest.config.digest) as Buffer;
    const config = parseConfig(rawConfig);
    const layers: Layer[] = manifest.layers.map((desc, i) => ({
      diffId: async () => config.rootfs.diff_ids[i] as Digest,
      digest: async () => desc.digest,
      size: async () => desc.size,
      mediaType: async () => desc.mediaType,
      compressed: async () => Readable.from([this.read(desc.digest)]),
      uncompressed: async () => Readable.from([gunzipSync(this.read(desc.digest))]),
    }));
    const byDiffId = async (d: Digest) => {
      const i = config.rootfs.diff_ids.indexOf(d);
      if (i < 0) throw new Error(`no layer ${d}`);
      return layers[i] as Layer;
    };
    return {
      mediaType: async () => manifest.mediaType ?? '',
      rawManifest: async () => raw,
      manifest: async () => manifest,
      digest: async () => sha256Digest(raw),
      rawConfig: async () => rawConfig,
      config: async () => config,
      imageId: async () => sha256Digest(rawConfig),
      layers: async () => layers,
      layerByDigest: async (d) => layers[manifest.layers.findIndex((x) => x.digest === d)] as Layer,
      layerByDiffId: byDiffId,
    };
  }
}
