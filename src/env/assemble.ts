import { applyBuildConfigEnv, applyPlatformEnv, type PlatformEnvFiles } from './platform-env.js';
import { setVars, type EnvMap, type EnvOptions } from './env-map.js';

/** The inputs of one buildpack invocation's environment (ENV-11). */
export interface InvocationEnvInput {
  /** Steps 1–2: the base env (ENV-05) with earlier buildpacks' build layers applied (empty for detect). */
  readonly base: EnvMap;
  /** `<platform>/env` and `<build-config>/env` files. */
  readonly files: PlatformEnvFiles;
  /** The module's `clear-env` (ENV-08): skip `<platform>/env`. */
  readonly clearEnv: boolean;
  /** Step 5: the §5.1 CNB_* variables (`detectCnbVars`, `buildCnbVars`, `generateCnbVars`). */
  readonly cnbVars: Readonly<Record<string, string>>;
}

/**
 * ENV-11: the exact environment of one `/bin/detect`, `/bin/build` or `/bin/generate` run: the base env,
 * then `<platform>/env` (unless clear-env; ENV-06), then `<build-config>/env` (ENV-07, for every module),
 * then the CNB_* variables. Applied per invocation, so buildpacks cannot change user values for later ones.
 */
export function assembleInvocationEnv(i: InvocationEnvInput, opts: EnvOptions = {}): EnvMap {
  let env = i.base;
  if (!i.clearEnv) env = applyPlatformEnv(env, i.files.platform, opts);
  env = applyBuildConfigEnv(env, i.files.buildConfig, opts);
  return setVars(env, i.cnbVars, opts);
}
