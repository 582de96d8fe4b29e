import type { Descriptor, IndexManifest } from '../oci/index.js';
import { isIndexType, isManifestType } from '../oci/index.js';
import type { PlatformWant } from './types.js';

/** The default platform when none is asked for. */
export const DEFAULT_PLATFORM: PlatformWant = { os: 'linux', architecture: 'amd64' };

/**
 * Picks the manifest for `want` from an index: os and architecture must match, and the variant when both
 * sides give one. An index entry with no platform matches only when it is the single image entry. Nested
 * indexes are returned as candidates after the images (the caller recurses).
 */
export function selectManifest(index: IndexManifest, want: PlatformWant = DEFAULT_PLATFORM): Descriptor | undefined {
  const images = index.manifests.filter((d) => isManifestType(d.mediaType));
  const match = images.find((d) => {
    const p = d.platform;
    if (!p) return false;
    if (p.os !== want.os || p.architecture !== want.architecture) return false;
    return want.variant === undefined || p.variant === undefined || p.variant === want.variant;
  });
  if (match) return match;
  if (images.length === 1 && !images[0]?.platform) return images[0];
  return index.manifests.find((d) => isIndexType(d.mediaType));
}
