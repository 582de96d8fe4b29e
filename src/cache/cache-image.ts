import { appendLayers, editConfig, emptyImage, setCreated, type Image, type Layer } from '../image/index.js';
import { MediaTypes } from '../oci/index.js';

/** How the cache image is written. */
export interface CacheImageSpec {
  readonly os: string;
  readonly architecture: string;
  /** Manifest flavour; layer media types follow it (the blob bytes are the same). */
  readonly mediaTypes: 'oci' | 'docker';
  /** Image `created` time. */
  readonly created: Date;
  /** Config labels (the cache metadata label, FMT-27). */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The cache image (FMT-27): no base, `layers` in order, the labels, nothing else, composed from the lazy
 * `image` decorators. Building the manifest asks each layer only for diffID, digest, size and media type,
 * so layers reused from the previous cache image are never downloaded, and each `Layer` object is kept as
 * given (a sink can recognize or mount it).
 */
export function cacheImage(layers: readonly Layer[], spec: CacheImageSpec): Image {
  const base = emptyImage(
    { os: spec.os, architecture: spec.architecture },
    { mediaType: spec.mediaTypes === 'oci' ? MediaTypes.ociManifest : MediaTypes.dockerManifest },
  );
  const withLayers = appendLayers(base, layers.map((layer) => ({ layer })));
  const labelled = editConfig(withLayers, (c) => {
    c.config = { ...(c.config ?? {}), Labels: { ...spec.labels } };
  });
  return setCreated(labelled, spec.created);
}
