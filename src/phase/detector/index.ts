/** The detector phase service (checklist §3.2 detection, §3.3 generation). */
export { runDetectorPhase, DOCKERFILES_FEATURE, type DetectorPhaseInputs, type DetectorPorts } from './detector.js';
