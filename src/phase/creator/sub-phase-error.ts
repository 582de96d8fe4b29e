import { isLifecycleError, LifecycleError, type ErrorCode } from '../../errors/index.js';
import type { SubPhase } from './types.js';

/** The generic error code of each sub-phase ([REF] 32, 22, 42, 52, 62). */
const PHASE_CODE: Record<SubPhase, ErrorCode> = {
  analyze: 'ERR_ANALYZE',
  detect: 'ERR_DETECT',
  restore: 'ERR_RESTORE',
  build: 'ERR_BUILD',
  export: 'ERR_EXPORT',
};

/**
 * Lower-layer codes: a separate phase maps them to its own generic code, so inside the creator they become
 * the generic code of the sub-phase that hit them (CR-05). Every other code (generic 1–3, API 11/12,
 * detect 20/21, buildpack 51, phase codes) already names its exit code and passes through unchanged.
 */
const LOWER_LAYER: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'ERR_TOML',
  'ERR_IO',
  'ERR_IMAGE_REF',
  'ERR_IMAGE',
  'ERR_REGISTRY',
  'ERR_AUTH',
  'ERR_DIGEST',
  'ERR_TAR',
  'ERR_DAEMON',
  'ERR_LAYOUT',
  'ERR_CACHE',
  'ERR_PROCESS',
]);

/**
 * CR-05: the error a failing sub-phase leaves the creator with, so the exit code is the one the separate
 * phase would have returned. The message is kept (the CLI prints it after "failed to <sub-phase verb>").
 */
export function subPhaseError(e: unknown, phase: SubPhase): unknown {
  if (!isLifecycleError(e) || !LOWER_LAYER.has(e.code)) return e;
  return new LifecycleError(PHASE_CODE[phase], e.message, { cause: e });
}
