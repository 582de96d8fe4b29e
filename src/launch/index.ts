/** src/launch facade: the TypeScript side of the native launcher (launch description, docs/launcher.md). */
export { LAUNCH_DESCRIPTION_PATH, type LaunchDescription, type DescBuildpack, type DescProcess, type DescOp, type ScanKind } from './description.js';
export { encodeLaunchDescription, decodeLaunchDescription, LAUNCH_DESC_MAGIC } from './codec.js';
export { buildLaunchDescription, type BuildLaunchDescriptionOptions } from './build-description.js';
export { findLaunchLayers, compareBytes, type LaunchLayerRef } from './launch-layers.js';
export {
  launchDescriptionPath,
  writeLaunchDescription,
  readLaunchDescription,
  prepareLaunchDescription,
  type PrepareLaunchOptions,
} from './description-file.js';
