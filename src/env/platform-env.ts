import { applyEnvFiles, readEnvDir, type EnvFile } from './env-files.js';
import { getVar, pathListSeparator, setVar, type EnvMap, type EnvOptions } from './env-map.js';
import { isPathVar } from './path-vars.js';
import { join } from 'node:path';

/**
 * ENV-06: applies user-provided `<platform>/env/*` files. The whole file name is the variable name ([REF]:
 * suffixes are not parsed); contents verbatim. POSIX path variables are prepended with the OS path list
 * separator (only when there is an existing value), everything else overrides.
 */
export function applyPlatformEnv(env: EnvMap, files: readonly EnvFile[], opts: EnvOptions = {}): EnvMap {
  let out = env;
  for (const f of files) {
    if (isPathVar(f.file, opts)) {
      const cur = getVar(out, f.file, opts);
      out = setVar(out, f.file, cur === '' ? f.value : f.value + pathListSeparator(opts) + cur, opts);
    } else {
      out = setVar(out, f.file, f.value, opts);
    }
  }
  return out;
}

/**
 * ENV-07: applies operator-provided `<build-config>/env/*` files with the §6 suffix rules, an unsuffixed
 * file meaning `default`. Applied last, for every buildpack (clear-env ones included).
 */
export function applyBuildConfigEnv(env: EnvMap, files: readonly EnvFile[], opts: EnvOptions = {}): EnvMap {
  return applyEnvFiles(env, files, 'default', opts);
}

/** The user and operator env files read once per phase: `<platform>/env/` and `<build-config>/env/`. */
export interface PlatformEnvFiles {
  readonly platform: readonly EnvFile[];
  readonly buildConfig: readonly EnvFile[];
}

/** Reads `<platform>/env/` and (when given, ≥0.11) `<build-config>/env/`; missing directories read as empty. */
export async function readPlatformEnvFiles(platformDir: string, buildConfigDir?: string): Promise<PlatformEnvFiles> {
  return {
    platform: await readEnvDir(join(platformDir, 'env')),
    buildConfig: buildConfigDir ? await readEnvDir(join(buildConfigDir, 'env')) : [],
  };
}
