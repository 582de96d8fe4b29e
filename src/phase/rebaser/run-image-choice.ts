import { LifecycleError, isLifecycleError } from '../../errors/index.js';
import type { ApiVersion, LifecycleMetadata, RunImageEntry } from '../../platform/index.js';
import { parseRef } from '../../ref/index.js';
import { selectRunImageMirror, type ReadAccessChecker } from '../common/index.js';

/**
 * RB-04: the run image and mirrors recorded on the app image. Platform ≥0.12 reads `runImage.image`/`mirrors`
 * first and falls back to `stack.runImage`; below 0.12 only `stack.runImage` is read (RI-03). `undefined` when
 * neither names an image ([REF] "no run image metadata available").
 */
export function runImageFromMetadata(md: LifecycleMetadata, platformApi: ApiVersion): RunImageEntry | undefined {
  if (platformApi.atLeast('0.12') && md.runImage.image) return { image: md.runImage.image, mirrors: md.runImage.mirrors ?? [] };
  if (md.stack?.runImage.image) return { image: md.stack.runImage.image, mirrors: md.stack.runImage.mirrors ?? [] };
  return undefined;
}

/**
 * RB-04: `-run-image` when given; else the label's run image resolved by RI-01 (same registry as `appRef`
 * first, then the first readable). No metadata → ERR_INVALID_ARGS (exit 3, [REF] "-run-image is required when
 * there is no run image metadata available"); no readable candidate → ERR_REBASE ([REF] 72).
 */
export async function chooseRunImage(o: {
  readonly runImage?: string | undefined;
  readonly metadata: LifecycleMetadata;
  readonly appRef: string;
  readonly platformApi: ApiVersion;
  readonly canRead: ReadAccessChecker;
}): Promise<string> {
  if (o.runImage) return o.runImage;
  const entry = runImageFromMetadata(o.metadata, o.platformApi);
  if (!entry) throw new LifecycleError('ERR_INVALID_ARGS', '-run-image is required when there is no run image metadata available');
  try {
    return await selectRunImageMirror(entry, parseRef(o.appRef).registry, o.canRead);
  } catch (e) {
    if (isLifecycleError(e) && e.code === 'ERR_INVALID_ARGS') throw new LifecycleError('ERR_REBASE', e.message, { cause: e });
    throw e;
  }
}
