/** The build phase's buildpack side (§3.6): Buildpack Plan, layers, SBOMs, processes, the build service. */
export { runBuild, type BuilderOptions } from './builder.js';
export { runBuildpack, type BuildpackRunInput, type BuildpackRunOutput } from './run-buildpack.js';
export { buildpackPlanFor, validateUnmet, metNames, removeMet, type PlanLike, type PlanEntryLike } from './plan.js';
export { processLayers, RESERVED_LAYER_NAMES, type BuildpackLayer } from './layers.js';
export { findSbomFiles, copySbomFiles, SBOM_MEDIA_TYPES, type SbomFile, type SbomKind } from './sbom.js';
export { ProcessMap, checkBuildpackProcesses, compareStrings, type BuildpackProcess } from './processes.js';
