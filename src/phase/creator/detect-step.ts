import { runDetectorPhase } from '../detector/index.js';
import type { CreatorInputs, StepContext } from './types.js';

/**
 * The detect step (§3.2, the detector service): reads `<order>` (plus `<system>` ≥0.15) and the run image
 * target from `<analyzed>` (written by the analyze step, read again from disk), runs `/bin/detect` and writes
 * `group.toml` and `plan.toml` only on success (DT-25, DT-28). CR-04: the creator performs no image
 * extension, so `<extensions>` is not read and an order with `[[order-extensions]]` is rejected.
 */
export async function detectStep(i: CreatorInputs, ctx: StepContext): Promise<void> {
  await runDetectorPhase(
    {
      platformApi: i.platformApi,
      appDir: i.appDir,
      buildpacksDir: i.buildpacksDir,
      platformDir: i.platformDir,
      ...(i.buildConfigDir ? { buildConfigDir: i.buildConfigDir } : {}),
      orderPath: i.orderPath,
      ...(i.systemPath ? { systemPath: i.systemPath } : {}),
      groupPath: i.groupPath,
      planPath: i.planPath,
      analyzedPath: i.analyzedPath,
      ...(i.execEnv ? { execEnv: i.execEnv } : {}),
      env: i.env,
      rejectOrderExtensions: true, // CR-04
    },
    ctx,
  );
}
