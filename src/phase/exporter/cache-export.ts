import type { Cache, CacheBuildpackMetadata, CacheLayerMetadata, CacheMetadata, CommitResult } from '../../cache/index.js';
import type { Logger } from '../../sys/index.js';
import type { BuiltLayer } from './layer-builder.js';
import type { BuildpackPlan } from './layer-plan.js';
import { sharedWithAppImage, type BlobHome } from './shared-layer.js';

/** What goes into the cache: the plan, the built layers by key (`<bp>:<layer>`), the cache SBOM layer. */
export interface CacheExport {
  readonly cache: Cache;
  readonly plan: readonly BuildpackPlan[];
  readonly built: ReadonlyMap<string, BuiltLayer>;
  readonly sbom?: BuiltLayer;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** For a cache image next to a registry app image: where the app image's blobs go, and when they are there. */
  readonly appImage?: { readonly home: BlobHome; readonly written: Promise<unknown> };
}

/**
 * Puts one layer into the cache being written. Image cache: the very Layer the app image got, so the store
 * uploads its blob once (src/cache/README.md). Volume cache: our tar is hard-linked; without one, the
 * committed tar with that diffID is carried over (LY-16); only if both fail is the layer tarred now.
 */
async function put(cache: Cache, b: BuiltLayer, signal?: AbortSignal, app?: CacheExport['appImage']): Promise<void> {
  if (cache.kind === 'image') {
    if (b.layer) return cache.addLayer(app ? sharedWithAppImage(b.layer, app.home, app.written) : b.layer, signal ? { signal } : {});
    if (await cache.reuseLayer(b.diffId, signal)) return;
    return cache.addLayer(await b.materialize(), signal ? { signal } : {});
  }
  if (b.local?.file.tarPath !== undefined) return cache.addLayer(b.local, signal ? { signal } : {});
  if (await cache.reuseLayer(b.diffId, signal)) return;
  await cache.addLayer(await b.materialize(), signal ? { signal } : {});
}

/**
 * EP-25, LY-15, LY-16 (FMT-28): writes every `cache = true` layer (added, or reused by diffID) and its
 * metadata, plus the cache SBOM layer, then commits. Returns the commit result, or false, after a warning,
 * when anything fails: a cache failure never fails the export (EP-25 [REF]).
 */
export async function exportCache(o: CacheExport): Promise<CommitResult | false> {
  try {
    const buildpacks: CacheBuildpackMetadata[] = [];
    for (const bp of o.plan) {
      const layers: Record<string, CacheLayerMetadata> = {};
      for (const l of bp.layers) {
        if (!l.types.cache) continue;
        const b = o.built.get(`${bp.id}:${l.name}`);
        if (!b) continue;
        await put(o.cache, b, o.signal, l.types.launch ? o.appImage : undefined);
        layers[l.name] = { sha: b.diffId, data: l.metadata, build: l.types.build, launch: l.types.launch, cache: true };
      }
      buildpacks.push({ key: bp.id, version: bp.version, layers });
    }
    if (o.sbom) await put(o.cache, o.sbom, o.signal);
    const metadata: CacheMetadata = { sbom: { sha: o.sbom?.diffId ?? '' }, buildpacks };
    await o.cache.setMetadata(metadata, o.signal);
    return await o.cache.commit(o.signal);
  } catch (e) {
    o.logger.warn(`Failed to export cache ${o.cache.name}: ${(e as Error).message}`);
    return false;
  }
}
