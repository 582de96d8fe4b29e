/** The creator service (§3.8): the five phases in one process, composed from the phase services. */
export { create, runsRestore, PHASE_HEADERS, type CreateOptions } from './creator.js';
export { SUB_PHASES, type CreatorInputs, type CreatorStep, type CreatorSteps, type StepContext, type SubPhase } from './types.js';
export { subPhaseError } from './sub-phase-error.js';
export { detectStep } from './detect-step.js';
export { buildStep } from './build-step.js';
export { connectedSteps, type ConnectedPorts } from './connected-steps.js';
export { analyzeStep } from './analyze-step.js';
export { restoreStep } from './restore-step.js';
export { exportStep } from './export-step.js';
