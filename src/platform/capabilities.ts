import type { ApiVersion } from './api-version.js';

/**
 * What a Platform API version means, as named features (checklist §9). Phases ask these instead of
 * comparing version numbers, so each version difference is decided in exactly one place.
 */
export interface PlatformCapabilities {
  /** 0.8: layer SBOMs, the SBOM layer on the app image, `sbom.sha` in the label. */
  readonly sbom: boolean;
  /** 0.9: analyzer -launch-cache/-skip-layers; SBOM dir layout `<layers>/sbom/{launch,build}/<bp>/...`. */
  readonly analyzerSkipLayers: boolean;
  /** 0.9: `SOURCE_DATE_EPOCH` sets the image `created` time. */
  readonly sourceDateEpoch: boolean;
  /** 0.9: process `working-dir`. */
  readonly processWorkingDir: boolean;
  /** 0.10: image extensions, `[[order-extensions]]`, detector -generated/-analyzed, extender phase. */
  readonly extensions: boolean;
  /** 0.10: process `command` is an array in metadata.toml and the build label (BL-18). */
  readonly commandArray: boolean;
  /** 0.10: with BP≥0.9, user args replace `args` and `command[1:]` is kept (LN-03). */
  readonly userArgsReplace: boolean;
  /** 0.10: creator -skip-restore keeps store.toml (CR-03). */
  readonly skipRestoreKeepsStore: boolean;
  /** 0.11: `<build-config>/env` operator env. */
  readonly buildConfigEnv: boolean;
  /** 0.11: exporter copies lifecycle and launcher SBOMs (-launcher-sbom). */
  readonly launcherSbom: boolean;
  /** 0.11: build label has processes[].buildpackID and buildpacks[].api. */
  readonly buildLabelIds: boolean;
  /** 0.12: run.toml and targets replace stack.toml and stacks. */
  readonly runToml: boolean;
  /** 0.12: OCI layout export (-layout, -layout-dir), experimental. */
  readonly layout: boolean;
  /** 0.12: io.buildpacks.rebasable, rebaser -force and target checks. */
  readonly rebasable: boolean;
  /** 0.12: `<platform>/env` POSIX path variables are prepended; others override (ENV-06). */
  readonly platformEnvPrepend: boolean;
  /** 0.12: history entries with created_by. */
  readonly history: boolean;
  /** 0.13: extensions no longer experimental. */
  readonly extensionsStable: boolean;
  /** 0.13: -insecure-registry. */
  readonly insecureRegistries: boolean;
  /** 0.13: exporter/creator -parallel. */
  readonly parallelExport: boolean;
  /** 0.14: restorer -run: resolves mirrors and checks read access of the run image (RS-14). */
  readonly restorerResolvesRunImage: boolean;
  /** 0.14: launch+cache layer metadata restorable from the cache when the image lacks it (RS-09). */
  readonly restoreLaunchCacheFromCache: boolean;
  /** 0.15: execution environments (CNB_EXEC_ENV). */
  readonly execEnv: boolean;
  /** 0.15: system buildpacks (system.toml). */
  readonly systemBuildpacks: boolean;
}

/** Derives the capability table for a Platform API version. */
export function capabilitiesFor(api: ApiVersion): PlatformCapabilities {
  const at = (v: string) => api.atLeast(v);
  return {
    sbom: at('0.8'),
    analyzerSkipLayers: at('0.9'),
    sourceDateEpoch: at('0.9'),
    processWorkingDir: at('0.9'),
    extensions: at('0.10'),
    commandArray: at('0.10'),
    userArgsReplace: at('0.10'),
    skipRestoreKeepsStore: at('0.10'),
    buildConfigEnv: at('0.11'),
    launcherSbom: at('0.11'),
    buildLabelIds: at('0.11'),
    runToml: at('0.12'),
    layout: at('0.12'),
    rebasable: at('0.12'),
    platformEnvPrepend: at('0.12'),
    history: at('0.12'),
    extensionsStable: at('0.13'),
    insecureRegistries: at('0.13'),
    parallelExport: at('0.13'),
    restorerResolvesRunImage: at('0.14'),
    restoreLaunchCacheFromCache: at('0.14'),
    execEnv: at('0.15'),
    systemBuildpacks: at('0.15'),
  };
}
