import { isLifecycleError, LifecycleError } from '../../errors/index.js';
import type { Image } from '../../image/index.js';
import {
  capabilitiesFor,
  decodeLifecycleLabel,
  emptyLifecycleMetadata,
  Labels,
  type Analyzed,
  type AnalyzedRunImage,
  type LifecycleMetadata,
} from '../../platform/index.js';
import { ensureRegistryAccess, imageIdentifier, labelsOf, resolveRunImage, targetFromImageConfig } from '../common/index.js';
import { analyzeError } from './errors.js';
import { restoreSbomLayer } from './sbom.js';
import type { AnalyzerInputs, AnalyzerPorts } from './types.js';

/** Errors that mean "this image is broken", not "the registry/daemon failed" (AN-10: corrupt → ignored). */
const CORRUPT = new Set(['ERR_IMAGE', 'ERR_DIGEST']);

/** The previous image's part of analyzed.toml. */
interface PreviousImageResult {
  readonly reference: string;
  readonly metadata: LifecycleMetadata;
  readonly image?: Image;
}

/**
 * The analyzer (§3.1): resolves the run image (AN-07, RI-01/03), verifies registry access (AN-06), reads the
 * previous image's lifecycle metadata (AN-09, AN-10), restores its launch SBOM layer (AN-14, AN-15) and
 * identifies the run image with its target data (AN-11..AN-13). Returns analyzed.toml (FMT-AN); writes only
 * `<layers>/sbom/launch/...` (AN-18: no layer metadata; AN-19: no group, order or buildpacks).
 */
export async function analyze(i: AnalyzerInputs, ports: AnalyzerPorts): Promise<Analyzed> {
  const { images, logger } = ports;
  const caps = capabilitiesFor(i.platformApi);
  const runImageName = (
    await resolveRunImage({ platformApi: i.platformApi, runImage: i.runImage, appImage: i.image, runPath: i.runPath, stackPath: i.stackPath, canRead: ports.canRead })
  ).image;
  logger.debug(`Run image: ${runImageName}`);

  // AN-06 [REF]: the cache image is always in a registry; the rest only when the images are.
  const onRegistry = images.kind === 'registry';
  await ensureRegistryAccess(
    ports.registry,
    {
      read: onRegistry ? [i.previousImage, runImageName] : [],
      write: [i.cacheImage, ...(onRegistry ? [i.image, ...i.tags] : [])],
    },
    'ERR_ANALYZE',
  );

  const previous = await readPrevious(i, ports);
  const sbomSha = previous.metadata.sbom?.sha ?? '';
  if (previous.image && sbomSha !== '' && caps.sbom && !i.skipLayers) {
    await restoreSbomLayer(previous.image, sbomSha, i.layersDir, logger); // AN-15 (AN-14: skipped)
  }

  const runImage = await readRunImage(runImageName, i, ports);
  return {
    previousImage: { reference: previous.reference },
    metadata: previous.metadata,
    runImage,
  };
}

/** AN-09 / AN-10: the previous image's identifier and decoded lifecycle label, tolerant of absence and corruption. */
async function readPrevious(i: AnalyzerInputs, ports: AnalyzerPorts): Promise<PreviousImageResult> {
  const { images, logger } = ports;
  const empty = { reference: '', metadata: emptyLifecycleMetadata() };
  if (!i.previousImage) return empty;
  let image: Image | undefined;
  let reference: string;
  let labels: Readonly<Record<string, string>>;
  try {
    image = await images.image(i.previousImage, i.platform ? { platform: i.platform } : {});
    if (!image) {
      logger.info(`Image with name "${i.previousImage}" not found`); // AN-05
      return empty;
    }
    reference = await imageIdentifier(images, i.previousImage, image);
    labels = labelsOf(await image.config());
  } catch (e) {
    if (isLifecycleError(e) && CORRUPT.has(e.code)) {
      logger.info(`Ignoring image "${i.previousImage}" because it was corrupt`); // AN-10 [REF]
      logger.debug(e.message);
      return empty;
    }
    throw analyzeError(e, `getting previous image ${i.previousImage}`);
  }
  logger.debug(`Found image with identifier "${reference}"`);
  const label = labels[Labels.lifecycleMetadata];
  if (label === undefined || label === '') return { reference, metadata: emptyLifecycleMetadata(), image };
  try {
    return { reference, metadata: decodeLifecycleLabel(label, i.previousImage), image };
  } catch (e) {
    // AN-10 [REF]: an undecodable label is ignored (empty metadata, reference "").
    logger.info(`Ignoring image "${i.previousImage}" because its ${Labels.lifecycleMetadata} label could not be decoded`);
    logger.debug((e as Error).message);
    return empty;
  }
}

/** AN-11..AN-13: the run image's identifier, name (≥0.12) and target data (≥0.12). */
async function readRunImage(name: string, i: AnalyzerInputs, ports: AnalyzerPorts): Promise<AnalyzedRunImage> {
  const { images, logger } = ports;
  const withTargets = capabilitiesFor(i.platformApi).runToml;
  let image: Image | undefined;
  let reference = '';
  try {
    image = await images.image(name, i.platform ? { platform: i.platform } : {});
    if (image) reference = await imageIdentifier(images, name, image);
  } catch (e) {
    throw analyzeError(e, `getting run image ${name}`);
  }
  if (!image) {
    logger.info(`Image with name "${name}" not found`);
    if (withTargets) throw new LifecycleError('ERR_ANALYZE', `failed to find OS in run image config: run image ${name} not found`); // AN-13
    return { reference: '' };
  }
  logger.debug(`Found image with identifier "${reference}"`);
  if (!withTargets) return { reference };
  let target;
  try {
    target = targetFromImageConfig(await image.config());
  } catch (e) {
    throw analyzeError(e, 'unpacking metadata from image');
  }
  if (target.os === '') throw new LifecycleError('ERR_ANALYZE', `failed to find OS in run image config of ${name}`); // AN-13
  return { reference, image: name, target };
}
