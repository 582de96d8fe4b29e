import { withExportPorts, type PhaseStores } from '../common/index.js';
import { Exporter } from '../exporter/index.js';
import type { CreatorInputs, StepContext } from './types.js';

/** The default `-launcher-sbom` ([REF] file-name rule, ERRATA-26). */
const DEFAULT_SBOM_DIR = '/cnb/lifecycle';

/**
 * The export step (§3.7, the exporter service with the ports `exporter` builds, `withExportPorts`):
 * `<image>` plus every `-tag` (CR-02), the cache (`-cache-image` wins over `-cache-dir`; a cache that cannot
 * be opened only warns, EP-25), `report.toml`. `group.toml`, `<analyzed>` and `metadata.toml` are read again
 * from disk by the exporter. The creator keeps no launch cache and removes no old cache image.
 */
export function exportStep(stores: PhaseStores): (i: CreatorInputs, ctx: StepContext) => Promise<void> {
  return async (i, ctx) => {
    const ports = { stores, cacheDir: i.cacheDir, cacheImage: i.cacheImage, tmpDir: i.tmpDir, logger: ctx.logger };
    await withExportPorts(ports, (p) =>
      new Exporter(p).export({
        platformApi: i.platformApi,
        images: [i.image, ...i.tags], // CR-02
        layersDir: i.layersDir,
        appDir: i.appDir,
        analyzedPath: i.analyzedPath,
        groupPath: i.groupPath,
        projectMetadataPath: i.projectMetadataPath,
        reportPath: i.reportPath,
        launcherPath: i.launcherPath,
        ...(i.launcherSbomDir ? { launcherSbomDir: i.launcherSbomDir, launcherSbomIsDefault: i.launcherSbomDir === DEFAULT_SBOM_DIR } : {}),
        ...(i.processType ? { processType: i.processType } : {}),
        ...(i.runPath ? { runPath: i.runPath } : {}),
        ...(i.stackPath ? { stackPath: i.stackPath } : {}),
        uid: i.uid,
        gid: i.gid,
        parallel: i.parallel,
        ...(i.execEnv && i.env['CNB_EXEC_ENV'] ? { execEnv: i.execEnv } : {}),
        created: i.created,
        launcher: i.launcher,
      }),
    );
  };
}
