import type { ApiVersion } from '../../platform/index.js';
import type { LauncherInfo } from '../exporter/index.js';
import type { Logger, ProcessRunner } from '../../sys/index.js';

/** The sub-phases the creator runs, in [REF] order (CR-01, ERRATA-16). */
export type SubPhase = 'analyze' | 'detect' | 'restore' | 'build' | 'export';

/** The [REF] order of the sub-phases (CR-01, ERRATA-16: analyzer first). */
export const SUB_PHASES: readonly SubPhase[] = ['analyze', 'detect', 'restore', 'build', 'export'];

/**
 * The creator's resolved inputs (§3.8): the union of the five phases' inputs, all paths absolute. Files
 * between phases (`analyzed.toml`, `group.toml`, `plan.toml`, `metadata.toml`) are written by one step and
 * read again from disk by the next, exactly as five separate runs would (no state passes in memory).
 */
export interface CreatorInputs {
  readonly platformApi: ApiVersion;
  /** The positional `<image>` (CR-06). */
  readonly image: string;
  /** `-tag`: more images to export to (CR-02). */
  readonly tags: readonly string[];
  readonly appDir: string;
  readonly layersDir: string;
  readonly platformDir: string;
  readonly buildpacksDir: string;
  /** ≥0.11 (`-build-config`). */
  readonly buildConfigDir?: string;
  readonly orderPath: string;
  /** ≥0.15 (`-system`). */
  readonly systemPath?: string;
  /** `<layers>/group.toml` or CNB_GROUP_PATH (no flag on the creator). */
  readonly groupPath: string;
  /** `<layers>/plan.toml` or CNB_PLAN_PATH (no flag). */
  readonly planPath: string;
  /** `<layers>/analyzed.toml` or CNB_ANALYZED_PATH (no flag). */
  readonly analyzedPath: string;
  readonly reportPath: string;
  readonly projectMetadataPath: string;
  /** ≥0.12: `-run` (run.toml). */
  readonly runPath?: string;
  /** <0.12: `-stack` (stack.toml). */
  readonly stackPath?: string;
  readonly previousImage?: string;
  readonly runImage?: string;
  readonly cacheDir?: string;
  readonly cacheImage?: string;
  readonly launchCacheDir?: string;
  readonly daemon: boolean;
  /** ≥0.12 (experimental, GEN-10). */
  readonly layout: boolean;
  readonly layoutDir?: string;
  /** CR-03. */
  readonly skipRestore: boolean;
  readonly processType?: string;
  readonly launcherPath: string;
  /** ≥0.11. */
  readonly launcherSbomDir?: string;
  /** ≥0.13 (EP-26). */
  readonly parallel: boolean;
  /** ≥0.13. */
  readonly insecureRegistries: readonly string[];
  readonly uid: number;
  readonly gid: number;
  /** ≥0.15 (`CNB_EXEC_ENV`, default production). */
  readonly execEnv?: string;
  /** The platform's environment, for the buildpacks' base environment (ENV-05) and GEN-10, as the command received it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly tmpDir: string;
  /** EP-20: SOURCE_DATE_EPOCH (≥0.9) or the constant; chosen by the command. */
  readonly created: Date;
  /** LBL-08: the launcher's version and source, chosen by the command. */
  readonly launcher: LauncherInfo;
}

/** What each step gets besides the inputs. */
export interface StepContext {
  /** The sub-phase's own logger (the creator prints its `===> PHASE` header first). */
  readonly logger: Logger;
  /** Spawns buildpack executables. */
  readonly runner: ProcessRunner;
}

/**
 * One sub-phase as the creator runs it. Each step reads its input files from disk and writes its output
 * files, as the separate phase would (CR-01). Steps that need image stores, keychains or caches get them
 * from the phase services they wrap; those were built before privileges were dropped.
 */
export type CreatorStep = (inputs: CreatorInputs, ctx: StepContext) => Promise<void>;

/** The five steps (ports), injected so tests can observe the order or inject faults. */
export type CreatorSteps = Readonly<Record<SubPhase, CreatorStep>>;
