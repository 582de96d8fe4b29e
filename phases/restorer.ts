import { resolve } from 'node:path';
import type { Command } from '../src/cli/index.js';
import { LifecycleError } from '../src/errors/index.js';
import { ensureOwnerAndDrop, guardExperimental, LAYOUT_FEATURE, openStoresFor, runRestorer, type PhaseStores, type RestorerInputs } from '../src/phase/index.js';
import { catalogFlags, type ApiVersion } from '../src/platform/index.js';
import { parseInsecureRegistries, parseRef } from '../src/ref/index.js';

/** The resolved restorer inputs (checklist §3.4 table) plus what only the entrypoint needs. */
interface RestorerCommandInputs extends RestorerInputs {
  readonly daemon: boolean;
  readonly layout: boolean;
  readonly layoutDir?: string | undefined;
  readonly insecureRegistries: readonly string[];
}

/** Stores built in `privileges()` (as root, before the uid drop, GEN-12) for `exec`. */
const sessions = new WeakMap<RestorerCommandInputs, PhaseStores>();

function optionalRef(what: string, value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    parseRef(value);
  } catch (e) {
    throw new LifecycleError('ERR_INVALID_ARGS', `invalid ${what} '${value}': ${(e as Error).message}`);
  }
  return value;
}

/** The restorer phase (§3.4): `/cnb/lifecycle/restorer [flags]`, no positional arguments (RS-01). */
export const command: Command<RestorerCommandInputs> = {
  phase: 'restorer',
  verb: 'restore',
  defineFlags(api: ApiVersion) {
    const names = ['analyzed', 'cache-dir', 'cache-image', 'gid', 'group', 'layers', 'skip-layers', 'uid'];
    if (api.atLeast('0.10')) names.push('build-image');
    if (api.atLeast('0.12')) names.push('daemon', 'generated', 'layout', 'layout-dir'); // [REF] -generated/-layout*
    if (api.atLeast('0.13')) names.push('insecure-registry');
    if (api.atLeast('0.14')) names.push('run');
    return catalogFlags(api, names);
  },
  resolveInputs(r, ctx) {
    const api = ctx.platformApi;
    const abs = (name: string) => resolve(r.required(name));
    const layout = api.atLeast('0.12') && r.bool('layout');
    const layoutDir = api.atLeast('0.12') ? r.string('layout-dir') : undefined;
    if (layout) guardExperimental(LAYOUT_FEATURE, ctx.env, ctx.logger); // GEN-10
    const cacheDir = r.string('cache-dir');
    return {
      layersDir: abs('layers'),
      groupPath: abs('group'),
      analyzedPath: abs('analyzed'),
      cacheDir: cacheDir ? resolve(cacheDir) : undefined,
      cacheImage: optionalRef('cache image', r.string('cache-image')),
      skipLayers: r.bool('skip-layers'),
      uid: r.int('uid'),
      gid: r.int('gid'),
      buildImage: api.atLeast('0.10') ? optionalRef('build image', r.string('build-image')) : undefined,
      runPath: api.atLeast('0.14') ? abs('run') : undefined,
      daemon: api.atLeast('0.12') && r.bool('daemon'),
      layout,
      layoutDir,
      insecureRegistries: api.atLeast('0.13') ? parseInsecureRegistries(r.strings('insecure-registry')) : [],
      // <kaniko-dir> is fixed to /kaniko by the spec; CNB_KANIKO_DIR overrides it (tests only, as the extender)
      kanikoDir: api.atLeast('0.10') ? resolve(ctx.env['CNB_KANIKO_DIR'] || '/kaniko') : undefined,
    };
  },
  async privileges(i, ctx) {
    // GEN-12 [REF]: keychain and stores first (root may be needed to read them), then chown and drop
    sessions.set(
      i,
      openStoresFor(i, ctx),
    );
    await ensureOwnerAndDrop({ uid: i.uid, gid: i.gid, dirs: [i.layersDir, i.cacheDir, i.kanikoDir], keepRoot: i.daemon });
  },
  async exec(i, ctx) {
    const stores = sessions.get(i) ?? openStoresFor(i, ctx);
    try {
      await runRestorer(i, { platformApi: ctx.platformApi, logger: ctx.logger, stores });
    } finally {
      await stores.close();
    }
  },
};
