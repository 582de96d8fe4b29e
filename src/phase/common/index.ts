/** Shared helpers of the connected phases (analyzer, restorer, exporter, rebaser, creator). */
export {
  resolveRunImage,
  selectRunImageMirror,
  runImageForExport,
  everyImageReadable,
  NO_ACCESSIBLE_RUN_IMAGE,
  RUN_IMAGE_REQUIRED_NO_RUN_MD,
  RUN_IMAGE_REQUIRED_NO_STACK_MD,
  type ReadAccessChecker,
  type ResolveRunImageOptions,
  type RunImageSource,
} from './run-image.js';
export { targetFromImageConfig, labelsOf } from './target.js';
export { openPhaseStores, registryReadChecker, type PhaseStoreOptions, type PhaseStores } from './stores.js';
export { ensureRegistryAccess, type RegistryAccessPlan } from './registry-access.js';
export { ensureOwnerAndDrop, isWritableDir, type PrivilegeOptions } from './privileges.js';
export { experimentalMode, guardExperimental, LAYOUT_FEATURE, type ExperimentalMode } from './experimental.js';
export { imageIdentifier } from './identifier.js';
export { validateRef, ensureSameRegistry, hostPlatform } from './refs.js';
export { refuseRoot, REFUSE_ROOT_MESSAGE } from './no-root.js';
export { openStoresFor, type StoreSelection } from './store-selection.js';
export { withExportPorts, type ExportPortOptions } from './export-ports.js';
export { imageCreatedTime, lifecycleLauncherInfo } from './export-metadata.js';
