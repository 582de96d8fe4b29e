/** The restorer service (checklist §3.4): store.toml, the §7.3 restore truth table, cached layer contents, SBOMs. */
export { runRestorer, openRestorerCache, type RestorerInputs, type RestorerPorts } from './restorer.js';
export { restoreLayers, type RestoreLayersOptions, type RestoreLayersResult } from './restore-layers.js';
export { decideLayers, type LayerDecision, type LayerDecisionInput } from './truth-table.js';
export { updateAnalyzed, type UpdateAnalyzedOptions } from './analyzed-update.js';
export { extractCachedLayer, type ExtractCachedLayerOptions, type ExtractOutcome, type RestoredHeader } from './layer-extract.js';
export { layerFingerprintSalt, walkMatchesHeaders, recordRestoredLayers, LAYER_SALT_VERSION, type RestoredLayer, type RecordOptions } from './fingerprints.js';
export { TarRootMapper } from './tar-root.js';
export { saveSparseImage, kanikoBaseDir } from './kaniko-cache.js';
