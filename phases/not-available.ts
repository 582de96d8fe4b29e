import { LifecycleError } from '../src/errors/index.js';
import type { Command, PhaseName } from '../src/cli/index.js';

/** The command of a phase this build does not provide yet: it fails with a clear message (exit 1). */
export function notAvailable(phase: PhaseName): Command<void> {
  return {
    phase,
    verb: phase.replace(/er$/, '').replace(/or$/, ''),
    positionalArgs: { min: 0, max: Number.MAX_SAFE_INTEGER },
    defineFlags: () => [],
    resolveInputs: () => undefined,
    exec: async () => {
      throw new LifecycleError('ERR_GENERIC', `the ${phase} phase is not available in this build of the lifecycle`);
    },
  };
}
