import { mkdir } from 'node:fs/promises';
import { posix } from 'node:path';
import { extractTar } from '../../archive/index.js';
import { analyzeError } from './errors.js';
import type { Image } from '../../image/index.js';
import { parseDigest } from '../../oci/index.js';
import type { Logger } from '../../sys/index.js';

/**
 * Maps a tar entry name of the SBOM layer to a path relative to `<layers>`, or undefined to skip it.
 * The exporter writes absolute names `<layers>/sbom/launch/...` (with parents `<layers>`, `<layers>/sbom`);
 * only `<layers>/sbom` and what is below `<layers>/sbom/launch` are restored (AN-15).
 */
export function sbomEntryPath(name: string, layersDir: string): string | undefined {
  const abs = posix.normalize(`/${name}`).replace(/\/+$/, '');
  const root = posix.normalize(`/${layersDir.split('\\').join('/')}`).replace(/\/+$/, '');
  const rel = abs.startsWith(`${root}/`) ? abs.slice(root.length + 1) : undefined;
  if (rel === undefined) return undefined;
  if (rel === 'sbom' || rel === 'sbom/launch' || rel.startsWith('sbom/launch/')) return rel;
  return undefined;
}

/**
 * AN-15 [REF]: restores the previous image's launch SBOM layer (label `sbom.sha`, a diffID) under
 * `<layers>/sbom/launch/...` with the safe extractor (no escapes, nothing outside `<layers>/sbom/launch`).
 * The layer's bytes are verified against the diffID while read. A missing layer is an analyze error (32).
 */
export async function restoreSbomLayer(image: Image, diffId: string, layersDir: string, logger: Logger): Promise<void> {
  logger.info('Restoring data for SBOM from previous image');
  logger.debug(`Retrieving previous image SBOM layer for "${diffId}"`);
  try {
    const layer = await image.layerByDiffId(parseDigest(diffId));
    await mkdir(layersDir, { recursive: true });
    await extractTar(await layer.uncompressed(), layersDir, {
      rename: (name) => sbomEntryPath(name, layersDir),
      owner: 'never',
      what: `SBOM layer ${diffId}`,
    });
  } catch (e) {
    throw analyzeError(e, 'retrieving launch SBOM layer');
  }
}
