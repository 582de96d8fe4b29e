import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fingerprintDir } from '../../cache/index.js';
import type { Clock } from '../../sys/index.js';
import { layerFingerprintSalt } from '../restorer/fingerprints.js';
import { dirLayerSpec } from './fixed-layers.js';
import type { LayerSpec } from './layer-builder.js';
import type { BuildpackLayerPlan } from './layer-plan.js';

/** The selector key of a buildpack layer: `<bp id>:<layer name>`. */
export const layerKey = (l: { buildpackId: string; name: string }): string => `${l.buildpackId}:${l.name}`;

/**
 * The spec of a buildpack layer to create (EP-05): its directory with absolute paths and parents, contents
 * owned by uid:gid (LY-29), fingerprinted with the restorer's salt so restored, untouched layers hit (issue 7).
 */
export function buildpackLayerSpec(l: BuildpackLayerPlan, ids: { uid: number; gid: number }, volumeCache: boolean, clock?: Clock): LayerSpec {
  return dirLayerSpec(layerKey(l), l.dir, ids.uid, ids.gid, {
    fingerprint: async () => fingerprintDir(l.dir, { salt: await layerFingerprintSalt(l.dir, ids), ...(clock ? { clock } : {}) }),
    keepTar: l.types.cache && volumeCache,
    inImage: l.types.launch,
  });
}

/** LY-15: the cache SBOM layer from `<layers>/sbom/cache`, when it exists. */
export async function cacheSbomSpec(layersDir: string, ids: { uid: number; gid: number }, volumeCache: boolean): Promise<LayerSpec | undefined> {
  const dir = join(layersDir, 'sbom', 'cache');
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) return undefined;
  return dirLayerSpec('cache sbom', dir, ids.uid, ids.gid, { keepTar: volumeCache, inImage: false });
}
