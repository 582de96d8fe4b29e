import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { LIFECYCLE_VERSION, type Command } from '../src/cli/index.js';
import { LifecycleError } from '../src/errors/index.js';
import {
  ensureOwnerAndDrop,
  Exporter,
  guardExperimental,
  imageCreatedTime,
  LAYOUT_FEATURE,
  lifecycleLauncherInfo,
  openStoresFor,
  withExportPorts,
  type ExportInputs,
  type PhaseStores,
} from '../src/phase/index.js';
import { catalogFlags, type ApiVersion } from '../src/platform/index.js';
import { parseInsecureRegistries, parseRef } from '../src/ref/index.js';

/** The exporter's resolved inputs: the service's plus what the command needs for its ports. */
interface ExporterCommandInputs extends ExportInputs {
  readonly cacheDir?: string;
  readonly cacheImage?: string;
  readonly daemon: boolean;
  readonly layout: boolean;
  readonly layoutDir?: string;
  readonly launchCacheDir?: string;
  readonly insecureRegistries: string[];
  readonly uidGiven: boolean;
  stores?: PhaseStores;
}

const DEFAULT_SBOM_DIR = '/cnb/lifecycle';

/** EP-01: each `<image>` must be a valid tag reference (not a digest). */
function checkTag(ref: string): void {
  let parsed;
  try {
    parsed = parseRef(ref);
  } catch (e) {
    throw new LifecycleError('ERR_INVALID_ARGS', `invalid image reference '${ref}': ${(e as Error).message}`);
  }
  if (parsed.digest) throw new LifecycleError('ERR_INVALID_ARGS', `image '${ref}' must be a tag reference, not a digest reference`);
}

/** The exporter phase (§3.7): `/cnb/lifecycle/exporter [flags] <image> [<image>...]`. */
export const command: Command<ExporterCommandInputs> = {
  phase: 'exporter',
  verb: 'export',
  usage: '<image> [<image>...]',
  positionalArgs: { min: 1, max: Number.MAX_SAFE_INTEGER }, // EP-01
  defineFlags(api: ApiVersion) {
    const names = ['analyzed', 'app', 'cache-dir', 'cache-image', 'daemon', 'gid', 'group', 'launch-cache', 'launcher', 'layers'];
    names.push('process-type', 'project-metadata', 'report', 'uid', 'run-image', 'launcher-sbom', 'layout', 'layout-dir', 'insecure-registry', 'parallel');
    if (api.atLeast('0.12')) names.push('extended', 'run');
    else names.push('stack');
    return catalogFlags(api, names);
  },
  resolveInputs(r, ctx) {
    const api = ctx.platformApi;
    const opt = (name: string) => r.string(name) || undefined;
    if (opt('run-image')) throw new LifecycleError('ERR_INVALID_ARGS', '-run-image is unsupported'); // EP-02 [REF]
    const images = [...ctx.positional];
    images.forEach(checkTag);
    const daemon = r.bool('daemon');
    if (!daemon && new Set(images.map((t) => parseRef(t).registry)).size > 1) {
      throw new LifecycleError('ERR_INVALID_ARGS', 'writing to multiple registries is unsupported'); // EP-01
    }
    const layout = api.atLeast('0.12') && r.bool('layout');
    const layoutDir = api.atLeast('0.12') ? opt('layout-dir') : undefined;
    if (layout) {
      guardExperimental(LAYOUT_FEATURE, ctx.env, ctx.logger); // EP-27, GEN-10
      if (!layoutDir) throw new LifecycleError('ERR_INVALID_ARGS', 'defining a layout directory is required when the OCI layout feature is enabled: use -layout-dir or CNB_LAYOUT_DIR');
    }
    let launchCacheDir = opt('launch-cache');
    if (launchCacheDir && !daemon) {
      ctx.logger.warn('Ignoring -launch-cache, only intended for use with -daemon'); // EP-29
      launchCacheDir = undefined;
    }
    const uid = r.int('uid');
    const gid = r.int('gid');
    const sbomDir = api.atLeast('0.11') ? resolve(opt('launcher-sbom') ?? DEFAULT_SBOM_DIR) : undefined;
    const execEnv = api.atLeast('0.15') ? ctx.env['CNB_EXEC_ENV'] || undefined : undefined;
    const cacheDir = opt('cache-dir');
    const cacheImage = opt('cache-image');
    return {
      platformApi: api,
      images,
      layersDir: resolve(r.required('layers')),
      appDir: resolve(r.required('app')),
      analyzedPath: resolve(r.required('analyzed')),
      groupPath: resolve(r.required('group')),
      projectMetadataPath: resolve(r.required('project-metadata')),
      reportPath: resolve(r.required('report')),
      launcherPath: resolve(r.required('launcher')),
      ...(sbomDir ? { launcherSbomDir: sbomDir, launcherSbomIsDefault: sbomDir === DEFAULT_SBOM_DIR } : {}),
      ...(api.atLeast('0.12') ? { extendedDir: resolve(r.required('extended')), runPath: resolve(r.required('run')) } : { stackPath: resolve(r.required('stack')) }),
      ...(opt('process-type') ? { processType: opt('process-type') } : {}),
      uid: uid ?? process.getuid?.() ?? 0,
      gid: gid ?? process.getgid?.() ?? 0,
      uidGiven: uid !== undefined && gid !== undefined,
      parallel: api.atLeast('0.13') && r.bool('parallel'), // EP-26
      ...(execEnv ? { execEnv } : {}),
      created: imageCreatedTime(api, ctx.env['SOURCE_DATE_EPOCH'], (m) => ctx.logger.warn(m)), // EP-20
      launcher: lifecycleLauncherInfo(LIFECYCLE_VERSION), // LBL-08
      ...(cacheDir ? { cacheDir: resolve(cacheDir) } : {}),
      ...(cacheImage ? { cacheImage } : {}),
      daemon,
      layout,
      ...(layout && layoutDir ? { layoutDir: resolve(layoutDir) } : {}),
      ...(launchCacheDir ? { launchCacheDir: resolve(launchCacheDir) } : {}),
      insecureRegistries: api.atLeast('0.13') ? parseInsecureRegistries(r.strings('insecure-registry')) : [],
    };
  },
  async privileges(i, ctx) {
    // GEN-12: keychain and stores as root, then chown the volumes and drop to uid:gid (the daemon keeps root)
    i.stores = openStoresFor(i, ctx);
    if (i.uidGiven) await ensureOwnerAndDrop({ uid: i.uid, gid: i.gid, dirs: [i.layersDir, i.cacheDir, i.launchCacheDir], keepRoot: i.daemon });
  },
  async exec(i, ctx) {
    const stores = i.stores ?? openStoresFor(i, ctx);
    try {
      const ports = {
        stores,
        cacheDir: i.cacheDir,
        cacheImage: i.cacheImage,
        launchCacheDir: i.daemon ? i.launchCacheDir : undefined, // EP-29
        removeOldCacheImage: true, // EP-30 (<0.13)
        tmpDir: tmpdir(),
        logger: ctx.logger,
      };
      await withExportPorts(ports, (p) => new Exporter(p).export(i));
    } finally {
      await stores.close();
    }
  },
};
