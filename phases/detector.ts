import { join, resolve } from 'node:path';
import { detect, generate, prepareOrder } from '../src/buildpack/index.js';
import type { Command } from '../src/cli/index.js';
import { baseBuildEnv, completeTarget, readOsRelease, readPlatformEnvFiles } from '../src/env/index.js';
import { LifecycleError, wrapError } from '../src/errors/index.js';
import { catalogFlags, readAnalyzed, readRunToml, resolveExecEnv, writeAnalyzed, writeGroup, writePlan, type ApiVersion } from '../src/platform/index.js';
import { SpawnProcessRunner } from '../src/sys/index.js';

/** The resolved detector inputs (checklist §3.2 table), all paths absolute (ENV-02). */
interface DetectorInputs {
  readonly appDir: string;
  readonly buildpacksDir: string;
  readonly extensionsDir?: string;
  readonly platformDir: string;
  readonly buildConfigDir?: string;
  readonly orderPath: string;
  readonly systemPath?: string;
  readonly groupPath: string;
  readonly planPath: string;
  readonly analyzedPath: string;
  /** ≥0.10: `<generated>` (GE-13). */
  readonly generatedDir?: string;
  /** ≥0.12: `<run>` (GE-11). */
  readonly runPath?: string;
  /** ≥0.15 only (`CNB_EXEC_ENV`, no flag; default production). */
  readonly execEnv?: string;
}

/** The detector phase (§3.2): `/cnb/lifecycle/detector [flags]`, no positional arguments. */
export const command: Command<DetectorInputs> = {
  phase: 'detector',
  verb: 'detect',
  defineFlags(api: ApiVersion) {
    const names = ['app', 'buildpacks', 'group', 'layers', 'order', 'plan', 'platform'];
    if (api.atLeast('0.10')) names.push('analyzed', 'extensions', 'generated');
    if (api.atLeast('0.11')) names.push('build-config');
    if (api.atLeast('0.12')) names.push('run');
    if (api.atLeast('0.15')) names.push('system');
    return catalogFlags(api, names);
  },
  resolveInputs(r, ctx) {
    const api = ctx.platformApi;
    const abs = (name: string) => resolve(r.required(name));
    const execEnv = resolveExecEnv(api, ctx.env); // ENV-03
    return {
      appDir: abs('app'),
      buildpacksDir: abs('buildpacks'),
      platformDir: abs('platform'),
      orderPath: abs('order'), // GEN-07
      groupPath: abs('group'),
      planPath: abs('plan'),
      analyzedPath: api.atLeast('0.10') ? abs('analyzed') : join(abs('layers'), 'analyzed.toml'),
      ...(api.atLeast('0.10') ? { extensionsDir: abs('extensions'), generatedDir: abs('generated') } : {}),
      ...(api.atLeast('0.12') ? { runPath: abs('run') } : {}),
      ...(api.atLeast('0.11') ? { buildConfigDir: abs('build-config') } : {}),
      ...(api.atLeast('0.15') ? { systemPath: abs('system') } : {}),
      ...(execEnv ? { execEnv } : {}),
    };
  },
  async privileges() {
    // GEN-12 [REF]: the detector never runs with privileges
    if (typeof process.getuid === 'function' && process.getuid() === 0) {
      throw new LifecycleError('ERR_GENERIC', 'refusing to run as root');
    }
  },
  async exec(i, ctx) {
    const { platformApi, logger } = ctx;
    const prepared = await prepareOrder({ ...i, platformApi, logger });
    if (prepared.hasExtensions && platformApi.lessThan('0.13')) {
      // DT-27, GEN-10 (ERRATA-01): extensions are experimental before 0.13
      const mode = ctx.env['CNB_EXPERIMENTAL_MODE'] || 'error';
      if (mode === 'warn') logger.warn('Platform requested experimental feature \'Dockerfiles\'');
      else if (mode !== 'quiet' && mode !== 'silent') {
        throw new LifecycleError('ERR_GENERIC', `experimental features are disabled by CNB_EXPERIMENTAL_MODE=${mode}`);
      }
    }
    const analyzed = await readAnalyzed(i.analyzedPath).catch((e: unknown) => {
      throw wrapError(e, 'ERR_GENERIC', 'failed to read analyzed file');
    });
    if (!analyzed.exists) logger.warn(`No analyzed metadata found at path "${i.analyzedPath}"`);
    const target = completeTarget(analyzed.runImage?.target, await readOsRelease()); // ENV-01, DT-23
    const baseEnv = baseBuildEnv(ctx.env); // ENV-05
    const envFiles = await readPlatformEnvFiles(i.platformDir, i.buildConfigDir);
    const result = await detect({
      order: prepared.order,
      buildpacksDir: i.buildpacksDir,
      ...(i.extensionsDir ? { extensionsDir: i.extensionsDir } : {}),
      appDir: i.appDir,
      platformDir: i.platformDir,
      platformApi,
      baseEnv,
      envFiles,
      target,
      ...(i.execEnv ? { execEnv: i.execEnv } : {}),
      runner: new SpawnProcessRunner(),
      logger,
    });
    let plan = result.plan;
    if (result.group.groupExtensions.length > 0 && i.extensionsDir && i.generatedDir) {
      // DT-26: the Generation phase (§3.3), then the filtered plan and the updated <analyzed>
      const gen = await generate({
        extensions: result.group.groupExtensions,
        extensionsDir: i.extensionsDir,
        appDir: i.appDir,
        platformDir: i.platformDir,
        generatedDir: i.generatedDir,
        platformApi,
        plan,
        analyzed,
        runToml: i.runPath ? await readRunToml(i.runPath).catch((e: unknown) => { throw wrapError(e, 'ERR_GENERATE', 'failed to read run metadata'); }) : [],
        baseEnv,
        envFiles,
        target,
        runner: new SpawnProcessRunner(),
        logger,
      });
      plan = gen.plan;
      await writeAnalyzed(i.analyzedPath, gen.analyzed).catch((e: unknown) => {
        throw wrapError(e, 'ERR_GENERATE', 'failed to write analyzed metadata');
      });
    }
    await writeGroup(i.groupPath, result.group); // DT-25, DT-28: only on success
    await writePlan(i.planPath, plan);
  },
};
