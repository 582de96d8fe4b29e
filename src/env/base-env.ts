import { hostEnvOs, type EnvMap, type EnvOptions } from './env-map.js';
import { POSIX_PATH_VARS } from './path-vars.js';

/**
 * ENV-05 [REF]: besides the POSIX path variables, the only variables of the lifecycle's own environment that
 * reach buildpacks. Everything else (other CNB_* variables included, ENV-04) is dropped.
 */
export const BUILD_ENV_ALLOWLIST: readonly string[] = [
  'CNB_STACK_ID', // deprecated (Platform <0.12)
  'HOSTNAME',
  'HOME',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
];

/**
 * ENV-05: the base environment of `/bin/detect`, `/bin/build` and `/bin/generate`: only the allow-listed
 * variables and the POSIX path variables of `processEnv` (names compare case-insensitively on Windows).
 */
export function baseBuildEnv(processEnv: Readonly<Record<string, string | undefined>>, opts: EnvOptions = {}): EnvMap {
  const windows = (opts.os ?? hostEnvOs()) === 'windows';
  const allowed = new Set([...BUILD_ENV_ALLOWLIST, ...POSIX_PATH_VARS].map((k) => (windows ? k.toUpperCase() : k)));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(processEnv)) {
    if (v === undefined) continue;
    if (allowed.has(windows ? k.toUpperCase() : k)) out[k] = v;
  }
  return out;
}
