import { detect, prepareOrder } from '../../buildpack/index.js';
import { baseBuildEnv, completeTarget, readOsRelease, readPlatformEnvFiles } from '../../env/index.js';
import { LifecycleError, wrapError } from '../../errors/index.js';
import { readAnalyzed, writeGroup, writePlan } from '../../platform/index.js';
import type { CreatorInputs, StepContext } from './types.js';

/**
 * The detect step (§3.2, as `detector` runs it): reads `<order>` (plus `<system>` ≥0.15), the run image
 * target from `<analyzed>` (written by the analyze step, read again from disk), runs `/bin/detect` of the
 * candidate groups and writes `group.toml` and `plan.toml` only on success (DT-25, DT-28).
 * CR-04: the creator performs no image extension, so `<extensions>` is not read and an order with
 * `[[order-extensions]]` is rejected.
 */
export async function detectStep(i: CreatorInputs, ctx: StepContext): Promise<void> {
  const { platformApi } = i;
  const { logger } = ctx;
  const prepared = await prepareOrder({
    orderPath: i.orderPath,
    ...(i.systemPath ? { systemPath: i.systemPath } : {}),
    platformApi,
    buildpacksDir: i.buildpacksDir,
    logger,
  });
  if (prepared.hasExtensions) {
    throw new LifecycleError('ERR_DETECT', `the order ${i.orderPath} has image extensions, which creator does not run (CR-04); run the phases separately`);
  }
  const analyzed = await readAnalyzed(i.analyzedPath).catch((e: unknown) => {
    throw wrapError(e, 'ERR_GENERIC', 'failed to read analyzed file');
  });
  if (!analyzed.exists) logger.warn(`No analyzed metadata found at path "${i.analyzedPath}"`);
  const target = completeTarget(analyzed.runImage?.target, await readOsRelease()); // ENV-01, DT-23
  const result = await detect({
    order: prepared.order,
    buildpacksDir: i.buildpacksDir,
    appDir: i.appDir,
    platformDir: i.platformDir,
    platformApi,
    baseEnv: baseBuildEnv(i.env), // ENV-05
    envFiles: await readPlatformEnvFiles(i.platformDir, i.buildConfigDir),
    target,
    ...(i.execEnv ? { execEnv: i.execEnv } : {}),
    runner: ctx.runner,
    logger,
  });
  await writeGroup(i.groupPath, result.group); // DT-25, DT-28
  await writePlan(i.planPath, result.plan);
}
