import { MediaTypes, type Platform } from '../oci/index.js';
import { ComputedImage, type MutableConfig } from './computed-image.js';
import type { Image } from './types.js';

/**
 * An image with no layers for `platform` (default OCI media types): the start of an image built from
 * scratch and of `random-image` in tests. Config key order: architecture, os, variant, os.version, config,
 * rootfs, history.
 */
export function emptyImage(platform: Partial<Platform> = {}, options: { mediaType?: string } = {}): Image {
  return new ComputedImage(async () => {
    const config: MutableConfig = {
      architecture: platform.architecture ?? 'amd64',
      os: platform.os ?? 'linux',
      ...(platform.variant ? { variant: platform.variant } : {}),
      ...(platform['os.version'] ? { 'os.version': platform['os.version'] } : {}),
      config: {},
      rootfs: { type: 'layers', diff_ids: [] },
      history: [],
    };
    return { mediaType: options.mediaType ?? MediaTypes.ociManifest, config, slots: [] };
  });
}
