/** src/env facade: env files (§6 EF-*), buildpack environments (§5 ENV-*), launch env application. */
export { getVar, hasVar, setVar, setVars, envToList, pathListSeparator, hostEnvOs, type EnvMap, type EnvOs, type EnvOptions } from './env-map.js';
export { readEnvDir, parseEnvFileName, applyEnvFiles, applyEnvDir, type EnvFile, type EnvAction, type EnvFileMeaning } from './env-files.js';
export { buildRootDirs, launchRootDirs, isPathVar, POSIX_PATH_VARS, type RootDirMap } from './path-vars.js';
export { baseBuildEnv, BUILD_ENV_ALLOWLIST } from './base-env.js';
export { applyPlatformEnv, applyBuildConfigEnv, readPlatformEnvFiles, type PlatformEnvFiles } from './platform-env.js';
export {
  readBuildLayerEnv,
  readLaunchLayerEnv,
  prependRootDirs,
  applyBuildLayer,
  applyLaunchLayer,
  applyBuildLayers,
  applyLaunchLayers,
  type LayerEnvInput,
} from './layer-env.js';
export { targetEnvVars, detectCnbVars, buildCnbVars, generateCnbVars, type CnbVarsCommon } from './cnb-vars.js';
export { assembleInvocationEnv, type InvocationEnvInput } from './assemble.js';
export { parseOsRelease, readOsRelease, ociArch, completeTarget, type OsRelease } from './target.js';
