import type { PhaseStores } from '../common/index.js';
import { analyzeStep } from './analyze-step.js';
import { exportStep } from './export-step.js';
import { restoreStep } from './restore-step.js';
import type { CreatorStep } from './types.js';

/** The ports the connected steps (analyze, restore, export) share; built before privileges are dropped. */
export interface ConnectedPorts {
  readonly stores: PhaseStores;
}

/** The analyze, restore and export steps over the phase services of src/phase (analyzer, restorer, exporter). */
export function connectedSteps(ports: ConnectedPorts): Record<'analyze' | 'restore' | 'export', CreatorStep> {
  return {
    analyze: analyzeStep(ports.stores),
    restore: restoreStep(ports.stores),
    export: exportStep(ports.stores),
  };
}
