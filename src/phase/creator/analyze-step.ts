import { writeAnalyzed } from '../../platform/index.js';
import { analyze } from '../analyzer/index.js';
import type { PhaseStores } from '../common/index.js';
import type { CreatorInputs, StepContext } from './types.js';

/**
 * The analyze step (§3.1, as `analyzer` runs it with the creator's inputs): resolves the run image, checks
 * registry access, reads the previous image (`-previous-image`, default `<image>`, AN-08) and writes
 * `<analyzed>`. `-skip-restore` also skips the previous image's SBOM layer (AN-14, CR-03).
 */
export function analyzeStep(stores: PhaseStores): (i: CreatorInputs, ctx: StepContext) => Promise<void> {
  return async (i, ctx) => {
    const analyzed = await analyze(
      {
        platformApi: i.platformApi,
        image: i.image,
        tags: i.tags,
        previousImage: i.previousImage ?? i.image,
        runImage: i.runImage,
        runPath: i.runPath,
        stackPath: i.stackPath,
        cacheImage: i.cacheImage,
        layersDir: i.layersDir,
        skipLayers: i.skipRestore,
      },
      { images: stores.images, registry: stores.registry, canRead: stores.canRead, logger: ctx.logger },
    );
    await writeAnalyzed(i.analyzedPath, analyzed);
  };
}
