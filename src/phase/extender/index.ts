/** The extender service (§3.5): a daemonless Dockerfile executor for image extensions. */
export { extend, type ExtenderInputs, type ExtendResult } from './extender.js';
export { applyDockerfile, type ApplyOptions, type ApplyResult } from './apply.js';
export { readBaseImage, encodeImage, writeExtendedRun, containerConfig, type ImageState } from './image-state.js';
export { takeSnapshot, diffSnapshots, diffEntries, ignoredPaths, isEmptyDiff, type Snapshot, type SnapshotDiff } from './snapshot.js';
export { runInRoot, spawnInherit, type RunRoot, type RunSpec, type Spawner } from './run-command.js';
export { lexWords, keyValuePairs, type Vars } from './words.js';
export { resolveUser, userArgs, isRootUser } from './users.js';
