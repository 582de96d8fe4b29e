import { CoreLayer, type Layer } from '../image/index.js';
import type { Descriptor, Digest } from '../oci/index.js';
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
export class RemoteLayer extends CoreLayer {
  /** The blob's home; `RegistryStore.write` mounts from here. Decorators that keep a layer should keep this. */
  readonly mountSource: MountSource;

  constructor(client: RepoClient, descriptor: Descriptor, diff: Digest) {
    super({ blob: (d, signal) => getBlob(client, d, signal) }, descriptor, diff, `${client.registry}/${client.repository}`);
    this.mountSource = { registry: client.registry, repository: client.repository };
  }
}

/** The mount source of a layer, when it is a remote layer (or a decorator that kept `mountSource`). */
export function mountSourceOf(layer: Layer): MountSource | undefined {
  const s = (layer as { mountSource?: unknown }).mountSource as Partial<MountSource> | undefined;
  return s && typeof s.registry === 'string' && typeof s.repository === 'string' ? { registry: s.registry, repository: s.repository } : undefined;
}
