import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from '../src/cli/index.js';
import { DEFAULT_BUILD_CONFIG_DIR, refuseRoot, runBuilderPhase, type BuilderPhaseInputs } from '../src/phase/index.js';
import { resolveExecEnv, catalogFlags, type ApiVersion } from '../src/platform/index.js';
import { SpawnProcessRunner } from '../src/sys/index.js';

/** The resolved builder inputs (platform.md `builder` Inputs), all paths absolute (ENV-02); the service adds api, env and tmpDir. */
type BuilderInputs = Omit<BuilderPhaseInputs, 'platformApi' | 'env' | 'tmpDir'>;

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
      buildConfigDir: ctx.platformApi.atLeast('0.11') ? abs('build-config') : DEFAULT_BUILD_CONFIG_DIR,
      groupPath: abs('group'),
      planPath: abs('plan'),
      ...(ctx.platformApi.atLeast('0.12') ? { analyzedPath: abs('analyzed') } : {}), // ENV-01 target data
      ...(execEnv ? { execEnv } : {}),
    };
  },
  async privileges() {
    refuseRoot(); // GEN-12, BL-01 [REF]: buildpack code must never run as root.
  },
  async exec(i, ctx) {
    await runBuilderPhase({ ...i, platformApi: ctx.platformApi, env: ctx.env, tmpDir: tmpdir() }, { runner: new SpawnProcessRunner(), logger: ctx.logger });
  },
};
