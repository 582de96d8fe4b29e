import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runBuild } from '../../buildpack/index.js';
import { completeTarget, readOsRelease } from '../../env/index.js';
import { wrapError } from '../../errors/index.js';
import { buildMetadataPath, readAnalyzed, readGroup, readPlan, writeBuildMetadata, type ApiVersion, type TargetMetadata } from '../../platform/index.js';
import type { Logger, ProcessRunner } from '../../sys/index.js';

/** The `<build-config>` below Platform 0.11, where there is no flag. */
export const DEFAULT_BUILD_CONFIG_DIR = '/cnb/build-config';

/** The resolved builder inputs (platform.md `builder` Inputs), all paths absolute (ENV-02). */
export interface BuilderPhaseInputs {
  readonly platformApi: ApiVersion;
  readonly appDir: string;
  readonly layersDir: string;
  readonly platformDir: string;
  readonly buildpacksDir: string;
  /** ≥0.11 `<build-config>`; default `/cnb/build-config`. */
  readonly buildConfigDir?: string;
  readonly groupPath: string;
  readonly planPath: string;
  /** ≥0.12 only: `<analyzed>`, for the target data in CNB_TARGET_* (ENV-01); undefined: no target. */
  readonly analyzedPath?: string;
  /** ≥0.15 `CNB_EXEC_ENV`. */
  readonly execEnv?: string;
  /** The platform's environment as the command received it (the buildpacks' base env, ENV-05). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Scratch space for the Buildpack Plan files handed to `/bin/build`. */
  readonly tmpDir: string;
}

/** What the builder service is given from outside (DESIGN §5.8). */
export interface BuilderPorts {
  /** Spawns `/bin/build`. */
  readonly runner: ProcessRunner;
  readonly logger: Logger;
}

/**
 * The builder phase service (§3.6): reads `group.toml` (BL-02: an unsupported Buildpack API → exit 12),
 * `plan.toml` and (≥0.12) the run image target from `<analyzed>`, runs every `/bin/build` in group order and
 * writes `<layers>/config/metadata.toml` (FMT-METADATA).
 */
export async function runBuilderPhase(i: BuilderPhaseInputs, ports: BuilderPorts): Promise<void> {
  const group = await readGroup(i.groupPath); // BL-02
  const plan = await readPlan(i.planPath);
  let target: TargetMetadata | undefined;
  if (i.analyzedPath) {
    const t = (await readAnalyzed(i.analyzedPath)).runImage?.target;
    if (t) target = completeTarget(t, await readOsRelease()); // ENV-01 [REF]: distro from os-release when missing
  }
  const md = await runBuild({
    appDir: i.appDir,
    layersDir: i.layersDir,
    platformDir: i.platformDir,
    buildpacksDir: i.buildpacksDir,
    buildConfigDir: i.buildConfigDir ?? DEFAULT_BUILD_CONFIG_DIR,
    group,
    plan,
    platformApi: i.platformApi,
    ...(target ? { target } : {}),
    ...(i.execEnv ? { execEnv: i.execEnv } : {}),
    processEnv: i.env,
    tmpDir: i.tmpDir,
    runner: ports.runner,
    logger: ports.logger,
  });
  const file = buildMetadataPath(i.layersDir);
  try {
    await mkdir(dirname(file), { recursive: true });
  } catch (e) {
    throw wrapError(e, 'ERR_IO', `create ${dirname(file)}`);
  }
  await writeBuildMetadata(file, md, i.platformApi); // FMT-METADATA
}
