import type { Image, Layer } from '../../image/index.js';
import type { Digest } from '../../oci/index.js';
import { once } from '../../stream/index.js';
import type { Logger } from '../../sys/index.js';

/**
 * The previous image's layers by diffID, read lazily: its config is fetched on first use (never its layer
 * bytes), and a layer is the previous image's own lazy `Layer`, so a registry sink HEADs or mounts it
 * instead of uploading (EP-13, LY-07).
 */
export class PreviousLayers {
  private readonly ids: () => Promise<ReadonlySet<string>>;

  constructor(
    private readonly image: () => Promise<Image | undefined>,
    logger: Logger,
  ) {
    this.ids = once(async () => {
      const img = await this.image();
      if (!img) return new Set<string>();
      try {
        return new Set<string>((await img.config()).rootfs.diff_ids);
      } catch (e) {
        logger.warn(`previous image is unreadable, no layer will be reused from it: ${(e as Error).message}`);
        return new Set<string>();
      }
    });
  }

  /** True when the previous image has a layer with this diffID. */
  async has(diffId: string): Promise<boolean> {
    return (await this.ids()).has(diffId);
  }

  /** The previous image's layer with this diffID, or undefined. */
  async layer(diffId: string): Promise<Layer | undefined> {
    if (!(await this.has(diffId))) return undefined;
    const img = await this.image();
    return img?.layerByDiffId(diffId as Digest);
  }
}
