import type { Readable } from 'node:stream';
import type { Layer } from '../image/index.js';
import { MediaTypes, type Digest } from '../oci/index.js';
import type { LaunchCache } from './launch-cache.js';
import type { SavedImage } from './saved-image.js';
import { openVerified } from './spool.js';

/** How a daemon layer reaches its bytes: the launch cache first, else the image's one shared `save`. */
export interface DaemonLayerSource {
  readonly endpoint: string;
  readonly launchCache?: LaunchCache | undefined;
  saved(signal?: AbortSignal): Promise<SavedImage>;
}

/** Which daemon holds a layer, and the diffIDs of its chain (bottom layer first, this layer last). */
interface DaemonLayerInfo {
  readonly endpoint: string;
  readonly chain: readonly Digest[];
}

const known = new WeakMap<Layer, DaemonLayerInfo>();

/**
 * The diffID chain under which the daemon at `endpoint` already stores `layer` (bottom first, `layer` last),
 * or undefined when the layer did not come from that daemon. Used to omit layers on load.
 */
export function daemonLayerChain(layer: Layer, endpoint: string): readonly Digest[] | undefined {
  const info = known.get(layer);
  return info?.endpoint === endpoint ? info.chain : undefined;
}

/**
 * A layer of a daemon image. The daemon stores layers uncompressed and has no compressed blob, so the blob is
 * the uncompressed tar: `digest()` equals `diffId()` and the media type is `application/vnd.oci.image.layer.v1.tar`
 * (LY-27: a daemon image pushed elsewhere may get other digests). `diffId()` is free; `size()` and the readers
 * use the launch cache, else trigger the image's save (one pass for all its layers).
 */
export class DaemonLayer implements Layer {
  constructor(
    private readonly src: DaemonLayerSource,
    private readonly id: Digest,
    chain: readonly Digest[],
  ) {
    known.set(this, { endpoint: src.endpoint, chain });
  }

  async diffId(): Promise<Digest> {
    return this.id;
  }
  async digest(): Promise<Digest> {
    return this.id;
  }
  async mediaType(): Promise<string> {
    return MediaTypes.ociLayer;
  }
  async size(): Promise<number> {
    const cached = await this.src.launchCache?.find(this.id);
    if (cached) return cached.size;
    return this.savedFile().then((f) => f.size);
  }
  /** The uncompressed tar's size (UncompressedSizeHint): lets the layer stream into a load without spooling. */
  uncompressedSize(): Promise<number> {
    return this.size();
  }
  compressed(signal?: AbortSignal): Promise<Readable> {
    return this.uncompressed(signal);
  }
  async uncompressed(signal?: AbortSignal): Promise<Readable> {
    const what = `daemon ${this.src.endpoint}: layer ${this.id}`;
    const cached = await this.src.launchCache?.find(this.id); // EP-29: no daemon read for a cached layer
    if (cached) return (await openVerified(cached.path, this.id, `${what} (launch cache ${cached.path})`)).stream;
    const file = await this.savedFile(signal);
    return (await openVerified(file.path, this.id, what)).stream;
  }

  private async savedFile(signal?: AbortSignal) {
    const saved = await this.src.saved(signal);
    return saved.layers.get(this.id)!;
  }
}
