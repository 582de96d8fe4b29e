import { copyFile, lstat, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeId } from '../../buildpack/index.js';
import type { Cache } from '../../cache/index.js';
import { isDigest } from '../../oci/index.js';
import type { Logger } from '../../sys/index.js';
import { extractCachedLayer } from './layer-extract.js';

/** LY-18: the SBOM file extensions a layer SBOM may have. */
const SBOM_EXTS = ['cdx.json', 'spdx.json', 'syft.json'] as const;

/**
 * RS-10 (≥0.8), first half: extracts the cache SBOM layer (`sbom.sha` of the cache metadata, a diffID) to
 * `<layers>/sbom/cache/…` with the same safe extraction as buildpack layers. A missing or corrupt SBOM
 * layer only gives a warning (RS-06 [REF] downgrade): the layer SBOMs of cached layers are then not restored.
 */
export async function restoreCacheSbomLayer(cache: Cache, sha: string, layersDir: string, logger: Logger, ids: { uid?: number | undefined; gid?: number | undefined }): Promise<void> {
  if (sha === '') return;
  if (!isDigest(sha)) {
    logger.warn(`Not restoring the SBOM layer from cache: invalid diffID '${sha}'`);
    return;
  }
  logger.info('Restoring data for SBOM from cache');
  const out = await extractCachedLayer({ cache, diffId: sha, dir: join(layersDir, 'sbom', 'cache'), tail: ['sbom', 'cache'], uid: ids.uid, gid: ids.gid });
  if (!out.ok) logger.warn(`Not restoring the SBOM layer from cache: ${out.reason}`);
}

/**
 * RS-10 (≥0.8), second half, and LY-20: copies `<layers>/sbom/{cache,launch}/<escaped-bp>/<layer>/sbom.<ext>`
 * (cache first, then launch, which wins) to `<layers>/<escaped-bp>/<layer>.sbom.<ext>` for buildpacks of the
 * group. [ERRATA-D-RS1] Only for layers whose `<layer>.toml` was restored (`restored`), so a layer SBOM always
 * comes with its metadata (RS-06, RS-07); REF copies it for any layer whose buildpack directory exists.
 * Launch-level and build-level SBOMs are never restored. Finally `<layers>/sbom` is removed.
 */
export async function restoreLayerSboms(layersDir: string, restored: ReadonlyMap<string, ReadonlySet<string>>, logger: Logger): Promise<void> {
  const root = join(layersDir, 'sbom');
  const realRoot = await realpath(root).catch(() => root);
  try {
    for (const kind of ['cache', 'launch']) {
      for (const [bpId, layers] of restored) {
        const bp = escapeId(bpId);
        for (const layer of layers) {
          for (const ext of SBOM_EXTS) {
            const src = join(root, kind, bp, layer, `sbom.${ext}`);
            const st = await lstat(src).catch(() => undefined);
            if (!st?.isFile()) continue; // symlinks are never followed
            const real = await realpath(src).catch(() => '');
            if (!real.startsWith(`${realRoot}/`)) continue; // nor are symlinked directories on the way
            logger.debug(`Restoring SBOM ${src}`);
            await copyFile(src, join(layersDir, bp, `${layer}.sbom.${ext}`));
          }
        }
      }
    }
  } finally {
    // [REF] best effort (REF ignores the error of its deferred RemoveAll)
    await rm(root, { recursive: true, force: true }).catch((e: unknown) => logger.warn(`Could not remove ${root}: ${(e as Error).message}`));
  }
}

