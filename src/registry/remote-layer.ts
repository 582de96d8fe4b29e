import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Layer } from '../image/index.js';
import { isGzipLayerType, type Descriptor, type Digest } from '../oci/index.js';
import { verifyStream } from '../stream/index.js';
import { getBlob } from './blobs.js';
import type { RepoClient } from './client.js';

/** Where a remote layer's blob lives, so a push to the same registry can mount it instead of uploading. */
export interface MountSource {
  readonly registry: string;
  readonly repository: string;
}

/**
 * A lazy layer of a registry image: digest, size and media type from the manifest, diffID from the config;
 * no byte is fetched until `compressed()` or `uncompressed()` is opened. Compressed bytes are verified
 * against the blob digest and size, uncompressed bytes against the diffID, both at EOF (ERR_DIGEST).
 */
export class RemoteLayer implements Layer {
  /** The blob's home; `RegistryStore.write` mounts from here. Decorators that keep a layer should keep this. */
  readonly mountSource: MountSource;

  constructor(
    private readonly client: RepoClient,
    readonly descriptor: Descriptor,
    private readonly diff: Digest,
  ) {
    this.mountSource = { registry: client.registry, repository: client.repository };
  }

  async diffId(): Promise<Digest> {
    return this.diff;
  }

  async digest(): Promise<Digest> {
    return this.descriptor.digest;
  }

  async size(): Promise<number> {
    return this.descriptor.size;
  }

  async mediaType(): Promise<string> {
    return this.descriptor.mediaType;
  }

  compressed(signal?: AbortSignal): Promise<Readable> {
    return getBlob(this.client, this.descriptor, signal);
  }

  async uncompressed(signal?: AbortSignal): Promise<Readable> {
    const blob = await this.compressed(signal);
    const what = `layer ${this.diff} of ${this.client.registry}/${this.client.repository}`;
    if (!isGzipLayerType(this.descriptor.mediaType)) return verifyStream(blob, { digest: this.diff }, what);
    const gunzip = createGunzip();
    blob.on('error', (e) => gunzip.destroy(e));
    return verifyStream(blob.pipe(gunzip), { digest: this.diff }, what);
  }
}

/** The mount source of a layer, when it is a remote layer (or a decorator that kept `mountSource`). */
export function mountSourceOf(layer: Layer): MountSource | undefined {
  const s = (layer as { mountSource?: unknown }).mountSource as Partial<MountSource> | undefined;
  return s && typeof s.registry === 'string' && typeof s.repository === 'string' ? { registry: s.registry, repository: s.repository } : undefined;
}
