/** The exporter phase service (checklist §3.7; README.md in this folder). */
export { Exporter } from './exporter.js';
export type { ExportInputs, ExporterPorts, ExportResult, LayerStats, LauncherInfo, ImageRemover } from './types.js';
export { openRecorded } from './inputs.js';
export { goMatch } from './go-glob.js';
export { partitionApp, type AppPartition } from './slices.js';
export { planBuildpackLayers, type BuildpackPlan, type BuildpackLayerPlan, type LayerAction } from './layer-plan.js';
export { entrypointFor, imagePath, setEnv } from './compose.js';
export { lifecycleMetadata, buildMetadataLabel, imageLabels } from './labels.js';
export { LAUNCHER_PATH, PROCESS_DIR } from './fixed-layers.js';
export { openExtendedRun, extendedBase, type ExtendedRun } from './extended-run.js';
