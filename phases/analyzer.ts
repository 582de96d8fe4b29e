import { resolve } from 'node:path';
import type { Command } from '../src/cli/index.js';
import { LifecycleError } from '../src/errors/index.js';
import {
  analyze,
  ensureOwnerAndDrop,
  ensureSameRegistry,
  guardExperimental,
  hostPlatform,
  LAYOUT_FEATURE,
  openStoresFor,
  validateRef as checkRef,
  type PhaseStores,
} from '../src/phase/index.js';
import { catalogFlags, writeAnalyzed, type ApiVersion } from '../src/platform/index.js';
import { parseInsecureRegistries } from '../src/ref/index.js';
import { chownTree, isRoot } from '../src/sys/index.js';

/** The resolved analyzer inputs (§3.1 table); `stores` is filled in `privileges()`. */
interface AnalyzerCommandInputs {
  readonly image: string;
  readonly tags: string[];
  readonly previousImage: string;
  readonly runImage?: string;
  readonly runPath?: string;
  readonly stackPath?: string;
  readonly cacheImage?: string;
  readonly layersDir: string;
  readonly analyzedPath: string;
  readonly daemon: boolean;
  readonly layout: boolean;
  readonly layoutDir?: string;
  readonly launchCacheDir?: string;
  readonly skipLayers: boolean;
  readonly insecureRegistries: string[];
  readonly uid?: number;
  readonly gid?: number;
  stores?: PhaseStores;
}

/** The analyzer phase (§3.1): `/cnb/lifecycle/analyzer [flags] <image>`. */
export const command: Command<AnalyzerCommandInputs> = {
  phase: 'analyzer',
  verb: 'analyze',
  usage: '<image>',
  positionalArgs: { min: 1, max: 1 }, // AN-01
  defineFlags(api: ApiVersion) {
    const names = ['analyzed', 'cache-image', 'daemon', 'gid', 'layers', 'previous-image', 'run-image', 'tag', 'uid'];
    if (api.lessThan('0.12')) names.push('stack'); // 0.7–0.11 only
    if (api.atLeast('0.9')) names.push('launch-cache', 'skip-layers');
    names.push('run', 'layout', 'layout-dir', 'insecure-registry'); // catalog `since`: 0.12, 0.12, 0.12, 0.13
    return catalogFlags(api, names);
  },
  resolveInputs(r, ctx) {
    const api = ctx.platformApi;
    const image = ctx.positional[0] ?? '';
    if (image === '') throw new LifecycleError('ERR_INVALID_ARGS', 'image argument is required');
    const daemon = r.bool('daemon');
    const layout = api.atLeast('0.12') && r.bool('layout');
    const tags = r.strings('tag');
    const opt = (name: string) => r.string(name) || undefined;
    const previousImage = opt('previous-image') ?? image; // AN-08
    const runImage = opt('run-image');
    const cacheImage = opt('cache-image');
    checkRef('image', image);
    for (const t of tags) checkRef('tag', t); // AN-02
    if (!daemon) checkRef('previous image', previousImage); // AN-04
    checkRef('run image', runImage);
    checkRef('cache image', cacheImage);
    if (!daemon) ensureSameRegistry([image, ...tags]); // AN-03
    const layoutDir = api.atLeast('0.12') ? opt('layout-dir') : undefined;
    if (layout) {
      guardExperimental(LAYOUT_FEATURE, ctx.env, ctx.logger); // AN-16, GEN-10
      if (!layoutDir) throw new LifecycleError('ERR_INVALID_ARGS', 'defining a layout directory is required when the OCI layout feature is enabled: use -layout-dir or CNB_LAYOUT_DIR');
    }
    let launchCacheDir = api.atLeast('0.9') ? opt('launch-cache') : undefined;
    if (launchCacheDir && !daemon) {
      ctx.logger.warn('Ignoring -launch-cache, only intended for use with -daemon'); // AN-17
      launchCacheDir = undefined;
    }
    const layersDir = resolve(r.required('layers'));
    const uid = r.int('uid');
    const gid = r.int('gid');
    return {
      image,
      tags,
      previousImage,
      ...(runImage ? { runImage } : {}),
      ...(api.atLeast('0.12') ? { runPath: resolve(r.required('run')) } : { stackPath: resolve(r.required('stack')) }),
      ...(cacheImage ? { cacheImage } : {}),
      layersDir,
      analyzedPath: resolve(r.required('analyzed')),
      daemon,
      layout,
      ...(layout && layoutDir ? { layoutDir: resolve(layoutDir) } : {}),
      ...(launchCacheDir ? { launchCacheDir: resolve(launchCacheDir) } : {}),
      skipLayers: api.atLeast('0.9') ? r.bool('skip-layers') : false,
      insecureRegistries: api.atLeast('0.13') ? parseInsecureRegistries(r.strings('insecure-registry')) : [],
      ...(uid !== undefined ? { uid } : {}),
      ...(gid !== undefined ? { gid } : {}),
    };
  },
  async privileges(i, ctx) {
    // GEN-12: credentials and stores first (as root), then chown and drop to uid:gid. The daemon socket is
    // opened lazily, so with -daemon the phase stays root and hands its outputs to uid:gid afterwards.
    i.stores = openStoresFor(i, ctx);
    await ensureOwnerAndDrop({ uid: i.uid, gid: i.gid, dirs: [i.layersDir, i.launchCacheDir], keepRoot: i.daemon });
  },
  async exec(i, ctx) {
    const stores = i.stores ?? openStoresFor(i, ctx);
    try {
      const analyzed = await analyze(
        {
          platformApi: ctx.platformApi,
          image: i.image,
          tags: i.tags,
          previousImage: i.previousImage,
          runImage: i.runImage,
          runPath: i.runPath,
          stackPath: i.stackPath,
          cacheImage: i.cacheImage,
          layersDir: i.layersDir,
          skipLayers: i.skipLayers,
          platform: hostPlatform(),
        },
        { images: stores.images, registry: stores.registry, canRead: stores.canRead, logger: ctx.logger },
      );
      await writeAnalyzed(i.analyzedPath, analyzed); // FMT-AN
      if (i.daemon && isRoot() && i.uid !== undefined && i.gid !== undefined) {
        for (const p of [i.analyzedPath, `${i.layersDir}/sbom`]) await chownTree(p, i.uid, i.gid);
      }
    } finally {
      await stores.close();
    }
  },
};
