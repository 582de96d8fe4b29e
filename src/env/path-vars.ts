import { hostEnvOs, type EnvOptions } from './env-map.js';

/** Layer subdirectory → the variables it is prepended to (ENV-09 table). */
export type RootDirMap = Readonly<Record<string, readonly string[]>>;

/** ENV-09 "Build" column: bin → PATH, lib → LD_LIBRARY_PATH + LIBRARY_PATH (Linux), include, pkgconfig. */
export function buildRootDirs(opts: EnvOptions = {}): RootDirMap {
  const linux = (opts.os ?? hostEnvOs()) === 'linux';
  return {
    bin: ['PATH'],
    ...(linux ? { lib: ['LD_LIBRARY_PATH', 'LIBRARY_PATH'] } : {}),
    include: ['CPATH'],
    pkgconfig: ['PKG_CONFIG_PATH'],
  };
}

/** ENV-12 "Launch" column: bin → PATH, lib → LD_LIBRARY_PATH (Linux). */
export function launchRootDirs(opts: EnvOptions = {}): RootDirMap {
  const linux = (opts.os ?? hostEnvOs()) === 'linux';
  return { bin: ['PATH'], ...(linux ? { lib: ['LD_LIBRARY_PATH'] } : {}) };
}

/** The POSIX path variables (ENV-05/ENV-06): PATH, LD_LIBRARY_PATH, LIBRARY_PATH, CPATH, PKG_CONFIG_PATH. */
export const POSIX_PATH_VARS: readonly string[] = ['PATH', 'LD_LIBRARY_PATH', 'LIBRARY_PATH', 'CPATH', 'PKG_CONFIG_PATH'];

/** True when `name` is a POSIX path variable (case-insensitive on Windows). */
export function isPathVar(name: string, opts: EnvOptions = {}): boolean {
  if ((opts.os ?? hostEnvOs()) === 'windows') return POSIX_PATH_VARS.includes(name.toUpperCase());
  return POSIX_PATH_VARS.includes(name);
}
