import { join, resolve } from 'node:path';
import type { Command, CommandContext } from '../src/cli/index.js';
import { LifecycleError, wrapError } from '../src/errors/index.js';
import { ensureOwnerAndDrop, guardExperimental, LAYOUT_FEATURE, openStoresFor, Rebaser, type PhaseStores, type PreparedRebase } from '../src/phase/index.js';
import { catalogFlags, writeReport, type ApiVersion, type FlagDef, type InputResolver } from '../src/platform/index.js';
import { parseInsecureRegistries, parseRef } from '../src/ref/index.js';

/** The resolved rebaser inputs (checklist §3.9 table). */
interface RebaserInputs {
  /** `<image>...`: output first, then additional tags (RB-01). */
  readonly images: readonly string[];
  readonly previousImage?: string;
  readonly runImage?: string;
  readonly force: boolean;
  readonly daemon: boolean;
  readonly layout: boolean;
  readonly layoutDir?: string;
  readonly insecureRegistries: readonly string[];
  readonly reportPath: string;
  readonly uid?: number;
  readonly gid?: number;
}

/** What `privileges` sets up for `exec` (built before dropping privileges, GEN-12). */
interface Session {
  readonly stores: PhaseStores;
  readonly rebaser: Rebaser;
  readonly prepared: PreparedRebase;
}
const sessions = new WeakMap<RebaserInputs, Session>();

/** [REF] deprecated `-image`: the run image (exclusive with `-run-image`). Not in the shared catalog. */
const DEPRECATED_IMAGE_FLAG: FlagDef = { name: 'image', kind: 'string' };

function refError(what: string, ref: string, e: unknown): LifecycleError {
  return new LifecycleError('ERR_INVALID_ARGS', `invalid ${what} '${ref}': ${e instanceof Error ? e.message : String(e)}`);
}

/** RB-01: every `<image>` is a valid tag reference; without daemon they share one registry (exit 3). */
function validateImages(images: readonly string[], daemon: boolean): void {
  const registries = new Set<string>();
  for (const img of images) {
    let ref;
    try {
      ref = parseRef(img);
    } catch (e) {
      throw refError('image reference', img, e);
    }
    if (ref.digest !== undefined) throw new LifecycleError('ERR_INVALID_ARGS', `invalid image reference '${img}': must be a tag reference, not a digest reference`);
    registries.add(ref.registry);
  }
  if (!daemon && registries.size > 1) throw new LifecycleError('ERR_INVALID_ARGS', 'writing to multiple registries is unsupported');
}

function optionalRef(what: string, value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    parseRef(value);
  } catch (e) {
    throw refError(what, value, e);
  }
  return value;
}

function resolveRunImage(r: InputResolver, ctx: CommandContext): string | undefined {
  const deprecated = r.string('image');
  const runImage = r.string('run-image');
  if (deprecated) {
    // [REF] ValidateRebaseRunImage: -image and a -run-image flag (not just CNB_RUN_IMAGE) are exclusive
    if (runImage && runImage !== (ctx.env['CNB_RUN_IMAGE'] ?? '')) throw new LifecycleError('ERR_INVALID_ARGS', 'supply only one of -run-image or (deprecated) -image');
    return optionalRef('run image', deprecated);
  }
  return optionalRef('run image', runImage);
}

/** The rebaser phase (§3.9): `/cnb/lifecycle/rebaser [flags] <image> [<image>...]`. */
export const command: Command<RebaserInputs> = {
  phase: 'rebaser',
  verb: 'rebase',
  usage: '<image> [<image>...]',
  positionalArgs: { min: 1, max: Number.MAX_SAFE_INTEGER }, // RB-01: at least one <image> (exit 3)
  defineFlags(api: ApiVersion) {
    const names = ['daemon', 'gid', 'run-image', 'uid'];
    if (api.atLeast('0.11')) names.push('previous-image');
    if (api.atLeast('0.12')) names.push('force', 'layout', 'layout-dir');
    if (api.atLeast('0.13')) names.push('insecure-registry');
    // -report defaults to <layers>/report.toml with <layers> from CNB_LAYERS_DIR only: REF has no -layers here
    const report = catalogFlags(api, ['report']).map(({ default: _d, ...d }) => d);
    return [...catalogFlags(api, names), ...report, DEPRECATED_IMAGE_FLAG];
  },
  resolveInputs(r, ctx) {
    const api = ctx.platformApi;
    const daemon = r.bool('daemon');
    const layout = api.atLeast('0.12') && r.bool('layout');
    const layoutDir = api.atLeast('0.12') ? r.string('layout-dir') : undefined;
    if (layout) {
      guardExperimental(LAYOUT_FEATURE, ctx.env, ctx.logger); // GEN-10 (ERRATA-01)
      if (!layoutDir) throw new LifecycleError('ERR_INVALID_ARGS', 'defining a layout directory is required when the OCI layout feature is enabled: use -layout-dir or CNB_LAYOUT_DIR');
    }
    validateImages(ctx.positional, daemon);
    const previousImage = api.atLeast('0.11') ? optionalRef('previous image', r.string('previous-image')) : undefined;
    const runImage = resolveRunImage(r, ctx);
    const reportPath = resolve(r.string('report') || join(ctx.env['CNB_LAYERS_DIR'] || '/layers', 'report.toml'));
    const uid = r.int('uid');
    const gid = r.int('gid');
    return {
      images: [...ctx.positional],
      ...(previousImage ? { previousImage } : {}),
      ...(runImage ? { runImage } : {}),
      force: api.atLeast('0.12') && r.bool('force'),
      daemon,
      layout,
      ...(layoutDir ? { layoutDir: resolve(layoutDir) } : {}),
      insecureRegistries: api.atLeast('0.13') ? parseInsecureRegistries(r.strings('insecure-registry')) : [],
      reportPath,
      ...(uid !== undefined ? { uid } : {}),
      ...(gid !== undefined ? { gid } : {}),
    };
  },
  async privileges(i, ctx) {
    // GEN-09/GEN-12 [REF]: keychain and stores, the app image and the run image choice are resolved as the
    // starting user (config.json and helpers may be readable by it only); then privileges are dropped.
    const stores = openStoresFor(i, ctx);
    try {
      const rebaser = new Rebaser({ platformApi: ctx.platformApi, store: stores.images, logger: ctx.logger, canRead: stores.canRead });
      const prepared = await rebaser.prepare({ images: i.images, previousImage: i.previousImage, runImage: i.runImage, force: i.force });
      sessions.set(i, { stores, rebaser, prepared });
      await ensureOwnerAndDrop({ uid: i.uid, gid: i.gid, dirs: [] }); // GEN-12: the rebaser chowns nothing
    } catch (e) {
      await stores.close();
      throw e;
    }
  },
  async exec(i) {
    const s = sessions.get(i);
    if (!s) throw new LifecycleError('ERR_GENERIC', 'internal: rebaser privileges step did not run');
    try {
      const { report } = await s.rebaser.rebase(s.prepared);
      await writeReport(i.reportPath, report).catch((e: unknown) => {
        throw wrapError(e, 'ERR_REBASE', 'write rebase report'); // RB-11, FMT-REPORT ([REF] 72)
      });
    } finally {
      await s.stores.close();
    }
  },
};
