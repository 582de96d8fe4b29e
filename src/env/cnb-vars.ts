import type { ApiVersion, TargetMetadata } from '../platform/index.js';

/**
 * ENV-01: CNB_TARGET_* for the run image target. OS and arch are always set; [REF] empty optional values
 * (variant, distro name, distro version) are left unset rather than set to "".
 */
export function targetEnvVars(target: TargetMetadata): Record<string, string> {
  return {
    CNB_TARGET_OS: target.os,
    CNB_TARGET_ARCH: target.arch,
    ...(target.archVariant ? { CNB_TARGET_ARCH_VARIANT: target.archVariant } : {}),
    ...(target.distro?.name ? { CNB_TARGET_DISTRO_NAME: target.distro.name } : {}),
    ...(target.distro?.version ? { CNB_TARGET_DISTRO_VERSION: target.distro.version } : {}),
  };
}

/** What the §5.1 variables of one invocation depend on. */
export interface CnbVarsCommon {
  /** The module's declared Buildpack API. */
  readonly buildpackApi: ApiVersion;
  readonly platformApi: ApiVersion;
  /** Absolute `<platform>`. */
  readonly platformDir: string;
  /** The run image target (ENV-01); CNB_TARGET_* are set for BP≥0.10 when given. */
  readonly target?: TargetMetadata;
  /** `<exec-env>` (Platform ≥0.15); passed as CNB_EXEC_ENV to BP≥0.12. */
  readonly execEnv?: string;
}

function commonVars(i: CnbVarsCommon, withPlatformDir: boolean): Record<string, string> {
  return {
    ...(withPlatformDir && i.buildpackApi.atLeast('0.8') ? { CNB_PLATFORM_DIR: i.platformDir } : {}),
    ...(i.target && i.buildpackApi.atLeast('0.10') ? targetEnvVars(i.target) : {}),
    ...(i.execEnv && i.buildpackApi.atLeast('0.12') && i.platformApi.atLeast('0.15') ? { CNB_EXEC_ENV: i.execEnv } : {}),
  };
}

/**
 * §5.1 for `/bin/detect`: CNB_BUILDPACK_DIR (buildpacks) or CNB_EXTENSION_DIR (extensions); BP≥0.8
 * CNB_PLATFORM_DIR and CNB_BUILD_PLAN_PATH; BP≥0.10 CNB_TARGET_*; BP≥0.12 with Platform ≥0.15 CNB_EXEC_ENV.
 */
export function detectCnbVars(i: CnbVarsCommon & { readonly kind: 'buildpack' | 'extension'; readonly moduleDir: string; readonly planPath: string }): Record<string, string> {
  return {
    ...(i.kind === 'extension' ? { CNB_EXTENSION_DIR: i.moduleDir } : { CNB_BUILDPACK_DIR: i.moduleDir }),
    ...commonVars(i, true),
    ...(i.buildpackApi.atLeast('0.8') ? { CNB_BUILD_PLAN_PATH: i.planPath } : {}),
  };
}

/**
 * §5.1 for `/bin/build`: CNB_BUILDPACK_DIR; BP≥0.8 CNB_LAYERS_DIR (`<layers>/<escaped-id>`),
 * CNB_PLATFORM_DIR and CNB_BP_PLAN_PATH; BP≥0.10 CNB_TARGET_*; BP≥0.12 with Platform ≥0.15 CNB_EXEC_ENV.
 */
export function buildCnbVars(i: CnbVarsCommon & { readonly buildpackDir: string; readonly layersDir: string; readonly bpPlanPath: string }): Record<string, string> {
  return {
    CNB_BUILDPACK_DIR: i.buildpackDir,
    ...(i.buildpackApi.atLeast('0.8') ? { CNB_LAYERS_DIR: i.layersDir, CNB_BP_PLAN_PATH: i.bpPlanPath } : {}),
    ...commonVars(i, true),
  };
}

/**
 * §5.1 / GE-02 for `/bin/generate`: CNB_EXTENSION_DIR, CNB_OUTPUT_DIR, CNB_BP_PLAN_PATH, CNB_PLATFORM_DIR,
 * BP≥0.10 CNB_TARGET_*; no CNB_LAYERS_DIR, no CNB_BUILDPACK_DIR, [REF] no CNB_EXEC_ENV.
 */
export function generateCnbVars(i: Omit<CnbVarsCommon, 'execEnv'> & { readonly extensionDir: string; readonly outputDir: string; readonly bpPlanPath: string }): Record<string, string> {
  return {
    CNB_EXTENSION_DIR: i.extensionDir,
    CNB_OUTPUT_DIR: i.outputDir,
    CNB_BP_PLAN_PATH: i.bpPlanPath,
    CNB_PLATFORM_DIR: i.platformDir,
    ...(i.target && i.buildpackApi.atLeast('0.10') ? targetEnvVars(i.target) : {}),
  };
}
