import { resolve } from 'node:path';
import type { Command } from '../src/cli/index.js';
import { LifecycleError, wrapError } from '../src/errors/index.js';
import { extend } from '../src/phase/index.js';
import { catalogFlags, readAnalyzed, readGroup, resolveExecEnv, type ApiVersion, type FlagDef } from '../src/platform/index.js';
import { chownTree, currentIds, dropPrivileges, isRoot } from '../src/sys/index.js';
import { command as builder } from './builder.js';

/** The resolved extender inputs (checklist §3.5 table), all paths absolute. */
interface ExtenderInputs {
  readonly kind: 'build' | 'run';
  readonly analyzedPath: string;
  readonly appDir: string;
  readonly buildpacksDir: string;
  /** ERRATA-19 [REF]: no flag, only CNB_BUILD_CONFIG_DIR (≥0.11). */
  readonly buildConfigDir: string;
  readonly extendedDir: string;
  readonly generatedDir: string;
  readonly groupPath: string;
  readonly layersDir: string;
  readonly planPath: string;
  readonly platformDir: string;
  readonly uid: number;
  readonly gid: number;
  /** `<kaniko-dir>`: `/kaniko` (fixed by the spec); CNB_KANIKO_DIR overrides it (tests only, ERRATA-D-XT1). */
  readonly kanikoDir: string;
  /** Where RUN executes: `/` ([REF]); CNB_EXTEND_ROOT_DIR names a chroot directory (tests only, ERRATA-D-XT1). */
  readonly rootDir: string;
  readonly execEnv?: string;
}

/** `-kaniko-cache-ttl` is accepted for compatibility; the daemonless executor keeps no kaniko cache. */
const KANIKO_CACHE_TTL: FlagDef = { name: 'kaniko-cache-ttl', kind: 'string', env: 'CNB_KANIKO_CACHE_TTL', default: '336h' };

/** The extender phase (§3.5, Linux only): `/cnb/lifecycle/extender [flags]`, no positional arguments. */
export const command: Command<ExtenderInputs> = {
  phase: 'extender',
  verb: 'extend',
  defineFlags(api: ApiVersion) {
    const names = ['analyzed', 'app', 'buildpacks', 'generated', 'gid', 'group', 'layers', 'plan', 'platform', 'uid'];
    if (api.atLeast('0.12')) names.push('extended', 'kind');
    return [...catalogFlags(api, names), KANIKO_CACHE_TTL];
  },
  resolveInputs(r, ctx) {
    const api = ctx.platformApi;
    const abs = (name: string) => resolve(r.required(name));
    const kind = api.atLeast('0.12') ? r.required('kind') : 'build';
    if (kind !== 'build' && kind !== 'run') throw new LifecycleError('ERR_INVALID_ARGS', `invalid kind '${kind}': must be 'build' or 'run'`);
    const ids = currentIds();
    const execEnv = resolveExecEnv(api, ctx.env);
    return {
      kind,
      analyzedPath: abs('analyzed'),
      appDir: abs('app'),
      buildpacksDir: abs('buildpacks'),
      buildConfigDir: resolve(ctx.env['CNB_BUILD_CONFIG_DIR'] || '/cnb/build-config'),
      extendedDir: api.atLeast('0.12') ? abs('extended') : resolve(abs('layers'), 'extended'),
      generatedDir: abs('generated'),
      groupPath: abs('group'),
      layersDir: abs('layers'),
      planPath: abs('plan'),
      platformDir: abs('platform'),
      uid: r.int('uid') ?? ids.uid,
      gid: r.int('gid') ?? ids.gid,
      kanikoDir: resolve(ctx.env['CNB_KANIKO_DIR'] || '/kaniko'),
      rootDir: resolve(ctx.env['CNB_EXTEND_ROOT_DIR'] || '/'),
      ...(execEnv ? { execEnv } : {}),
    };
  },
  async exec(i, ctx) {
    const { platformApi, logger } = ctx;
    if (process.platform === 'win32') throw new LifecycleError('ERR_EXTEND', 'the extender is not supported for Windows builds'); // XT-09
    if (platformApi.lessThan('0.13')) {
      const mode = (ctx.env['CNB_EXPERIMENTAL_MODE'] ?? '').toLowerCase();
      if (mode === 'warn') logger.warn("Platform requested experimental feature 'Dockerfiles'");
      else if (mode !== 'quiet' && mode !== 'silent') throw new LifecycleError('ERR_GENERIC', `experimental features are disabled by CNB_EXPERIMENTAL_MODE=${mode || 'error'}`); // GEN-10, DT-27
    }
    const group = await readGroup(i.groupPath);
    const analyzed = await readAnalyzed(i.analyzedPath).catch((e: unknown) => {
      throw wrapError(e, 'ERR_EXTEND', 'failed to read analyzed metadata');
    });
    const result = await extend({
      kind: i.kind,
      platformApi,
      group,
      analyzed,
      appDir: i.appDir,
      layersDir: i.layersDir,
      platformDir: i.platformDir,
      generatedDir: i.generatedDir,
      extendedDir: i.extendedDir,
      kanikoDir: i.kanikoDir,
      rootDir: i.rootDir,
      logger,
    });
    if (i.kind === 'run') return;
    // XT-05: the build runs in the extended build environment, exactly as `builder` would, as <uid>:<gid>.
    const imageEnv: Record<string, string> = {};
    for (const kv of result.env) {
      const eq = kv.indexOf('=');
      if (eq > 0) imageEnv[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    if (isRoot()) {
      if (i.uid === 0) throw new LifecycleError('ERR_INVALID_ARGS', 'the build must not run as root: set -uid/-gid (CNB_USER_ID, CNB_GROUP_ID)');
      await chownTree(i.layersDir, i.uid, i.gid);
      dropPrivileges(i.uid, i.gid);
    }
    const buildInputs: Parameters<typeof builder.exec>[0] = {
      appDir: i.appDir,
      layersDir: i.layersDir,
      platformDir: i.platformDir,
      buildpacksDir: i.buildpacksDir,
      buildConfigDir: i.buildConfigDir,
      groupPath: i.groupPath,
      planPath: i.planPath,
      ...(platformApi.atLeast('0.12') ? { analyzedPath: i.analyzedPath } : {}),
      ...(i.execEnv ? { execEnv: i.execEnv } : {}),
    };
    await builder.exec(buildInputs, { ...ctx, env: { ...ctx.env, ...imageEnv } });
  },
};
