import { LifecycleError } from '../errors/index.js';
import {
  configTypeFor,
  encodeJson,
  isManifestType,
  MediaTypes,
  sha256Digest,
  type Descriptor,
  type Digest,
  type ImageConfig,
  type Manifest,
} from '../oci/index.js';
import { once } from '../stream/index.js';
import { findLayer } from './partial.js';
import type { Image, Layer } from './types.js';

/** One layer of an image being composed; `descriptor` is reused when it came from a manifest (no I/O). */
export interface LayerSlot {
  readonly layer: Layer;
  readonly descriptor?: Descriptor;
}

/** Mutable JSON form of a config while it is being edited. */
export type MutableConfig = { -readonly [K in keyof ImageConfig]: ImageConfig[K] } & Record<string, unknown>;

/** What a composed image is made of; each decorator derives a new state from its base's. */
export interface ImageState {
  mediaType: string;
  config: MutableConfig;
  slots: LayerSlot[];
  /** Manifest annotations kept from the base. */
  annotations?: Record<string, string>;
}

/** The manifest-consistent layer media type for a manifest type (OCI ↔ Docker conversion). */
export function layerTypeIn(manifestType: string, layerType: string): string {
  const docker = manifestType === MediaTypes.dockerManifest;
  if (docker) {
    if (layerType === MediaTypes.ociLayerGzip) return MediaTypes.dockerLayerGzip;
    if (layerType === MediaTypes.ociLayerNondistributableGzip) return MediaTypes.dockerForeignLayerGzip;
  } else {
    if (layerType === MediaTypes.dockerLayerGzip) return MediaTypes.ociLayerGzip;
    if (layerType === MediaTypes.dockerForeignLayerGzip) return MediaTypes.ociLayerNondistributableGzip;
  }
  return layerType;
}

/** The composable state of any Image (a fresh, deep-copied config every call, so callers may mutate it). */
export async function stateOf(image: Image): Promise<ImageState> {
  if (image instanceof ComputedImage) {
    const s = await image.state();
    return { ...s, config: structuredClone(s.config), slots: [...s.slots], ...(s.annotations ? { annotations: { ...s.annotations } } : {}) };
  }
  const [manifest, config, layers, mediaType] = await Promise.all([image.manifest(), image.config(), image.layers(), image.mediaType()]);
  if (layers.length !== manifest.layers.length) throw new LifecycleError('ERR_IMAGE', `image has ${layers.length} layers but its manifest lists ${manifest.layers.length}`);
  return {
    mediaType,
    config: structuredClone(config) as MutableConfig,
    slots: layers.map((layer, i) => ({ layer, descriptor: manifest.layers[i] as Descriptor })),
    ...(manifest.annotations ? { annotations: { ...manifest.annotations } } : {}),
  };
}

async function descriptorOf(slot: LayerSlot, manifestType: string): Promise<Descriptor> {
  const d = slot.descriptor;
  if (d) {
    // Keep urls/annotations of a base layer; convert only its media type. Key order as Go encodes descriptors.
    return { mediaType: layerTypeIn(manifestType, d.mediaType), size: d.size, digest: d.digest, ...(d.urls ? { urls: d.urls } : {}), ...(d.annotations ? { annotations: d.annotations } : {}) };
  }
  const [mt, size, digest] = await Promise.all([slot.layer.mediaType(), slot.layer.size(), slot.layer.digest()]);
  return { mediaType: layerTypeIn(manifestType, mt), size, digest };
}

/**
 * An image computed from an ImageState (the result of every `mutate` decorator). The state, the config
 * JSON and the manifest JSON are each computed once, on first access (DESIGN §5.3); the layers are the
 * slots' Layer objects, unchanged, so layers taken from another image keep their identity.
 */
export class ComputedImage implements Image {
  readonly state: () => Promise<ImageState>;
  readonly rawConfig: () => Promise<Uint8Array>;
  readonly rawManifest: () => Promise<Uint8Array>;
  readonly imageId: () => Promise<Digest>;
  readonly digest: () => Promise<Digest>;
  readonly manifest: () => Promise<Manifest>;
  readonly layers: () => Promise<Layer[]>;

  constructor(compute: () => Promise<ImageState>) {
    this.state = once(compute);
    this.rawConfig = once(async () => encodeJson((await this.state()).config));
    this.imageId = once(async () => sha256Digest(await this.rawConfig()));
    this.manifest = once(async () => {
      const s = await this.state();
      if (!isManifestType(s.mediaType)) throw new LifecycleError('ERR_IMAGE', `unsupported manifest media type '${s.mediaType}'`);
      const raw = await this.rawConfig();
      const layers = await Promise.all(s.slots.map((slot) => descriptorOf(slot, s.mediaType)));
      const m: Manifest = {
        schemaVersion: 2,
        mediaType: s.mediaType,
        config: { mediaType: configTypeFor(s.mediaType), size: raw.byteLength, digest: sha256Digest(raw) },
        layers,
        ...(s.annotations && s.mediaType !== MediaTypes.dockerManifest ? { annotations: s.annotations } : {}),
      };
      return m;
    });
    this.rawManifest = once(async () => encodeJson(await this.manifest()));
    this.digest = once(async () => sha256Digest(await this.rawManifest()));
    this.layers = once(async () => (await this.state()).slots.map((s) => s.layer));
  }

  async mediaType(): Promise<string> {
    return (await this.state()).mediaType;
  }

  async config(): Promise<ImageConfig> {
    return (await this.state()).config as ImageConfig;
  }

  async layerByDigest(digest: Digest): Promise<Layer> {
    return findLayer(await this.layers(), (l) => l.digest(), digest, 'image');
  }

  async layerByDiffId(diffId: Digest): Promise<Layer> {
    return findLayer(await this.layers(), (l) => l.diffId(), diffId, 'image');
  }
}
