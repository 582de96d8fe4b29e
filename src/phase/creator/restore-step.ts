import type { PhaseStores } from '../common/index.js';
import { runRestorer } from '../restorer/index.js';
import type { CreatorInputs, StepContext } from './types.js';

/**
 * The restore step (§3.4, as `restorer` runs it): store.toml, then the layers of the group (read again from
 * `group.toml`) by the §7.3 truth table from the cache and the previous image's metadata in `<analyzed>`.
 * CR-03: with `-skip-restore` (≥0.10) the restorer runs with skip-layers, so nothing but `store.toml` is
 * restored; below 0.10 the creator does not run this step at all (see `runsRestore`).
 */
export function restoreStep(stores: PhaseStores): (i: CreatorInputs, ctx: StepContext) => Promise<void> {
  return async (i, ctx) => {
    await runRestorer(
      {
        layersDir: i.layersDir,
        groupPath: i.groupPath,
        analyzedPath: i.analyzedPath,
        cacheDir: i.cacheDir,
        cacheImage: i.cacheImage,
        skipLayers: i.skipRestore, // CR-03
        uid: i.uid,
        gid: i.gid,
        runPath: i.platformApi.atLeast('0.14') ? i.runPath : undefined,
      },
      { platformApi: i.platformApi, logger: ctx.logger, stores },
    );
  };
}
