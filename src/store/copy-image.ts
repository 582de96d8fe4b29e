import { LifecycleError } from '../errors/index.js';
import type { ImageSink, ImageSource, PlatformWant, WriteResult } from '../image/index.js';

/** Options of `copyImage`. */
export interface CopyOptions {
  /** References written in the sink; default `[ref]`. */
  readonly to?: readonly string[];
  /** Picks the manifest out of an index in the source (default linux/amd64, the source's rule). */
  readonly platform?: PlatformWant;
  readonly signal?: AbortSignal;
}

/**
 * Copies the image `ref` from `source` to `sink` (DESIGN §5.2: copying is always source → sink). The image is
 * lazy, so the sink decides which layers it needs (it skips what it has). ERR_IMAGE when the source has no `ref`.
 * The result is the sink's: `{ digest, imageId, manifestSize }` for registry/layout, `{ imageId }` for a daemon.
 */
export async function copyImage(source: ImageSource, sink: ImageSink, ref: string, options: CopyOptions = {}): Promise<WriteResult> {
  const image = await source.image(ref, {
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (image === undefined) throw new LifecycleError('ERR_IMAGE', `image '${ref}' not found in the source`);
  return sink.write(image, options.to ?? [ref], options.signal);
}
