/** The black-box conformance harness: run the built phase binaries on temp dirs. */
export { ROOT, LIFECYCLE_DIR, FIXTURES } from './paths.js';
export { runPhase, isRoot, TEST_UID, TEST_GID, type PhaseRun, type RunOptions } from './run-phase.js';
export { makeTempDir, chownR } from './tmp.js';
export * from './buildpacks.js';
export { startSpecRegistry, registryAuthEnv, type SpecRegistry, type SpecRegistryOptions } from './registry.js';
export { runImage, appImage, sbomLayer, fileLayer, layerEntries, putImage, readImage, readTomlFile, layoutDirOf, DEFAULT_RUN_LABELS, type RunImageOptions, type AppImageOptions, type ImageLocation, type ImageSummary, type LayerFiles } from './images.js';
