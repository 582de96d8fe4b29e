import { join, resolve } from 'node:path';
import type { Command } from '../src/cli/index.js';
import { refuseRoot, runDetectorPhase, type DetectorPhaseInputs } from '../src/phase/index.js';
import { catalogFlags, resolveExecEnv, type ApiVersion } from '../src/platform/index.js';
import { SpawnProcessRunner } from '../src/sys/index.js';

/** The resolved detector inputs (checklist §3.2 table), all paths absolute (ENV-02); the service adds api and env. */
type DetectorInputs = Omit<DetectorPhaseInputs, 'platformApi' | 'env' | 'rejectOrderExtensions'>;

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
    refuseRoot(); // GEN-12 [REF]: the detector never runs with privileges
  },
  async exec(i, ctx) {
    await runDetectorPhase({ ...i, platformApi: ctx.platformApi, env: ctx.env }, { runner: new SpawnProcessRunner(), logger: ctx.logger });
  },
};
