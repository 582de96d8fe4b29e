import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeId } from '../../buildpack/index.js';
import { emptyCacheMetadata, type Cache, type CacheMetadata, type LayerSelectorCache } from '../../cache/index.js';
import { wrapError } from '../../errors/index.js';
import { capabilitiesFor, writeLayerMetadataFile, writeStoreToml, type ApiVersion, type GroupElement, type LifecycleMetadata, type TomlTable } from '../../platform/index.js';
import { mapConcurrent } from '../../stream/index.js';
import { currentIds, systemClock, type Clock, type Logger } from '../../sys/index.js';
import type { Digest } from '../../oci/index.js';
import { recordRestoredLayers, type RestoredLayer } from './fingerprints.js';
import { extractCachedLayer } from './layer-extract.js';
import { restoreCacheSbomLayer, restoreLayerSboms } from './sbom.js';
import { decideLayers, type LayerDecision } from './truth-table.js';

/** The inputs of `restoreLayers` (the restorer service). Everything is resolved; nothing reads the environment. */
export interface RestoreLayersOptions {
  /** `<layers>` (absolute). */
  readonly layersDir: string;
  /** The buildpacks of `<group>` (extensions are not buildpacks and have no layers). */
  readonly buildpacks: readonly GroupElement[];
  /** analyzed.toml `[metadata]`: the previous image's layer records and store data (empty when absent). */
  readonly metadata: LifecycleMetadata;
  /** The opened cache (volume or image); undefined without `-cache-dir`/`-cache-image` (RS-11). */
  readonly cache?: Cache | undefined;
  /** `-skip-layers` (RS-03). */
  readonly skipLayers: boolean;
  readonly platformApi: ApiVersion;
  /** `-uid`/`-gid`: owner of restored files when running as root (LY-28). */
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
  /** Volume caches only: where restored layers' fingerprints are recorded for the exporter (see README). */
  readonly selectors?: LayerSelectorCache | undefined;
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Parallel layer extractions (default 4). */
  readonly concurrency?: number;
  readonly logger: Logger;
}

/** What was restored, for logs and tests. */
export interface RestoreLayersResult {
  /** `<bp id>` → layer name → what happened ('metadata', 'metadata+contents', or 'skip'). */
  readonly layers: ReadonlyMap<string, ReadonlyMap<string, LayerDecision['action']>>;
  /** How many fingerprints were recorded for the exporter. */
  readonly fingerprints: number;
}

/**
 * A layer name that is safe as one path segment (the label and cache metadata come from outside) and whose
 * `<name>.toml` is not one of the buildpack's own files (store.toml would be overwritten; BL-10).
 */
function validLayerName(n: string): boolean {
  return n !== '' && n !== '.' && n !== '..' && !/[/\\\0]/.test(n) && !['launch', 'build', 'store'].includes(n);
}

/**
 * The restorer service (checklist §3.4): store.toml (RS-02, even with skip-layers), then unless `skipLayers`
 * (RS-03) the layers of the group's buildpacks only (RS-04) by the §7.3 truth table (`decideLayers`):
 * `<layer>.toml` with `[metadata]` only (RS-05), contents of `cache = true` layers extracted from the cache
 * (both or neither, RS-06), then (≥0.8) the layer SBOMs (RS-10). A broken cache entry skips that layer with
 * a warning; it never fails the restore. File-system failures writing `<layers>` are errors (ERR_IO → 42).
 */
export async function restoreLayers(o: RestoreLayersOptions): Promise<RestoreLayersResult> {
  const { logger, layersDir } = o;
  const caps = capabilitiesFor(o.platformApi);
  const byKey = new Map(o.metadata.buildpacks.map((b) => [b.key, b]));

  for (const bp of o.buildpacks) {
    const store = byKey.get(bp.id)?.store;
    if (store === undefined) continue;
    const dir = join(layersDir, escapeId(bp.id));
    await io(`write ${join(dir, 'store.toml')}`, async () => {
      await mkdir(dir, { recursive: true });
      await writeStoreToml(join(dir, 'store.toml'), { metadata: store as TomlTable }); // RS-02
    });
  }

  const result = new Map<string, Map<string, LayerDecision['action']>>();
  if (o.skipLayers) {
    logger.info('Skipping buildpack layer analysis'); // RS-03
    return { layers: result, fingerprints: 0 };
  }

  let cacheMeta: CacheMetadata = emptyCacheMetadata();
  if (o.cache) {
    if (!(await o.cache.exists())) logger.info('Layer cache not found');
    cacheMeta = await o.cache.metadata();
  } else {
    logger.debug('Usable cache not provided, using empty cache metadata');
  }
  const cacheByKey = new Map(cacheMeta.buildpacks.map((b) => [b.key, b]));

  const extractions: Array<{ bp: string; name: string; diffId: Digest }> = [];
  for (const bp of o.buildpacks) {
    const decisions = decideLayers({
      imageLayers: byKey.get(bp.id)?.layers ?? {},
      cacheLayers: o.cache ? (cacheByKey.get(bp.id)?.layers ?? {}) : {},
      launchCacheFromCache: caps.restoreLaunchCacheFromCache,
    });
    const done = new Map<string, LayerDecision['action']>();
    result.set(bp.id, done);
    const dir = join(layersDir, escapeId(bp.id));
    for (const d of decisions) {
      const id = `${bp.id}:${d.name}`;
      if (!validLayerName(d.name)) {
        logger.warn(`Not restoring layer "${id}": invalid layer name`);
        continue;
      }
      done.set(d.name, d.action);
      if (d.action === 'skip') {
        if (d.staleCache) logger.info(`Removing "${id}", ${d.reason}`);
        else logger.debug(`Not restoring metadata for "${id}", ${d.reason}`);
        continue;
      }
      logger.info(`Restoring metadata for "${id}" from ${d.from === 'image' ? 'app image' : 'cache'}`);
      await io(`write ${join(dir, `${d.name}.toml`)}`, async () => {
        await mkdir(dir, { recursive: true });
        // RS-05: `[metadata]` only, never `[types]`
        await writeLayerMetadataFile(join(dir, `${d.name}.toml`), { types: { launch: false, build: false, cache: false }, metadata: d.metadata as TomlTable }, { withTypes: false });
      });
      if (d.action === 'metadata+contents') extractions.push({ bp: bp.id, name: d.name, diffId: d.diffId });
    }
  }

  const restored: RestoredLayer[] = [];
  const t0 = Date.now();
  await mapConcurrent(extractions, o.concurrency ?? 4, async (x) => {
    const id = `${x.bp}:${x.name}`;
    const dir = join(layersDir, escapeId(x.bp), x.name);
    logger.info(`Restoring data for "${id}" from cache`);
    const out = await extractCachedLayer({ cache: o.cache!, diffId: x.diffId, dir, tail: [escapeId(x.bp), x.name], uid: o.uid, gid: o.gid });
    if (out.ok) {
      if (out.rootIsExpected && out.headers) restored.push({ dir, diffId: x.diffId, headers: out.headers });
      return;
    }
    // RS-06: both or neither; [REF] a cache read error is a warning and the layer is skipped
    logger.warn(`Not restoring "${id}" from cache (${out.reason}); the buildpack will rebuild it`);
    result.get(x.bp)?.set(x.name, 'skip');
    await io(`remove ${dir}`, async () => {
      await rm(join(layersDir, escapeId(x.bp), `${x.name}.toml`), { force: true });
      await rm(dir, { recursive: true, force: true });
    });
  });

  if (extractions.length > 0) logger.debug(`Extracted ${extractions.length} cached layers in ${Date.now() - t0} ms`);

  if (caps.sbom) {
    if (o.cache) await restoreCacheSbomLayer(o.cache, cacheMeta.sbom.sha, layersDir, logger, { uid: o.uid, gid: o.gid });
    const names = new Map<string, Set<string>>();
    for (const [bp, layers] of result) names.set(bp, new Set([...layers].filter(([, a]) => a !== 'skip').map(([n]) => n)));
    await io('restore layer SBOMs', () => restoreLayerSboms(layersDir, names, logger)); // RS-10, LY-20
  }

  let fingerprints = 0;
  if (o.selectors && restored.length > 0) {
    const t0 = Date.now();
    fingerprints = await recordRestoredLayers(restored, {
      selectors: o.selectors,
      changedBeforeMs: (o.clock ?? systemClock).now().getTime(), // the restored layers are not written after this
      uid: o.uid ?? currentIds().uid,
      gid: o.gid ?? currentIds().gid,
      ...(o.clock ? { clock: o.clock } : {}),
      ...(o.sleep ? { sleep: o.sleep } : {}),
      logger,
    });
    logger.debug(`Recorded ${fingerprints} of ${restored.length} restored layer fingerprints in ${Date.now() - t0} ms`);
  }
  return { layers: result, fingerprints };
}

async function io<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw wrapError(e, 'ERR_IO', what);
  }
}
