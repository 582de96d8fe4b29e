import type { Readable } from 'node:stream';
import type { Layer } from '../../image/index.js';
import type { Digest } from '../../oci/index.js';
import { parseRef } from '../../ref/index.js';

/** Where the app image's blobs land: a cache image in another repository mounts from there. */
export interface BlobHome {
  readonly registry: string;
  readonly repository: string;
}

/** The registry and repository of the first app image tag (registry targets only). */
export function blobHomeOf(image: string): BlobHome {
  const r = parseRef(image);
  return { registry: r.registry, repository: r.repository };
}

/**
 * The app image's layer as handed to a cache *image* in another repository (src/cache README "uploaded
 * once"): the same blob, with a `mountSource` naming the app image's repository, and whose digest is
 * answered only after the app image's upload has settled, so the cache push finds the blob and mounts it
 * instead of uploading it again. A layer that already knows its home (a previous image's RemoteLayer) is
 * passed through unchanged.
 */
export function sharedWithAppImage(layer: Layer, home: BlobHome, appWritten: Promise<unknown>): Layer {
  if ((layer as { mountSource?: unknown }).mountSource !== undefined) return layer;
  const settled = appWritten.then(
    () => undefined,
    () => undefined,
  );
  return {
    mountSource: home,
    diffId: () => layer.diffId(),
    digest: async (): Promise<Digest> => {
      await settled;
      return layer.digest();
    },
    size: async () => {
      await settled;
      return layer.size();
    },
    mediaType: () => layer.mediaType(),
    compressed: (signal?: AbortSignal): Promise<Readable> => layer.compressed(signal),
    uncompressed: (signal?: AbortSignal): Promise<Readable> => layer.uncompressed(signal),
  } as Layer & { mountSource: BlobHome };
}
