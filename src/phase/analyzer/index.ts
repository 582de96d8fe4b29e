/** The analyzer phase service (§3.1). */
export { analyze } from './analyzer.js';
export { restoreSbomLayer, sbomEntryPath } from './sbom.js';
export { analyzeError } from './errors.js';
export type { AnalyzerInputs, AnalyzerPorts } from './types.js';
