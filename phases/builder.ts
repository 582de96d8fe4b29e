import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { runBuild } from '../src/buildpack/index.js';
import type { Command } from '../src/cli/index.js';
import { completeTarget, readOsRelease } from '../src/env/index.js';
import { LifecycleError, wrapError } from '../src/errors/index.js';
import {
  resolveExecEnv,
  buildMetadataPath,
  catalogFlags,
  readAnalyzed,
  readGroup,
  readPlan,
  writeBuildMetadata,
  type ApiVersion,
  type TargetMetadata,
} from '../src/platform/index.js';
import { SpawnProcessRunner } from '../src/sys/index.js';

/** The resolved builder inputs (platform.md `builder` Inputs), all paths absolute (ENV-02). */
interface BuilderInputs {
  readonly appDir: string;
  readonly layersDir: string;
  readonly platformDir: string;
  readonly buildpacksDir: string;
  readonly buildConfigDir: string;
  readonly groupPath: string;
  readonly planPath: string;
  /** ≥0.12 only: the target data for CNB_TARGET_* (ENV-01). */
  readonly analyzedPath?: string;
  /** ≥0.15 only (`CNB_EXEC_ENV`, no flag). */
  readonly execEnv?: string;
}

/** The builder phase (§3.6): `/cnb/lifecycle/builder [flags]`, no positional arguments (BL-01). */
export const command: Command<BuilderInputs> = {
  phase: 'builder',
  verb: 'build',
  defineFlags(api: ApiVersion) {
    const names = ['app', 'buildpacks', 'group', 'layers', 'plan', 'platform'];
    if (api.atLeast('0.11')) names.push('build-config');
    if (api.atLeast('0.12')) names.push('analyzed');
    return catalogFlags(api, names);
  },
  resolveInputs(r, ctx) {
    const abs = (name: string) => resolve(r.required(name));
    const execEnv = resolveExecEnv(ctx.platformApi, ctx.env); // ENV-03
    return {
      appDir: abs('app'),
      layersDir: abs('layers'),
      platformDir: abs('platform'),
      buildpacksDir: abs('buildpacks'),
      buildConfigDir: ctx.platformApi.atLeast('0.11') ? abs('build-config') : '/cnb/build-config',
      groupPath: abs('group'),
      planPath: abs('plan'),
      ...(ctx.platformApi.atLeast('0.12') ? { analyzedPath: abs('analyzed') } : {}),
      ...(execEnv ? { execEnv } : {}),
    };
  },
  async privileges() {
    // GEN-12, BL-01 [REF]: buildpack code must never run as root.
    if (typeof process.getuid === 'function' && process.getuid() === 0) {
      throw new LifecycleError('ERR_GENERIC', 'refusing to run as root');
    }
  },
  async exec(i, ctx) {
    const group = await readGroup(i.groupPath); // BL-02: unsupported api → exit 12
    const plan = await readPlan(i.planPath);
    let target: TargetMetadata | undefined;
    if (i.analyzedPath) {
      const analyzed = await readAnalyzed(i.analyzedPath);
      const t = analyzed.runImage?.target;
      if (t) target = completeTarget(t, await readOsRelease()); // ENV-01 [REF]: distro from os-release when missing
    }
    const md = await runBuild({
      appDir: i.appDir,
      layersDir: i.layersDir,
      platformDir: i.platformDir,
      buildpacksDir: i.buildpacksDir,
      buildConfigDir: i.buildConfigDir,
      group,
      plan,
      platformApi: ctx.platformApi,
      ...(target ? { target } : {}),
      ...(i.execEnv ? { execEnv: i.execEnv } : {}),
      processEnv: ctx.env,
      tmpDir: tmpdir(),
      runner: new SpawnProcessRunner(),
      logger: ctx.logger,
    });
    const file = buildMetadataPath(i.layersDir);
    try {
      await mkdir(dirname(file), { recursive: true });
    } catch (e) {
      throw wrapError(e, 'ERR_IO', `create ${dirname(file)}`);
    }
    await writeBuildMetadata(file, md, ctx.platformApi); // FMT-METADATA
  },
};
