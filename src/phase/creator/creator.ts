import type { Logger, ProcessRunner } from '../../sys/index.js';
import { subPhaseError } from './sub-phase-error.js';
import { SUB_PHASES, type CreatorInputs, type CreatorSteps, type SubPhase } from './types.js';

/** The `===> PHASE` header [REF] prints before each sub-phase. */
export const PHASE_HEADERS: Readonly<Record<SubPhase, string>> = {
  analyze: 'ANALYZING',
  detect: 'DETECTING',
  restore: 'RESTORING',
  build: 'BUILDING',
  export: 'EXPORTING',
};

/** Options of `create`. */
export interface CreateOptions {
  readonly steps: CreatorSteps;
  readonly logger: Logger;
  readonly runner: ProcessRunner;
  /** Told which sub-phase is running (the CLI names it in "failed to <verb>"). */
  readonly onPhase?: (phase: SubPhase) => void;
}

/**
 * CR-03 per Platform API: with `-skip-restore`, below 0.10 the whole restore step is skipped; from 0.10 the
 * restorer still runs but restores nothing except `store.toml` (its step receives `skipRestore`).
 */
export function runsRestore(inputs: CreatorInputs): boolean {
  return !(inputs.skipRestore && inputs.platformApi.lessThan('0.10'));
}

/**
 * The creator service (§3.8): analyze → detect → restore → build → export in one process (CR-01,
 * ERRATA-16). Each step is the phase service the separate binary would run, reading the previous step's
 * files from disk; each gets a fresh logger that starts with [REF]'s `===> PHASE` header. A failure stops
 * the run with the exit code of the sub-phase that failed (CR-05). Image extension is not performed (CR-04).
 */
export async function create(inputs: CreatorInputs, o: CreateOptions): Promise<SubPhase[]> {
  const ran: SubPhase[] = [];
  for (const phase of SUB_PHASES) {
    if (phase === 'restore' && !runsRestore(inputs)) {
      o.logger.debug('Skipping restore (-skip-restore, Platform API < 0.10)');
      continue;
    }
    o.onPhase?.(phase);
    const logger = phaseLogger(o.logger);
    logger.info(`===> ${PHASE_HEADERS[phase]}`);
    try {
      await o.steps[phase](inputs, { logger, runner: o.runner });
    } catch (e) {
      throw subPhaseError(e, phase);
    }
    ran.push(phase);
  }
  return ran;
}

/** A logger of its own for one sub-phase (same sinks and level; nothing shared between phases). */
function phaseLogger(base: Logger): Logger {
  return {
    level: base.level,
    debug: (m) => base.debug(m),
    info: (m) => base.info(m),
    warn: (m) => base.warn(m),
    error: (m) => base.error(m),
  };
}
