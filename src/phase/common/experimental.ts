import { LifecycleError } from '../../errors/index.js';
import type { Logger } from '../../sys/index.js';

/** How experimental features are handled (GEN-10, ERRATA-01). */
export type ExperimentalMode = 'warn' | 'error' | 'quiet';

/**
 * GEN-10 / ERRATA-01: `CNB_EXPERIMENTAL_MODE` as [REF] reads it: `warn`, `error` (the default, also for
 * unset or unknown values), `quiet`; the spec's `silent` is accepted as `quiet`. Case-insensitive.
 */
export function experimentalMode(env: Readonly<Record<string, string | undefined>>): ExperimentalMode {
  const v = (env['CNB_EXPERIMENTAL_MODE'] ?? '').toLowerCase();
  if (v === 'warn') return 'warn';
  if (v === 'quiet' || v === 'silent') return 'quiet';
  return 'error';
}

/**
 * GEN-10: guards one experimental feature (e.g. "Export to OCI layout format"): `warn` logs
 * "Platform requested experimental feature '<feature>'" and continues, `quiet` continues, `error` throws
 * ERR_GENERIC (exit 1, as [REF] returns a plain error) after logging "Experimental feature '<feature>' requested".
 */
export function guardExperimental(feature: string, env: Readonly<Record<string, string | undefined>>, logger: Logger): void {
  const mode = experimentalMode(env);
  if (mode === 'quiet') return;
  if (mode === 'warn') {
    logger.warn(`Platform requested experimental feature '${feature}'`);
    return;
  }
  logger.error(`Experimental feature '${feature}' requested`);
  throw new LifecycleError('ERR_GENERIC', `experimental features are disabled by CNB_EXPERIMENTAL_MODE=${env['CNB_EXPERIMENTAL_MODE'] || 'error'}`);
}

/** The feature name [REF] uses for `-layout`. */
export const LAYOUT_FEATURE = 'Export to OCI layout format';
