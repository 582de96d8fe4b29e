import type { Readable } from 'node:stream';
import type { Descriptor, Digest, ImageConfig, IndexManifest, Manifest } from '../oci/index.js';

/**
 * An immutable layer. Lazy: a remote or daemon layer fetches nothing until a reader is opened.
 * `digest` is the sha256 of the compressed blob; `diffId` the sha256 of the uncompressed tar.
 */
export interface Layer {
  /** sha256 of the uncompressed tar (as in the config's rootfs.diff_ids). */
  diffId(): Promise<Digest>;
  /** sha256 of the compressed blob (as in the manifest). */
  digest(): Promise<Digest>;
  /** Size in bytes of the compressed blob. */
  size(): Promise<number>;
  mediaType(): Promise<string>;
  /** The compressed bytes; verified against digest and size at EOF when they come from outside. */
  compressed(signal?: AbortSignal): Promise<Readable>;
  /** The uncompressed tar; verified against diffId at EOF when it comes from outside. */
  uncompressed(signal?: AbortSignal): Promise<Readable>;
}

/** An immutable image. Accessors are memoized; reading the manifest or config never reads a layer. */
export interface Image {
  mediaType(): Promise<string>;
  rawManifest(): Promise<Uint8Array>;
  manifest(): Promise<Manifest>;
  /** sha256 of the raw manifest bytes. */
  digest(): Promise<Digest>;
  rawConfig(): Promise<Uint8Array>;
  config(): Promise<ImageConfig>;
  /** The image ID: sha256 of the raw config bytes. */
  imageId(): Promise<Digest>;
  /** Layers in manifest order. */
  layers(): Promise<Layer[]>;
  layerByDigest(digest: Digest): Promise<Layer>;
  layerByDiffId(diffId: Digest): Promise<Layer>;
}

/** An image index or Docker manifest list. */
export interface ImageIndex {
  mediaType(): Promise<string>;
  rawManifest(): Promise<Uint8Array>;
  indexManifest(): Promise<IndexManifest>;
  digest(): Promise<Digest>;
  image(digest: Digest): Promise<Image>;
  index(digest: Digest): Promise<ImageIndex>;
}

/** Re-openable content: a descriptor plus a reader that can be opened again (retries, several passes). */
export interface Blob {
  readonly descriptor: Descriptor;
  open(signal?: AbortSignal): Promise<Readable>;
}

/** The minimal per-backend core that `partial` turns into a full Image. */
export interface ImageCore {
  rawManifest(): Promise<Uint8Array>;
  /** Opens a blob (config or layer) by its digest, verified against digest and size. */
  blob(descriptor: Descriptor, signal?: AbortSignal): Promise<Readable>;
  /** The raw config bytes; defaults to reading the config blob. */
  rawConfig?(): Promise<Uint8Array>;
}

/** The result of writing an image, for report.toml (FMT-REPORT). */
export interface WriteResult {
  /** The manifest digest (registry and layout). */
  readonly digest?: Digest;
  /** The image ID (config digest). */
  readonly imageId: Digest;
  /** The manifest size in bytes. */
  readonly manifestSize?: number;
}

/** Target platform for picking an image out of an index. */
export interface PlatformWant {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** Resolves references to lazy images. `undefined` means "no such image" (not an error). */
export interface ImageSource {
  /** The image at `ref`; an index is resolved to the manifest for `platform` (default linux/amd64). */
  image(ref: string, options?: { platform?: PlatformWant; signal?: AbortSignal }): Promise<Image | undefined>;
  exists(ref: string, signal?: AbortSignal): Promise<boolean>;
}

/** Writes images. Layers the target already has are not sent again. */
export interface ImageSink {
  /** Writes `image` under every reference in `refs` (the same manifest bytes for each). */
  write(image: Image, refs: readonly string[], signal?: AbortSignal): Promise<WriteResult>;
  /**
   * Optional hint: `layer` will be in an image written to `refs` soon, so the sink may start copying its
   * blob now (the registry store uploads it while other layers are still being compressed). The later
   * `write` reuses that work and reports its failure with its usual typed error. Never throws; `signal`
   * abandons the early copy. Sinks without it (layout, daemon) do everything in `write`.
   */
  prepareLayer?(layer: Layer, refs: readonly string[], signal?: AbortSignal): void;
}

/** What phases receive: a source and a sink of one kind. */
export interface ImageStore extends ImageSource, ImageSink {
  readonly kind: 'registry' | 'layout' | 'daemon';
}
