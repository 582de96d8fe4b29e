/** Image label names (checklist §4b). */
export const Labels = {
  lifecycleMetadata: 'io.buildpacks.lifecycle.metadata', // LBL-LIFECYCLE
  buildMetadata: 'io.buildpacks.build.metadata', // LBL-BUILD
  projectMetadata: 'io.buildpacks.project.metadata', // LBL-PROJECT
  cacheMetadata: 'io.buildpacks.lifecycle.cache.metadata', // FMT-27/28
  rebasable: 'io.buildpacks.rebasable', // EP-19, ERRATA-07
  execEnv: 'io.buildpacks.exec-env', // ERRATA-08
  baseId: 'io.buildpacks.base.id',
  baseDistroName: 'io.buildpacks.base.distro.name',
  baseDistroVersion: 'io.buildpacks.base.distro.version',
  stackId: 'io.buildpacks.stack.id',
  stackMixins: 'io.buildpacks.stack.mixins',
  lifecycleVersion: 'io.buildpacks.lifecycle.version',
  lifecycleApis: 'io.buildpacks.lifecycle.apis',
} as const;

/** Label prefixes the rebaser copies from the new run image. */
export const BASE_LABEL_PREFIX = 'io.buildpacks.base.';
export const STACK_LABEL_PREFIX = 'io.buildpacks.stack.';
