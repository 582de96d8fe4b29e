import { detect, generate, prepareOrder } from '../../buildpack/index.js';
import { baseBuildEnv, completeTarget, readOsRelease, readPlatformEnvFiles } from '../../env/index.js';
import { LifecycleError, wrapError } from '../../errors/index.js';
import { readAnalyzed, readRunToml, writeAnalyzed, writeGroup, writePlan, type ApiVersion } from '../../platform/index.js';
import type { Logger, ProcessRunner } from '../../sys/index.js';
import { guardExperimental } from '../common/index.js';

/** The feature name [REF] uses for image extensions before Platform 0.13 (DT-27). */
export const DOCKERFILES_FEATURE = 'Dockerfiles';

/** The resolved detector inputs (checklist §3.2 table), all paths absolute (ENV-02). */
export interface DetectorPhaseInputs {
  readonly platformApi: ApiVersion;
  readonly appDir: string;
  readonly buildpacksDir: string;
  /** ≥0.10 `<extensions>`; undefined: extension descriptors are not read and nothing is generated. */
  readonly extensionsDir?: string;
  readonly platformDir: string;
  /** ≥0.11 `<build-config>`. */
  readonly buildConfigDir?: string;
  readonly orderPath: string;
  /** ≥0.15 `<system>`. */
  readonly systemPath?: string;
  readonly groupPath: string;
  readonly planPath: string;
  readonly analyzedPath: string;
  /** ≥0.10 `<generated>` (GE-13); with `extensionsDir`, the Generation phase runs when extensions pass. */
  readonly generatedDir?: string;
  /** ≥0.12 `<run>` (GE-11), read only when generating. */
  readonly runPath?: string;
  /** ≥0.15 `CNB_EXEC_ENV` (default production). */
  readonly execEnv?: string;
  /** The platform's environment as the command received it: the buildpacks' base env (ENV-05) and GEN-10. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * CR-04: the creator performs no image extension, so an order with `[[order-extensions]]` is rejected
   * (ERR_DETECT) instead of being guarded as experimental (DT-27) and generated (DT-26).
   */
  readonly rejectOrderExtensions?: boolean;
}

/** What the detector service is given from outside (DESIGN §5.8). */
export interface DetectorPorts {
  /** Spawns `/bin/detect` and `/bin/generate`. */
  readonly runner: ProcessRunner;
  readonly logger: Logger;
}

/**
 * The detector phase service (§3.2, §3.3): reads `<order>` (plus `<system>` ≥0.15) and the run image target
 * from `<analyzed>`, runs `/bin/detect` of the candidate groups, then (when extensions passed and
 * `<extensions>`/`<generated>` are given) the Generation phase, which filters the plan and updates
 * `<analyzed>`. `group.toml` and `plan.toml` are written only on success (DT-25, DT-28).
 */
export async function runDetectorPhase(i: DetectorPhaseInputs, ports: DetectorPorts): Promise<void> {
  const { platformApi } = i;
  const { logger, runner } = ports;
  const prepared = await prepareOrder({
    orderPath: i.orderPath,
    ...(i.systemPath ? { systemPath: i.systemPath } : {}),
    platformApi,
    buildpacksDir: i.buildpacksDir,
    ...(i.extensionsDir ? { extensionsDir: i.extensionsDir } : {}),
    logger,
  });
  if (prepared.hasExtensions) {
    if (i.rejectOrderExtensions) {
      throw new LifecycleError('ERR_DETECT', `the order ${i.orderPath} has image extensions, which creator does not run (CR-04); run the phases separately`);
    }
    if (platformApi.lessThan('0.13')) guardExperimental(DOCKERFILES_FEATURE, i.env, logger); // DT-27, GEN-10 (ERRATA-01)
  }
  const analyzed = await readAnalyzed(i.analyzedPath).catch((e: unknown) => {
    throw wrapError(e, 'ERR_GENERIC', 'failed to read analyzed file');
  });
  if (!analyzed.exists) logger.warn(`No analyzed metadata found at path "${i.analyzedPath}"`);
  const target = completeTarget(analyzed.runImage?.target, await readOsRelease()); // ENV-01, DT-23
  const baseEnv = baseBuildEnv(i.env); // ENV-05
  const envFiles = await readPlatformEnvFiles(i.platformDir, i.buildConfigDir);
  const result = await detect({
    order: prepared.order,
    buildpacksDir: i.buildpacksDir,
    ...(i.extensionsDir ? { extensionsDir: i.extensionsDir } : {}),
    appDir: i.appDir,
    platformDir: i.platformDir,
    platformApi,
    baseEnv,
    envFiles,
    target,
    ...(i.execEnv ? { execEnv: i.execEnv } : {}),
    runner,
    logger,
  });
  let plan = result.plan;
  if (result.group.groupExtensions.length > 0 && i.extensionsDir && i.generatedDir) {
    // DT-26: the Generation phase (§3.3), then the filtered plan and the updated <analyzed>
    const gen = await generate({
      extensions: result.group.groupExtensions,
      extensionsDir: i.extensionsDir,
      appDir: i.appDir,
      platformDir: i.platformDir,
      generatedDir: i.generatedDir,
      platformApi,
      plan,
      analyzed,
      runToml: i.runPath ? await readRunToml(i.runPath).catch((e: unknown) => { throw wrapError(e, 'ERR_GENERATE', 'failed to read run metadata'); }) : [],
      baseEnv,
      envFiles,
      target,
      runner,
      logger,
    });
    plan = gen.plan;
    await writeAnalyzed(i.analyzedPath, gen.analyzed).catch((e: unknown) => {
      throw wrapError(e, 'ERR_GENERATE', 'failed to write analyzed metadata');
    });
  }
  await writeGroup(i.groupPath, result.group); // DT-25, DT-28: only on success
  await writePlan(i.planPath, plan);
}
