import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageCache, selectorCacheIn, VolumeCache, type Cache } from '../../cache/index.js';
import type { Logger } from '../../sys/index.js';
// Types only: the exporter service imports src/phase/common, so no value may come back from it.
import type { ExporterPorts } from '../exporter/index.js';
import type { PhaseStores } from './stores.js';

/** What the exporter's ports are built from: the export inputs of `exporter` or of the creator's export step. */
export interface ExportPortOptions {
  /** Opened before the uid drop (GEN-12): `images` for the app image, `registry` for `-cache-image`. */
  readonly stores: Pick<PhaseStores, 'images' | 'registry'>;
  /** `-cache-dir` (FMT-26); also holds the layer selectors and the persistent layer artifacts. */
  readonly cacheDir?: string | undefined;
  /** `-cache-image` (FMT-27); wins over `-cache-dir`. */
  readonly cacheImage?: string | undefined;
  /** EP-29: `-launch-cache`, only with `-daemon` (pass undefined otherwise). */
  readonly launchCacheDir?: string | undefined;
  /** EP-30: hand the exporter a remover for the previous `-cache-image` (it acts below Platform 0.13 only). */
  readonly removeOldCacheImage?: boolean;
  /** Where a temporary artifacts dir is made when there is no volume cache. */
  readonly tmpDir: string;
  readonly logger: Logger;
}

/** Opens `-launch-cache` as a volume cache (EP-29 [REF]); a directory that cannot be used only warns. */
async function openLaunchCache(dir: string, logger: Logger): Promise<Cache | undefined> {
  try {
    return await VolumeCache.open(dir, { logger });
  } catch (e) {
    logger.warn(`Launch cache ${dir} cannot be used: ${(e as Error).message}`);
    return undefined;
  }
}

/** Opens the export cache: `-cache-image` wins over `-cache-dir`; a cache dir that cannot be opened only warns (EP-25). */
async function openExportCache(o: ExportPortOptions): Promise<Cache | undefined> {
  if (o.cacheImage) return new ImageCache({ store: o.stores.registry, ref: o.cacheImage, logger: o.logger }); // FMT-27
  if (!o.cacheDir) return undefined;
  try {
    // The restorer verified these tars when it extracted them; re-hashing on reuse would re-read them (issue 7).
    return await VolumeCache.open(o.cacheDir, { logger: o.logger, verifyReuse: false }); // FMT-26
  } catch (e) {
    o.logger.warn(`Cache directory ${o.cacheDir} cannot be used: ${(e as Error).message}`); // EP-25
    return undefined;
  }
}

/**
 * Builds the `ExporterPorts` the exporter phase and the creator's export step share, runs `use` with them and
 * cleans up: the cache, the launch cache (EP-29), the layer selectors (with `-cache-dir`), the layer artifacts
 * dir (`<cache-dir>/layer-artifacts-v1`, kept across builds, when the volume cache opened; else a temp dir,
 * removed afterwards) and the EP-30 cache image remover. The stores are not closed here.
 */
export async function withExportPorts<T>(o: ExportPortOptions, use: (ports: ExporterPorts) => Promise<T>): Promise<T> {
  const { logger } = o;
  const cache = await openExportCache(o);
  const launchCache = o.launchCacheDir ? await openLaunchCache(o.launchCacheDir, logger) : undefined;
  const persist = o.cacheDir !== undefined && cache?.kind === 'volume';
  const artifactsDir = persist ? join(o.cacheDir as string, 'layer-artifacts-v1') : await mkdtemp(join(o.tmpDir, 'cnb-export-'));
  try {
    return await use({
      store: o.stores.images,
      ...(cache ? { cache } : {}),
      ...(o.cacheDir ? { selectors: selectorCacheIn(o.cacheDir, { logger }) } : {}),
      artifactsDir,
      artifactsPersist: persist,
      ...(launchCache ? { launchCache } : {}),
      ...(o.removeOldCacheImage && o.cacheImage ? { cacheImageRemover: { store: o.stores.registry, ref: o.cacheImage } } : {}), // EP-30 (<0.13)
      logger,
    });
  } finally {
    if (!persist) await rm(artifactsDir, { recursive: true, force: true });
  }
}
