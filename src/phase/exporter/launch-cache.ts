import type { Cache } from '../../cache/index.js';
import type { Logger } from '../../sys/index.js';
import type { BuiltLayer } from './layer-builder.js';

/**
 * EP-29 [REF] (`-launch-cache` with `-daemon`, CachingImage): puts every layer of the app image into the launch
 * cache and commits it, after the image was written. A layer we tarred is hard-linked from its kept tar; a
 * layer taken from the previous image is carried over from the launch cache when it is there, and otherwise
 * read once from the previous image (so the next export finds it: no `save` from the daemon). Returns false,
 * after a warning, when anything fails: the launch cache never fails the export.
 */
export async function writeLaunchCache(cache: Cache, layers: readonly BuiltLayer[], logger: Logger): Promise<boolean> {
  try {
    const seen = new Set<string>();
    for (const b of layers) {
      if (seen.has(b.diffId)) continue;
      seen.add(b.diffId);
      if (b.local?.file.tarPath !== undefined) {
        await cache.addLayer(b.local);
        continue;
      }
      if (await cache.reuseLayer(b.diffId)) continue;
      const layer = b.local ?? b.layer;
      if (layer) await cache.addLayer(layer);
    }
    await cache.commit();
    return true;
  } catch (e) {
    logger.warn(`Failed to write launch cache ${cache.name}: ${(e as Error).message}`);
    return false;
  }
}
