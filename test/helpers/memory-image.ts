/**
 * An in-memory Image for registry tests: gzip layers of random tar content built with tar-stream and
 * node:zlib, a config with matching diff_ids, and a canonical manifest. Also builds an image on top of
 * existing layers (for example RemoteLayers of a pushed image, to exercise cross-repo mounts).
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import type { Image, Layer } from '../../src/image/index.js';
import { encodeJson, MediaTypes, parseConfig, parseManifest, sha256Digest, type Digest, type ImageConfig, type Manifest } from '../../src/oci/index.js';

/** A layer held in memory; diffId is sha256 of the tar, digest sha256 of the gzip bytes. */
export class MemoryLayer implements Layer {
  readonly digestValue: Digest;
  readonly diffIdValue: Digest;

  constructor(
    readonly gz: Buffer,
    readonly media: string = MediaTypes.ociLayerGzip,
  ) {
    this.digestValue = sha256Digest(gz);
    this.diffIdValue = sha256Digest(gunzipSync(gz));
  }

  async diffId(): Promise<Digest> {
    return this.diffIdValue;
  }
  async digest(): Promise<Digest> {
    return this.digestValue;
  }
  async size(): Promise<number> {
    return this.gz.length;
  }
  async mediaType(): Promise<string> {
    return this.media;
  }
  async compressed(): Promise<Readable> {
    return Readable.from([this.gz]);
  }
  async uncompressed(): Promise<Readable> {
    return Readable.from([gunzipSync(this.gz)]);
  }
}

/** A tar of `files` (name → content), reproducible headers. */
export async function tarOf(files: Record<string, Buffer | string>): Promise<Buffer> {
  const p = pack();
  for (const [name, content] of Object.entries(files)) {
    p.entry({ name, mode: 0o644, uid: 0, gid: 0, mtime: new Date(0) }, content);
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A random gzip layer of about `size` bytes of incompressible content. */
export async function randomLayer(size = 4096, media: string = MediaTypes.ociLayerGzip): Promise<MemoryLayer> {
  const tar = await tarOf({ [`random-${randomBytes(4).toString('hex')}.bin`]: randomBytes(size) });
  return new MemoryLayer(gzipSync(tar, { level: 1 }), media);
}

/** An image made of the given layers (any Layer: memory or remote) with a minimal config. */
export class MemoryImage implements Image {
  private constructor(
    private readonly layerList: Layer[],
    private readonly rawCfg: Buffer,
    private readonly rawMan: Buffer,
    private readonly media: string,
  ) {}

  static async of(layers: Layer[], opts: { docker?: boolean; labels?: Record<string, string> } = {}): Promise<MemoryImage> {
    const media = opts.docker ? MediaTypes.dockerManifest : MediaTypes.ociManifest;
    const diffIds: Digest[] = [];
    const descs = [];
    for (const l of layers) {
      diffIds.push(await l.diffId());
      descs.push({ mediaType: await l.mediaType(), digest: await l.digest(), size: await l.size() });
    }
    const config: ImageConfig = {
      architecture: 'amd64',
      os: 'linux',
      created: '1980-01-01T00:00:01Z',
      config: { Env: ['PATH=/usr/bin:/bin'], Labels: opts.labels ?? {} },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: layers.map(() => ({ created: '1980-01-01T00:00:01Z' })),
    };
    const rawCfg = encodeJson(config);
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: media,
      config: { mediaType: opts.docker ? MediaTypes.dockerConfig : MediaTypes.ociConfig, digest: sha256Digest(rawCfg), size: rawCfg.length },
      layers: descs,
    };
    return new MemoryImage(layers, rawCfg, encodeJson(manifest), media);
  }

  /** An image of `count` random layers. */
  static async random(count = 2, size = 4096, opts: { docker?: boolean } = {}): Promise<MemoryImage> {
    const media = opts.docker ? MediaTypes.dockerLayerGzip : MediaTypes.ociLayerGzip;
    const layers = await Promise.all(Array.from({ length: count }, () => randomLayer(size, media)));
    return MemoryImage.of(layers, opts);
  }

  async mediaType(): Promise<string> {
    return this.media;
  }
  async rawManifest(): Promise<Uint8Array> {
    return this.rawMan;
  }
  async manifest(): Promise<Manifest> {
    return parseManifest(this.rawMan);
  }
  async digest(): Promise<Digest> {
    return sha256Digest(this.rawMan);
  }
  async rawConfig(): Promise<Uint8Array> {
    return this.rawCfg;
  }
  async config(): Promise<ImageConfig> {
    return parseConfig(this.rawCfg);
  }
  async imageId(): Promise<Digest> {
    return sha256Digest(this.rawCfg);
  }
  async layers(): Promise<Layer[]> {
    return this.layerList;
  }
  async layerByDigest(d: Digest): Promise<Layer> {
    for (const l of this.layerList) if ((await l.digest()) === d) return l;
    throw new Error(`no layer ${d}`);
  }
  async layerByDiffId(d: Digest): Promise<Layer> {
    for (const l of this.layerList) if ((await l.diffId()) === d) return l;
    throw new Error(`no layer ${d}`);
  }
}
