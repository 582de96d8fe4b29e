import { ImageCache, selectorCacheIn, VolumeCache, type Cache, type LayerSelectorCache } from '../../cache/index.js';
import { isLifecycleError, wrapError } from '../../errors/index.js';
import type { ImageStore } from '../../image/index.js';
import { emptyLifecycleMetadata, readAnalyzed, readGroup, writeAnalyzed, type Analyzed, type ApiVersion } from '../../platform/index.js';
import type { Clock, Logger } from '../../sys/index.js';
import type { ReadAccessChecker } from '../common/index.js';
import { updateAnalyzed } from './analyzed-update.js';
import { restoreLayers, type RestoreLayersResult } from './restore-layers.js';

/** The restorer's resolved inputs (platform.md restorer table), all paths absolute. */
export interface RestorerInputs {
  readonly layersDir: string;
  readonly groupPath: string;
  readonly analyzedPath: string;
  readonly cacheDir?: string | undefined;
  readonly cacheImage?: string | undefined;
  readonly skipLayers: boolean;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
  /** ≥0.10 `-build-image`. */
  readonly buildImage?: string | undefined;
  /** ≥0.14 `-run`. */
  readonly runPath?: string | undefined;
  /** ≥0.10 `<kaniko-dir>` (RS-12/RS-15 sparse base images); undefined: nothing is saved for an extender. */
  readonly kanikoDir?: string | undefined;
}

/** The ports the restorer is given (built by the entrypoint, or by the creator). */
export interface RestorerPorts {
  readonly platformApi: ApiVersion;
  readonly logger: Logger;
  /** Image stores: `images` for run images (registry/daemon/layout), `registry` for the cache and build images. */
  readonly stores: { readonly images: ImageStore; readonly registry: ImageStore; readonly canRead: ReadAccessChecker };
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Opens the cache the restorer reads (RS-11, LY-14): `-cache-image` wins over `-cache-dir` ([REF]); neither →
 * undefined with the [REF] warning. A cache directory is opened read-only (nothing in it changes but the
 * layer selector records). A missing cache directory is an error (ERR_CACHE, exit 42).
 */
export async function openRestorerCache(
  i: Pick<RestorerInputs, 'cacheDir' | 'cacheImage'>,
  registry: ImageStore,
  logger: Logger,
): Promise<{ cache?: Cache; selectors?: LayerSelectorCache }> {
  if (i.cacheImage) return { cache: new ImageCache({ store: registry, ref: i.cacheImage, logger }) };
  if (i.cacheDir) {
    const cache = await VolumeCache.open(i.cacheDir, { readOnly: true, logger }).catch((e: unknown) => {
      throw wrapError(e, 'ERR_CACHE', `open cache directory ${i.cacheDir}`);
    });
    return { cache, selectors: selectorCacheIn(i.cacheDir, { logger }) };
  }
  logger.warn('No cached data will be used, no cache specified.');
  return {};
}

/**
 * The restorer (checklist §3.4): reads `<group>` (exit 12 on an unsupported Buildpack API) and `<analyzed>`
 * (missing or unusable → warning and empty metadata, RS-01 [REF]), updates analyzed.toml (RS-12..RS-15,
 * written only when something changed), opens the cache and restores store.toml and layers (`restoreLayers`).
 */
export async function runRestorer(i: RestorerInputs, p: RestorerPorts): Promise<RestoreLayersResult> {
  const { logger, platformApi } = p;
  const group = await readGroup(i.groupPath).catch((e: unknown) => {
    throw isLifecycleError(e) && e.code === 'ERR_BUILDPACK_API' ? e : wrapError(e, 'ERR_RESTORE', `read group ${i.groupPath}`);
  });

  let analyzed: Analyzed | undefined;
  try {
    const a = await readAnalyzed(i.analyzedPath);
    if (a.exists) analyzed = a;
    else logger.warn(`Not using analyzed data, usable file not found: ${i.analyzedPath} does not exist`);
  } catch (e) {
    logger.warn(`Not using analyzed data, usable file not found: ${(e as Error).message}`); // RS-01 [REF]
  }

  if (analyzed) {
    const updated = await updateAnalyzed({
      platformApi,
      analyzed,
      group,
      buildImage: i.buildImage,
      runPath: i.runPath,
      kanikoDir: i.kanikoDir,
      images: p.stores.images,
      registry: p.stores.registry,
      canRead: p.stores.canRead,
      logger,
    });
    if (updated) {
      await writeAnalyzed(i.analyzedPath, updated).catch((e: unknown) => {
        throw wrapError(e, 'ERR_RESTORE', `write analyzed metadata ${i.analyzedPath}`);
      });
      analyzed = updated;
    }
  }

  const { cache, selectors } = await openRestorerCache(i, p.stores.registry, logger);
  return restoreLayers({
    layersDir: i.layersDir,
    buildpacks: group.group,
    metadata: analyzed?.metadata ?? emptyLifecycleMetadata(),
    cache,
    skipLayers: i.skipLayers,
    platformApi,
    uid: i.uid,
    gid: i.gid,
    selectors,
    ...(p.clock ? { clock: p.clock } : {}),
    ...(p.sleep ? { sleep: p.sleep } : {}),
    logger,
  });
}
