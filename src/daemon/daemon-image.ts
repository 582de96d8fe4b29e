import type { Image, Layer } from '../image/index.js';
import { LifecycleError } from '../errors/index.js';
import { encodeJson, MediaTypes, parseManifest, sha256Digest, type Digest, type ImageConfig, type Manifest } from '../oci/index.js';
import { DaemonLayer, type DaemonLayerSource } from './daemon-layer.js';
import type { ImageInspect } from './engine.js';
import { configFromInspect, inspectIds } from './inspect-config.js';

function memo<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= f();
    p.catch(() => (p = undefined));
    return p;
  };
}

/**
 * An image in the daemon, read lazily. `inspect` (done by the store) gives the image ID, diffIDs and the config
 * the phases need, with no layer bytes. The raw config bytes, the manifest and layer contents need the image's
 * `save` (a full docker-archive stream: the Engine API has no per-layer read), which runs at most once per image
 * and is shared by all its layers; the launch cache answers layers without it.
 *
 * The manifest is synthesized (OCI, uncompressed layers: digest = diffID), so `digest()` is not a registry digest.
 */
export class DaemonImage implements Image {
  readonly id: Digest;
  readonly diffIds: readonly Digest[];
  private readonly layerList: DaemonLayer[];
  private readonly cfg: ImageConfig;

  constructor(
    inspect: ImageInspect,
    private readonly name: string,
    private readonly src: DaemonLayerSource,
  ) {
    const { id, diffIds } = inspectIds(inspect, src.endpoint, name);
    this.id = id;
    this.diffIds = diffIds;
    this.layerList = diffIds.map((d, i) => new DaemonLayer(src, d, diffIds.slice(0, i + 1)));
    this.cfg = configFromInspect(inspect, diffIds);
  }

  async mediaType(): Promise<string> {
    return MediaTypes.ociManifest;
  }
  async config(): Promise<ImageConfig> {
    return this.cfg;
  }
  async imageId(): Promise<Digest> {
    return this.id;
  }
  /** The exact config bytes from the daemon's save (checked: sha256 equals the image ID). */
  rawConfig = memo(async () => new Uint8Array((await this.src.saved()).rawConfig));

  rawManifest = memo(async () => {
    const raw = await this.rawConfig();
    const sizes = await Promise.all(this.layerList.map((l) => l.size()));
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: MediaTypes.ociConfig, digest: sha256Digest(raw), size: raw.length },
      layers: this.diffIds.map((d, i) => ({ mediaType: MediaTypes.ociLayer, digest: d, size: sizes[i]! })),
    };
    return new Uint8Array(encodeJson(manifest));
  });

  async manifest(): Promise<Manifest> {
    return parseManifest(await this.rawManifest());
  }
  async digest(): Promise<Digest> {
    return sha256Digest(await this.rawManifest());
  }
  async layers(): Promise<Layer[]> {
    return [...this.layerList];
  }
  async layerByDiffId(diffId: Digest): Promise<Layer> {
    const i = this.diffIds.indexOf(diffId);
    if (i < 0) throw new LifecycleError('ERR_IMAGE', `daemon ${this.src.endpoint}: image '${this.name}' has no layer with diffID ${diffId}`);
    return this.layerList[i]!;
  }
  /** Daemon layer blobs are uncompressed, so a layer's digest is its diffID. */
  layerByDigest(digest: Digest): Promise<Layer> {
    return this.layerByDiffId(digest);
  }
}
