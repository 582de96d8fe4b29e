import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageCache, selectorCacheIn, VolumeCache, type Cache } from '../../cache/index.js';
import type { PhaseStores } from '../common/index.js';
import { Exporter } from '../exporter/index.js';
import type { CreatorInputs, StepContext } from './types.js';

/** The default `-launcher-sbom` ([REF] file-name rule, ERRATA-26). */
const DEFAULT_SBOM_DIR = '/cnb/lifecycle';

/**
 * The export step (§3.7, as `exporter` runs it): `<image>` plus every `-tag` (CR-02), the cache
 * (`-cache-image` wins over `-cache-dir`; a cache that cannot be opened only warns, EP-25), `report.toml`.
 * `group.toml`, `<analyzed>` and `metadata.toml` are read again from disk by the exporter.
 */
export function exportStep(stores: PhaseStores): (i: CreatorInputs, ctx: StepContext) => Promise<void> {
  return async (i, ctx) => {
    const { logger } = ctx;
    let cache: Cache | undefined;
    if (i.cacheImage) {
      cache = new ImageCache({ store: stores.registry, ref: i.cacheImage, logger }); // FMT-27
    } else if (i.cacheDir) {
      try {
        // The restore step verified these tars when it extracted them (same as the exporter command).
        cache = await VolumeCache.open(i.cacheDir, { logger, verifyReuse: false }); // FMT-26
      } catch (e) {
        logger.warn(`Cache directory ${i.cacheDir} cannot be used: ${(e as Error).message}`); // EP-25
      }
    }
    const persist = i.cacheDir !== undefined && cache?.kind === 'volume';
    const artifactsDir = persist ? join(i.cacheDir as string, 'layer-artifacts-v1') : await mkdtemp(join(i.tmpDir, 'cnb-export-'));
    try {
      await new Exporter({
        store: stores.images,
        ...(cache ? { cache } : {}),
        ...(i.cacheDir ? { selectors: selectorCacheIn(i.cacheDir, { logger }) } : {}),
        artifactsDir,
        artifactsPersist: persist,
        logger,
      }).export({
        platformApi: i.platformApi,
        images: [i.image, ...i.tags], // CR-02
        layersDir: i.layersDir,
        appDir: i.appDir,
        analyzedPath: i.analyzedPath,
        groupPath: i.groupPath,
        projectMetadataPath: i.projectMetadataPath,
        reportPath: i.reportPath,
        launcherPath: i.launcherPath,
        ...(i.launcherSbomDir ? { launcherSbomDir: i.launcherSbomDir, launcherSbomIsDefault: i.launcherSbomDir === DEFAULT_SBOM_DIR } : {}),
        ...(i.processType ? { processType: i.processType } : {}),
        ...(i.runPath ? { runPath: i.runPath } : {}),
        ...(i.stackPath ? { stackPath: i.stackPath } : {}),
        uid: i.uid,
        gid: i.gid,
        parallel: i.parallel,
        ...(i.execEnv && i.env['CNB_EXEC_ENV'] ? { execEnv: i.execEnv } : {}),
        created: i.created,
        launcher: i.launcher,
      });
    } finally {
      if (!persist) await rm(artifactsDir, { recursive: true, force: true });
    }
  };
}
