import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LIFECYCLE_VERSION, type Command } from '../src/cli/index.js';
import { DaemonStore } from '../src/daemon/index.js';
import { LifecycleError } from '../src/errors/index.js';
import {
  buildStep,
  connectedSteps,
  create,
  detectStep,
  ensureOwnerAndDrop,
  guardExperimental,
  imageCreatedTime,
  LAYOUT_FEATURE,
  lifecycleLauncherInfo,
  openStoresFor,
  refuseRoot,
  type CreatorInputs,
  type PhaseStores,
  type SubPhase,
} from '../src/phase/index.js';
import { catalogFlags, type ApiVersion, type FlagDef } from '../src/platform/index.js';
import { isValidRef, parseInsecureRegistries } from '../src/ref/index.js';
import { SpawnProcessRunner } from '../src/sys/index.js';

/** `-image`: the deprecated spelling of `-run-image` (CR-06: not both). */
const IMAGE_FLAG: FlagDef = { name: 'image', kind: 'string' };

/** The sub-phase that is running: "failed to <verb>" names it as [REF] does (CR-05). */
let verb = 'create';
/** Built in privileges() (as root, before the drop); used by the connected steps. */
let stores: PhaseStores | undefined;

/** The creator phase (§3.8): `/cnb/lifecycle/creator [flags] <image>`. */
export const command: Command<CreatorInputs> = {
  phase: 'creator',
  get verb() {
    return verb;
  },
  usage: '<image>',
  positionalArgs: { min: 1, max: 1 }, // CR-06
  defineFlags(api: ApiVersion) {
    const names = [
      'app', 'buildpacks', 'cache-dir', 'cache-image', 'daemon', 'gid', 'launch-cache', 'launcher', 'layers', 'order',
      'platform', 'previous-image', 'process-type', 'project-metadata', 'report', 'run-image', 'skip-restore', 'stack',
      'tag', 'uid',
    ];
    if (api.atLeast('0.11')) names.push('build-config', 'launcher-sbom');
    if (api.atLeast('0.12')) names.push('run', 'layout', 'layout-dir');
    if (api.atLeast('0.13')) names.push('insecure-registry', 'parallel');
    if (api.atLeast('0.15')) names.push('system');
    return [...catalogFlags(api, names), IMAGE_FLAG];
  },
  resolveInputs(r, ctx) {
    const api = ctx.platformApi;
    const env = ctx.env;
    const abs = (name: string) => resolve(r.required(name));
    const opt = (name: string) => {
      const v = r.string(name);
      return v ? v : undefined;
    };
    const image = ctx.positional[0] ?? '';
    if (!isValidRef(image)) throw new LifecycleError('ERR_INVALID_ARGS', `failed to parse image reference '${image}'`);
    const tags = r.strings('tag');
    for (const t of tags) if (!isValidRef(t)) throw new LifecycleError('ERR_INVALID_ARGS', `failed to parse tag reference '${t}'`);
    if (r.isSet('run-image') && r.isSet('image')) {
      throw new LifecycleError('ERR_INVALID_ARGS', 'supply only one of -run-image or (deprecated) -image'); // CR-06
    }
    const runImage = opt('run-image') ?? opt('image');
    const layout = api.atLeast('0.12') && r.bool('layout');
    if (layout) guardExperimental(LAYOUT_FEATURE, env, ctx.logger); // GEN-10
    const layersDir = abs('layers');
    const fromEnv = (k: string, file: string) => resolve(env[k] || join(layersDir, file)); // no -analyzed/-group/-plan flags (§3.8)
    let execEnv: string | undefined;
    if (api.atLeast('0.15')) {
      execEnv = env['CNB_EXEC_ENV'] || 'production';
      if (execEnv.includes('/')) throw new LifecycleError('ERR_INVALID_ARGS', `invalid CNB_EXEC_ENV '${execEnv}': must not contain '/'`);
    }
    const cacheDir = opt('cache-dir');
    const launchCache = opt('launch-cache');
    const layoutDir = api.atLeast('0.12') ? opt('layout-dir') : undefined;
    if (layout && !layoutDir) {
      throw new LifecycleError('ERR_INVALID_ARGS', 'defining a layout directory is required when OCI Layout feature is enabled. Use -layout-dir or CNB_LAYOUT_DIR');
    }
    const previousImage = opt('previous-image');
    const cacheImage = opt('cache-image');
    const processType = opt('process-type');
    const uid = r.int('uid');
    const gid = r.int('gid');
    return {
      platformApi: api,
      image,
      tags,
      appDir: abs('app'),
      layersDir,
      platformDir: abs('platform'),
      buildpacksDir: abs('buildpacks'),
      ...(api.atLeast('0.11') ? { buildConfigDir: abs('build-config'), launcherSbomDir: abs('launcher-sbom') } : {}),
      orderPath: abs('order'), // GEN-07
      ...(api.atLeast('0.15') ? { systemPath: abs('system') } : {}),
      groupPath: fromEnv('CNB_GROUP_PATH', 'group.toml'),
      planPath: fromEnv('CNB_PLAN_PATH', 'plan.toml'),
      analyzedPath: fromEnv('CNB_ANALYZED_PATH', 'analyzed.toml'),
      reportPath: abs('report'),
      projectMetadataPath: abs('project-metadata'),
      ...(api.atLeast('0.12') ? { runPath: abs('run') } : { stackPath: abs('stack') }),
      ...(previousImage ? { previousImage } : {}),
      ...(runImage ? { runImage } : {}),
      ...(cacheDir ? { cacheDir: resolve(cacheDir) } : {}),
      ...(cacheImage ? { cacheImage } : {}),
      ...(launchCache ? { launchCacheDir: resolve(launchCache) } : {}),
      daemon: r.bool('daemon'),
      layout,
      ...(layoutDir ? { layoutDir: resolve(layoutDir) } : {}),
      skipRestore: r.bool('skip-restore'),
      ...(processType ? { processType } : {}),
      launcherPath: abs('launcher'),
      parallel: api.atLeast('0.13') && r.bool('parallel'),
      insecureRegistries: api.atLeast('0.13') ? parseInsecureRegistries(r.strings('insecure-registry')) : [],
      uid: uid ?? process.getuid?.() ?? 0,
      gid: gid ?? process.getgid?.() ?? 0,
      ...(execEnv ? { execEnv } : {}),
      env,
      tmpDir: tmpdir(),
      created: imageCreatedTime(api, env['SOURCE_DATE_EPOCH'], (m) => ctx.logger.warn(m)), // EP-20
      launcher: lifecycleLauncherInfo(LIFECYCLE_VERSION), // LBL-08
    };
  },
  async privileges(i, ctx) {
    // GEN-12: keychain and stores first (as root), then chown the volumes and drop to uid:gid.
    stores = openStoresFor(i, ctx);
    // A daemon socket reachable by root only (docker.sock root:docker 0660): dial it before the drop.
    if (stores.images instanceof DaemonStore) await stores.images.preconnect();
    await ensureOwnerAndDrop({ uid: i.uid, gid: i.gid, dirs: [i.layersDir, i.cacheDir, i.launchCacheDir] });
    // GEN-12: buildpacks never run as root (detector and builder refuse it; so does the creator).
    refuseRoot('refusing to run buildpacks as root: set -uid/-gid (CNB_USER_ID/CNB_GROUP_ID) to a non-root user');
  },
  async exec(i, ctx) {
    if (!stores) throw new LifecycleError('ERR_GENERIC', 'internal: image stores were not opened');
    const s = stores;
    try {
      const connected = connectedSteps({ stores: s });
      await create(i, {
        steps: { ...connected, detect: detectStep, build: buildStep },
        logger: ctx.logger,
        runner: new SpawnProcessRunner(),
        onPhase: (p: SubPhase) => {
          verb = p;
        },
      });
    } finally {
      await s.close();
    }
  },
};
