import { LifecycleError } from '../errors/index.js';
import type { ApiVersion } from './api-version.js';

/**
 * ENV-03: the execution environment from CNB_EXEC_ENV (≥0.15; default `production`; must not contain `/`,
 * exit 3). Undefined below 0.15, where execution environments do not exist.
 */
export function resolveExecEnv(api: ApiVersion, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (api.lessThan('0.15')) return undefined;
  const execEnv = env['CNB_EXEC_ENV'] || 'production';
  if (execEnv.includes('/')) throw new LifecycleError('ERR_INVALID_ARGS', `invalid CNB_EXEC_ENV '${execEnv}': must not contain '/'`);
  return execEnv;
}
