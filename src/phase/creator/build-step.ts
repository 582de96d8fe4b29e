import { runBuilderPhase } from '../builder/index.js';
import type { CreatorInputs, StepContext } from './types.js';

/**
 * The build step (§3.6, the builder service): reads `group.toml`, `plan.toml` and (≥0.12) the target from
 * `<analyzed>` again from disk, runs every `/bin/build` in group order and writes
 * `<layers>/config/metadata.toml` (FMT-METADATA).
 */
export async function buildStep(i: CreatorInputs, ctx: StepContext): Promise<void> {
  await runBuilderPhase(
    {
      platformApi: i.platformApi,
      appDir: i.appDir,
      layersDir: i.layersDir,
      platformDir: i.platformDir,
      buildpacksDir: i.buildpacksDir,
      ...(i.buildConfigDir ? { buildConfigDir: i.buildConfigDir } : {}),
      groupPath: i.groupPath,
      planPath: i.planPath,
      ...(i.platformApi.atLeast('0.12') ? { analyzedPath: i.analyzedPath } : {}),
      ...(i.execEnv ? { execEnv: i.execEnv } : {}),
      env: i.env,
      tmpDir: i.tmpDir,
    },
    ctx,
  );
}
