import { isLifecycleError, type ErrorCode } from '../errors/index.js';

/** The phases a Command can be. */
export type PhaseName =
  | 'analyzer'
  | 'detector'
  | 'restorer'
  | 'builder'
  | 'exporter'
  | 'rebaser'
  | 'creator'
  | 'extender'
  | 'launcher';

/** Checklist §8: codes with a fixed exit number. */
const FIXED: Partial<Record<ErrorCode, number>> = {
  ERR_GENERIC: 1,
  ERR_FLAG: 2,
  ERR_INVALID_ARGS: 3,
  ERR_PLATFORM_API: 11,
  ERR_BUILDPACK_API: 12,
  ERR_DETECT_FAILED: 20,
  ERR_DETECT_ERRORED: 21,
  ERR_DETECT: 22,
  ERR_ANALYZE: 32,
  ERR_RESTORE: 42,
  ERR_BUILDPACK_FAILED: 51,
  ERR_BUILD: 52,
  ERR_EXPORT: 62,
  ERR_REBASE: 72,
  ERR_LAUNCH: 82,
  ERR_GENERATE_FAILED: 91,
  ERR_GENERATE: 92,
  ERR_EXTEND: 102,
};

/** The generic failure code of each phase ([REF] 22, 32, 42, 52, 62, 72, 82, 102). */
const PHASE_DEFAULT: Record<PhaseName, number> = {
  detector: 22,
  analyzer: 32,
  restorer: 42,
  builder: 52,
  exporter: 62,
  rebaser: 72,
  launcher: 82,
  extender: 102,
  creator: 1,
};

/**
 * The one place where errors become exit codes. A fixed code keeps its number; a lower-layer code
 * (ERR_TOML, ERR_REGISTRY, ...) becomes the running phase's generic code; anything untyped is 1.
 * The creator passes sub-phase codes through: its services throw phase codes (ERR_ANALYZE, ...).
 */
export function exitCodeFor(err: unknown, phase: PhaseName): number {
  if (!isLifecycleError(err)) return 1;
  return FIXED[err.code] ?? PHASE_DEFAULT[phase];
}
