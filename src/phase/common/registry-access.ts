import { LifecycleError, type ErrorCode } from '../../errors/index.js';
import type { RegistryStore } from '../../registry/index.js';

/** The images whose registry access a phase verifies (AN-06). Empty strings are skipped. */
export interface RegistryAccessPlan {
  /** Checked for read access ([REF]: previous image and run image; registry stores only). */
  readonly read: readonly (string | undefined)[];
  /** Checked for read/write access ([REF]: cache image always; app image and tags on a registry). */
  readonly write: readonly (string | undefined)[];
}

/**
 * AN-06: verifies read access, then write access, in order, the way [REF]'s connected factory does. The
 * first failure throws `code` (the phase's generic code, e.g. ERR_ANALYZE → 32, [REF] lifecycle#1572) with
 * "validating registry read access: failed to ensure registry read access to <image>: <cause naming the
 * registry>" (or "write ... read/write access"). Callers leave out images in a daemon or layout store.
 */
export async function ensureRegistryAccess(registry: Pick<RegistryStore, 'checkReadAccess' | 'checkWriteAccess'>, plan: RegistryAccessPlan, code: ErrorCode): Promise<void> {
  for (const ref of plan.read) {
    if (!ref) continue;
    try {
      await registry.checkReadAccess(ref);
    } catch (e) {
      throw new LifecycleError(code, `validating registry read access: failed to ensure registry read access to ${ref}: ${(e as Error).message}`, { cause: e });
    }
  }
  for (const ref of plan.write) {
    if (!ref) continue;
    try {
      await registry.checkWriteAccess(ref);
    } catch (e) {
      throw new LifecycleError(code, `validating registry write access: failed to ensure registry read/write access to ${ref}: ${(e as Error).message}`, { cause: e });
    }
  }
}
