import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { digestHex, type Digest } from '../oci/index.js';

/** A layer tar found on disk: the uncompressed bytes of one layer, to be verified against its diffID on read. */
export interface CachedLayerFile {
  readonly path: string;
  readonly size: number;
}

/**
 * The launch cache (`-launch-cache`, EP-29): uncompressed launch layer tars kept on disk by diffID, so that
 * reusing a layer of the previous image, or sending a layer to the daemon, does not need a `save` from the
 * daemon. Only a lookup: the exporter's cache (src/cache, a VolumeCache) writes it.
 */
export interface LaunchCache {
  /** The tar of the layer with this diffID (sha256 of the uncompressed tar), or undefined. Never throws for a miss. */
  find(diffId: Digest): Promise<CachedLayerFile | undefined>;
}

/**
 * The launch cache in `dir`, in [REF]'s VolumeCache layout: `<dir>/committed/<diffID>.tar`, where `<diffID>` is
 * `sha256:<hex>` (REF on Windows drops the `sha256:` prefix; both names are looked up). The staging dir is not
 * read: only committed layers count.
 */
export function dirLaunchCache(dir: string): LaunchCache {
  return {
    async find(diffId: Digest): Promise<CachedLayerFile | undefined> {
      for (const name of [`${diffId}.tar`, `${digestHex(diffId)}.tar`]) {
        const path = join(dir, 'committed', name);
        try {
          const s = await stat(path);
          if (s.isFile()) return { path, size: s.size };
        } catch {
          // a miss (or an unreadable entry) is just a miss: the daemon is the fallback
        }
      }
      return undefined;
    },
  };
}
