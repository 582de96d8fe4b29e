/** src/buildpack facade: buildpack/extension descriptors, executables, targets and detection. */
export { escapeId, moduleDir } from './paths.js';
export { hostOs, findExecutable, executableNames, executablePath, type HostOs } from './executable.js';
export { targetsFrom, stacksFrom, inferTargets, targetSatisfies, anyTargetSatisfies, type BuildpackTarget, type TargetDistro, type StackEntry } from './targets.js';
export {
  readBuildpackDescriptor,
  readExtensionDescriptor,
  readModuleDescriptor,
  parseBuildpackDescriptor,
  parseExtensionDescriptor,
  isComposite,
  supportsExecEnv,
  type BuildpackDescriptor,
  type ExtensionDescriptor,
  type ModuleDescriptor,
  type License,
} from './descriptor.js';
export * from './build/index.js';
export { detect, type DetectServiceInputs, type DetectResult, type DetectOrder, type GroupItem } from './detect/detector.js';
export { prepareOrder, prependExtensions, type PrepareOrderInputs, type PreparedOrder } from './detect/prepare.js';
export { runDetect, validateBuildPlan, type DetectRunContext } from './detect/run-detect.js';
export { resolveGroup, type GroupResolution } from './detect/resolve.js';
export { DetectLog } from './detect/detect-log.js';
export { elString, runKey, type DetectOutcome, type DoneElement } from './detect/types.js';
export * from './generate/index.js';
