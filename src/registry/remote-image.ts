import { LifecycleError } from '../errors/index.js';
import type { Image, Layer } from '../image/index.js';
import { parseConfig, parseManifest, type Digest, type ImageConfig, type Manifest } from '../oci/index.js';
import { collect, once } from '../stream/index.js';
import { getBlob } from './blobs.js';
import type { RepoClient } from './client.js';
import type { FetchedManifest } from './manifests.js';
import { RemoteLayer } from './remote-layer.js';

/** Configs larger than this are refused (a config is metadata, not content). */
const MAX_CONFIG = 64 * 1024 * 1024;

/**
 * A lazy registry image. Holds the verified manifest bytes; the config is fetched (and verified against the
 * manifest's config digest) on first use; layers are RemoteLayers that fetch nothing until opened.
 */
export class RemoteImage implements Image {
  private readonly parsed: Manifest;

  constructor(
    private readonly client: RepoClient,
    private readonly fetched: FetchedManifest,
  ) {
    this.parsed = parseManifest(fetched.raw, fetched.mediaType);
  }

  /** The repository this image was read from (registry and repository). */
  get source(): { registry: string; repository: string } {
    return { registry: this.client.registry, repository: this.client.repository };
  }

  async mediaType(): Promise<string> {
    return this.fetched.mediaType;
  }

  async rawManifest(): Promise<Uint8Array> {
    return this.fetched.raw;
  }

  async manifest(): Promise<Manifest> {
    return this.parsed;
  }

  /** The manifest digest: sha256 of the raw manifest bytes. */
  async digest(): Promise<Digest> {
    return this.fetched.digest;
  }

  readonly rawConfig = once(async (): Promise<Uint8Array> => {
    const d = this.parsed.config;
    if (d.size > MAX_CONFIG) throw new LifecycleError('ERR_IMAGE', `config ${d.digest} of ${this.where()} is larger than ${MAX_CONFIG} bytes`);
    return collect(await getBlob(this.client, d));
  });

  readonly config = once(async (): Promise<ImageConfig> => parseConfig(await this.rawConfig()));

  /** The image ID: the config digest (sha256 of the raw config bytes, verified when fetched). */
  async imageId(): Promise<Digest> {
    return this.parsed.config.digest;
  }

  readonly layers = once(async (): Promise<Layer[]> => {
    const diffIds = (await this.config()).rootfs.diff_ids;
    const descs = this.parsed.layers;
    if (diffIds.length !== descs.length) {
      throw new LifecycleError('ERR_IMAGE', `image ${this.where()}: manifest has ${descs.length} layers but config has ${diffIds.length} diff_ids`);
    }
    return descs.map((d, i) => new RemoteLayer(this.client, d, diffIds[i] as Digest));
  });

  async layerByDigest(digest: Digest): Promise<Layer> {
    const l = (await this.layers()).find((x) => (x as RemoteLayer).descriptor.digest === digest);
    if (!l) throw new LifecycleError('ERR_IMAGE', `image ${this.where()} has no layer with digest ${digest}`);
    return l;
  }

  async layerByDiffId(diffId: Digest): Promise<Layer> {
    const layers = await this.layers();
    for (const l of layers) if ((await l.diffId()) === diffId) return l;
    throw new LifecycleError('ERR_IMAGE', `image ${this.where()} has no layer with diffID ${diffId}`);
  }

  private where(): string {
    return `${this.client.registry}/${this.client.repository}@${this.fetched.digest}`;
  }
}
