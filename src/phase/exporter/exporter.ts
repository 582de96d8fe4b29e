import { LifecycleError } from '../../errors/index.js';
import type { Layer, WriteResult } from '../../image/index.js';
import { LayerWriter } from '../../layer/index.js';
import { capabilitiesFor } from '../../platform/index.js';
import { prepareLaunchDescription } from '../../launch/index.js';
import { appLayerSpecs } from './app-layers.js';
import { exportCache } from './cache-export.js';
import { composeImage, entrypointFor, type ImageLayer } from './compose.js';
import { dirLayerSpec, launcherLayerSpec, launchSbomDir, processTypesLayerSpec } from './fixed-layers.js';
import { pruneArtifacts, writeExportReport } from './finish.js';
import { loadInputs } from './inputs.js';
import { LayerBuilder, type BuiltLayer } from './layer-builder.js';
import { writeLaunchCache } from './launch-cache.js';
import { planBuildpackLayers } from './layer-plan.js';
import { buildpackLayerSpec, cacheSbomSpec, layerKey } from './layer-specs.js';
import { imageLabels, lifecycleMetadata } from './labels.js';
import { previousCacheCleanup } from './previous-cache.js';
import { PreviousLayers } from './previous-layers.js';
import { copyLifecycleSboms } from './sbom-files.js';
import { blobHomeOf } from './shared-layer.js';
import type { ExporterPorts, ExportInputs, ExportResult, LayerStats } from './types.js';

/**
 * The exporter phase service (checklist §3.7, DESIGN §6.7): plans the layers, builds them concurrently
 * (unchanged ones are not re-read, README), composes the app image on the run image with lazy decorators,
 * writes it to every tag through the injected store, writes the cache (EP-25: failures only warn) and
 * report.toml. No env, no exit codes: typed errors only (ERR_EXPORT → 62).
 */
export class Exporter {
  constructor(private readonly ports: ExporterPorts) {}

  async export(i: ExportInputs): Promise<ExportResult> {
    // Early uploads (prepareLayer) end with the export: whatever `write` did not join is abandoned.
    const early = new AbortController();
    try {
      return await this.run(i, early.signal);
    } finally {
      early.abort(new LifecycleError('ERR_EXPORT', 'export ended'));
    }
  }

  /**
   * Hands a built layer that goes into the app image to the store as soon as it resolves (issue
   * "Performance": its upload overlaps with compressing the others; `write` joins it). A hint only.
   */
  private prepared<T extends BuiltLayer | undefined>(built: Promise<T>, images: readonly string[], signal: AbortSignal): Promise<T> {
    const store = this.ports.store;
    if (!store.prepareLayer) return built;
    return built.then((b) => {
      try {
        if (b?.layer) store.prepareLayer?.(b.layer, images, signal);
      } catch {
        /* a hint: write does the work */
      }
      return b;
    });
  }

  private async run(i: ExportInputs, earlySignal: AbortSignal): Promise<ExportResult> {
    const { ports } = this;
    const { logger } = ports;
    const caps = capabilitiesFor(i.platformApi);
    const ids = { uid: i.uid, gid: i.gid };
    const inputs = await loadInputs(i, ports);
    const { metadata } = inputs;

    // EP-14: -process-type must name a process; decided before any layer is built
    const types = metadata.processes.map((p) => p.type);
    const entrypoint = entrypointFor(types, i.processType, metadata.buildpackDefaultProcessType);
    if (typeof entrypoint !== 'string') throw new LifecycleError('ERR_EXPORT', entrypoint.error);

    if (caps.launcherSbom && i.launcherSbomDir) await copyLifecycleSboms(i.layersDir, i.launcherSbomDir, i.launcherSbomIsDefault ?? true);
    const plan = await planBuildpackLayers(i.layersDir, inputs.group.group, inputs.analyzed.metadata, (m) => logger.warn(m));
    const launchLayers = plan.flatMap((bp) => bp.layers.filter((l) => l.types.launch).map((l) => ({ buildpackId: bp.id, name: l.name, present: l.action === 'create' })));
    await prepareLaunchDescription({ layersDir: i.layersDir, appDir: i.appDir, launchLayers }); // launch.desc goes in the config layer

    const stats: LayerStats = { built: [], selectorHits: [], fromPrevious: [] };
    const cleanup = previousCacheCleanup(ports, i.platformApi.lessThan('0.13'), logger); // EP-30: reads the old digest now
    const previous = new PreviousLayers(inputs.previous, logger);
    const volume = ports.cache?.kind === 'volume';
    const builder = new LayerBuilder({
      writer: new LayerWriter({ artifactsDir: ports.artifactsDir, concurrency: ports.concurrency ?? 4 }),
      previous,
      ...(ports.selectors ? { selectors: ports.selectors } : {}),
      ...(volume && ports.cache ? { volumeCache: ports.cache } : {}),
      ...(ports.launchCache ? { keepTars: true } : {}), // EP-29: the launch cache hard-links our tars
      concurrency: ports.concurrency ?? 4,
      logger,
      stats,
    });
    const clock = ports.clock;
    const withCache = ports.cache !== undefined;

    const sbomDir = caps.sbom ? await launchSbomDir(i.layersDir) : undefined; // EP-11
    const launcherSpec = await launcherLayerSpec(i.launcherPath); // EP-09
    const cacheSbomS = withCache ? await cacheSbomSpec(i.layersDir, ids, volume) : undefined; // LY-15

    // No await between starting the builds and Promise.allSettled (a rejection must always be observed).
    // Each app image layer goes to the store's prepareLayer as soon as it is built.
    const early = <T extends BuiltLayer | undefined>(b: Promise<T>) => this.prepared(b, i.images, earlySignal);
    // Buildpack layers (EP-05..EP-07): create (launch and/or cache) or reuse by diffID (LY-07)
    const bpLayers = plan.flatMap((bp) => bp.layers.map((l) => ({ bp, l })));
    const bpBuilt = bpLayers.map(({ l }) => {
      if (l.action === 'create') {
        if (!l.types.launch && !withCache) return Promise.resolve(undefined); // cache-only layer, no cache
        const b = builder.build(buildpackLayerSpec(l, ids, volume, clock));
        return l.types.launch ? early(b) : b;
      }
      return previous.layer(l.previousSha ?? '').then((layer): BuiltLayer => {
        if (!layer) throw new LifecycleError('ERR_EXPORT', `cannot reuse layer '${layerKey(l)}': the previous image has no layer ${l.previousSha}`); // EP-05
        stats.fromPrevious.push(layerKey(l));
        return { key: layerKey(l), diffId: l.previousSha as BuiltLayer['diffId'], layer, materialize: () => Promise.reject(new Error('reused layer has no local contents')) };
      });
    });
    const sbom = sbomDir ? early(builder.build(dirLayerSpec('sbom', sbomDir, i.uid, i.gid))) : undefined;
    const slices = metadata.slices;
    const app = appLayerSpecs(i.appDir, slices, ids, clock).map((s) => early(builder.build(s))); // EP-08
    const launcher = early(builder.build(launcherSpec));
    const config = early(builder.build(dirLayerSpec('config', `${i.layersDir}/config`, i.uid, i.gid))); // EP-10
    const procs = types.length > 0 ? early(builder.build(processTypesLayerSpec(types))) : undefined; // EP-09 [REF]
    const cacheSbom = cacheSbomS ? builder.build(cacheSbomS) : undefined;

    const settled = await Promise.allSettled([...bpBuilt, sbom, ...app, launcher, config, procs, cacheSbom]);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [bpOut, sbomL, appL, launcherL, configL, procsL, cacheSbomL] = [
      await Promise.all(bpBuilt),
      await sbom,
      await Promise.all(app),
      await launcher,
      await config,
      await procs,
      await cacheSbom,
    ];

    // EP-12 order; history text as [REF] (≥0.12)
    const built = new Map<string, BuiltLayer>();
    const imageLayers: ImageLayer[] = [];
    const shaByLayer = new Map<string, string>();
    bpLayers.forEach(({ bp, l }, n) => {
      const b = bpOut[n];
      if (!b) return;
      built.set(layerKey(l), b);
      if (!l.types.launch) return;
      shaByLayer.set(layerKey(l), b.diffId);
      imageLayers.push({ layer: b.layer as Layer, createdBy: `Layer: '${l.name}', Created by buildpack: ${bp.id}@${bp.version}` });
    });
    if (sbomL) imageLayers.push({ layer: sbomL.layer as Layer, createdBy: 'Software Bill-of-Materials' });
    appL.forEach((a, n) => imageLayers.push({ layer: a.layer as Layer, createdBy: n < slices.length ? `Application Slice: ${n + 1}` : 'Application Layer' }));
    imageLayers.push({ layer: launcherL.layer as Layer, createdBy: 'Buildpacks Application Launcher' });
    imageLayers.push({ layer: configL.layer as Layer, createdBy: 'Buildpacks Launcher Config' });
    if (procsL) imageLayers.push({ layer: procsL.layer as Layer, createdBy: 'Buildpacks Process Types' });

    const lifecycle = lifecycleMetadata(
      plan,
      {
        app: appL.map((a) => a.diffId),
        ...(sbomL ? { sbom: sbomL.diffId } : {}),
        config: configL.diffId,
        launcher: launcherL.diffId,
        processTypes: procsL?.diffId ?? '',
        buildpackLayers: shaByLayer,
      },
      inputs.runImage,
      i.platformApi,
    );
    const labels = imageLabels({ lifecycle, build: metadata, project: inputs.project, launcher: i.launcher, api: i.platformApi, ...(i.execEnv ? { execEnv: i.execEnv } : {}) });
    const image = composeImage(inputs.base, imageLayers, { api: i.platformApi, layersDir: i.layersDir, appDir: i.appDir, entrypoint, labels, created: i.created });

    // Image and cache (EP-26: concurrently with -parallel)
    let markWritten: (v: unknown) => void = () => undefined;
    const written = new Promise((resolve) => (markWritten = resolve));
    const writeImage = async (): Promise<WriteResult> => {
      try {
        const r = await ports.store.write(image, i.images);
        logger.info(`*** Images (${(r.digest ?? r.imageId).slice(7, 19)}):`);
        for (const t of i.images) logger.info(`      ${t}`);
        return r;
      } finally {
        markWritten(undefined);
      }
    };
    // A cache image in the app image's registry mounts the app image's blobs (uploaded once).
    const appImage = ports.store.kind === 'registry' && ports.cache?.kind === 'image' ? { home: blobHomeOf(i.images[0] as string), written } : undefined;
    const writeCache = async (): Promise<boolean> => {
      if (!ports.cache) return false;
      const commit = await exportCache({ cache: ports.cache, plan, built, ...(cacheSbomL ? { sbom: cacheSbomL } : {}), ...(appImage ? { appImage } : {}), logger });
      await cleanup?.after(commit); // EP-30
      return commit !== false;
    };
    if (i.parallel && !ports.cache) logger.warn('-parallel is set but no cache is given'); // EP-26 [REF]
    let result: WriteResult;
    let cacheWritten: boolean;
    if (i.parallel) {
      [result, cacheWritten] = await Promise.all([writeImage(), writeCache()]);
    } else {
      result = await writeImage();
      cacheWritten = await writeCache();
    }
    if (ports.launchCache) {
      // EP-29: every layer the app image got from this export, in image order
      const inImage = [...bpLayers.flatMap(({ l }, n) => (l.types.launch && bpOut[n] ? [bpOut[n]] : [])), sbomL, ...appL, launcherL, configL, procsL];
      await writeLaunchCache(ports.launchCache, inImage.filter((b): b is BuiltLayer => b !== undefined), logger);
    }
    await writeExportReport(i.reportPath, i.images, ports.store.kind, result);
    const all = [...bpOut, sbomL, ...appL, launcherL, configL, procsL, cacheSbomL].filter((b): b is BuiltLayer => b !== undefined);
    await pruneArtifacts({ artifactsDir: ports.artifactsDir, persist: ports.artifactsPersist === true, built: all, ...(ports.selectors ? { selectors: ports.selectors } : {}), logger });
    logger.debug(`layers built: ${stats.built.length}, selector hits: ${stats.selectorHits.length}, from previous image: ${stats.fromPrevious.length}`);
    return {
      tags: i.images,
      ...(result.digest ? { digest: result.digest } : {}),
      imageId: result.imageId,
      ...(result.manifestSize !== undefined ? { manifestSize: result.manifestSize } : {}),
      stats,
      cacheWritten,
    };
  }
}
