import type { Image, WriteResult } from '../image/index.js';
import { FileLayer } from '../layer/index.js';
import { MediaTypes, type Descriptor, type Digest } from '../oci/index.js';
import { mapConcurrent } from '../stream/index.js';
import { REF_NAME, type OciLayout } from './oci-layout.js';

/** Options of `writeImage`. */
export interface WriteImageOptions {
  /** The ref-name annotation; an index entry with the same name is replaced (append otherwise). */
  readonly refName?: string;
  /** Extra annotations on the index entry. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Blobs written at once (default 4). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

/**
 * Writes an image into a layout: layers (bounded concurrency; blobs already present are not rewritten; our
 * own FileLayer blobs are copied as files), then the config, then the manifest, then index.json (atomically,
 * replacing the entry with the same ref name, or an identical digest without a name). Returns the manifest
 * digest, the image ID (config digest) and the manifest size (FMT-REPORT).
 */
export async function writeImage(layout: OciLayout, image: Image, options: WriteImageOptions = {}): Promise<WriteResult> {
  const [manifest, rawManifest, rawConfig, layers, mediaType] = await Promise.all([image.manifest(), image.rawManifest(), image.rawConfig(), image.layers(), image.mediaType()]);
  await mapConcurrent(layers, options.concurrency ?? 4, async (layer, i) => {
    const d = manifest.layers[i] as Descriptor;
    if (layer instanceof FileLayer && layer.file.digest === d.digest) {
      await layout.writeBlob(d, { copyFrom: layer.file.gzPath });
    } else {
      await layout.writeBlob(d, () => layer.compressed(options.signal));
    }
  });
  await layout.writeBlob(manifest.config, rawConfig);
  const digest = (await image.digest()) as Digest;
  const desc: Descriptor = {
    mediaType,
    size: rawManifest.byteLength,
    digest,
    ...(options.refName !== undefined || options.annotations
      ? { annotations: { ...(options.annotations ?? {}), ...(options.refName !== undefined ? { [REF_NAME]: options.refName } : {}) } }
      : {}),
  };
  await layout.writeBlob(desc, rawManifest);
  await layout.updateIndex((index) => {
    const keep = index.manifests.filter((m) => {
      const name = m.annotations?.[REF_NAME];
      if (options.refName !== undefined) return name !== options.refName;
      return !(name === undefined && m.digest === digest);
    });
    return { schemaVersion: 2, mediaType: index.mediaType ?? MediaTypes.ociIndex, manifests: [...keep, desc], ...(index.annotations ? { annotations: index.annotations } : {}) };
  });
  return { digest, imageId: await image.imageId(), manifestSize: rawManifest.byteLength };
}
