import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runBuild } from '../../buildpack/index.js';
import { completeTarget, readOsRelease } from '../../env/index.js';
import { wrapError } from '../../errors/index.js';
import { buildMetadataPath, readAnalyzed, readGroup, readPlan, writeBuildMetadata, type TargetMetadata } from '../../platform/index.js';
import type { CreatorInputs, StepContext } from './types.js';

/**
 * The build step (§3.6, as `builder` runs it): reads `group.toml`, `plan.toml` and (≥0.12) the target from
 * `<analyzed>` again from disk, runs every `/bin/build` in group order and writes
 * `<layers>/config/metadata.toml` (FMT-METADATA).
 */
export async function buildStep(i: CreatorInputs, ctx: StepContext): Promise<void> {
  const group = await readGroup(i.groupPath); // BL-02: unsupported api → exit 12
  const plan = await readPlan(i.planPath);
  let target: TargetMetadata | undefined;
  if (i.platformApi.atLeast('0.12')) {
    const t = (await readAnalyzed(i.analyzedPath)).runImage?.target;
    if (t) target = completeTarget(t, await readOsRelease()); // ENV-01
  }
  const md = await runBuild({
    appDir: i.appDir,
    layersDir: i.layersDir,
    platformDir: i.platformDir,
    buildpacksDir: i.buildpacksDir,
    buildConfigDir: i.buildConfigDir ?? '/cnb/build-config',
    group,
    plan,
    platformApi: i.platformApi,
    ...(target ? { target } : {}),
    ...(i.execEnv ? { execEnv: i.execEnv } : {}),
    processEnv: i.env,
    tmpDir: i.tmpDir,
    runner: ctx.runner,
    logger: ctx.logger,
  });
  const file = buildMetadataPath(i.layersDir);
  try {
    await mkdir(dirname(file), { recursive: true });
  } catch (e) {
    throw wrapError(e, 'ERR_IO', `create ${dirname(file)}`);
  }
  await writeBuildMetadata(file, md, i.platformApi); // FMT-METADATA
}
