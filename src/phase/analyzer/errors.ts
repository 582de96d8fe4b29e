import { isLifecycleError, LifecycleError } from '../../errors/index.js';

/**
 * An analyze failure (exit 32 for the analyzer and the creator alike): lower-layer codes (ERR_IMAGE,
 * ERR_REGISTRY, ...) become ERR_ANALYZE; input errors (ERR_INVALID_ARGS, exit 3) and API errors keep theirs.
 */
export function analyzeError(e: unknown, context: string): LifecycleError {
  const msg = e instanceof Error ? e.message : String(e);
  if (isLifecycleError(e) && ['ERR_INVALID_ARGS', 'ERR_PLATFORM_API', 'ERR_BUILDPACK_API', 'ERR_ANALYZE'].includes(e.code)) {
    return new LifecycleError(e.code, `${context}: ${msg}`, { cause: e });
  }
  return new LifecycleError('ERR_ANALYZE', `${context}: ${msg}`, { cause: e });
}
