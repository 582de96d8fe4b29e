import { createHash } from 'node:crypto';
import { fingerprintDir, type Fingerprint } from '../../cache/index.js';
import type { Digest } from '../../oci/index.js';
import type { LaunchSlice } from '../../platform/index.js';
import { once } from '../../stream/index.js';
import type { Clock } from '../../sys/index.js';
import { layerFingerprintSalt } from '../restorer/fingerprints.js';
import type { LayerSpec } from './layer-builder.js';
import { appEntries, partitionApp } from './slices.js';

/** Derives the fingerprint of app layer `index` from the app dir's fingerprint and the slice globs. */
function derive(fp: Fingerprint, index: number, slices: readonly LaunchSlice[]): Fingerprint {
  const h = createHash('sha256').update(`${fp.digest}\0app-layer\0${index}\0${JSON.stringify(slices.map((s) => s.paths))}`);
  return { ...fp, digest: `sha256:${h.digest('hex')}` as Digest };
}

/**
 * EP-08, LY-21, LY-22: one layer per slice in order, then the rest of `<app>` (always present). The app dir is
 * walked once (lazily, by the first layer built) and fingerprinted once; each layer's selector key is
 * derived from that fingerprint, its index and the globs (issue 7).
 */
export function appLayerSpecs(appDir: string, slices: readonly LaunchSlice[], ids: { uid: number; gid: number }, clock?: Clock): LayerSpec[] {
  const part = once(async () => partitionApp(appDir, slices));
  const fp = once(async () => fingerprintDir(appDir, { salt: await layerFingerprintSalt(appDir, ids), ...(clock ? { clock } : {}) }));
  const count = slices.length + 1;
  const specs: LayerSpec[] = [];
  for (let i = 0; i < count; i++) {
    specs.push({
      key: i < slices.length ? `app slice ${i + 1}` : 'app',
      fingerprint: async () => derive(await fp(), i, slices),
      entries: async function* () {
        const { partition, paths } = await part();
        const rels = i < slices.length ? (partition.slices[i] ?? []) : partition.rest;
        yield* appEntries(appDir, rels, paths, ids.uid, ids.gid);
      },
    });
  }
  return specs;
}
