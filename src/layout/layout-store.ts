import type { Image, ImageStore, PlatformWant, WriteResult } from '../image/index.js';
import { LifecycleError } from '../errors/index.js';
import { parseRef, type ImageRef } from '../ref/index.js';
import { findLayoutImage } from './layout-image.js';
import { layoutPath } from './layout-path.js';
import { OciLayout, REF_NAME } from './oci-layout.js';
import { writeImage } from './write-image.js';

/** Options of a LayoutStore. */
export interface LayoutStoreOptions {
  /**
   * 'cnb' (default): each reference is its own layout at the FMT-25 path under `layoutDir`.
   * 'flat': `layoutDir` is one layout and the reference's tag is the ref-name annotation (`oci:DIR:TAG`).
   */
  readonly mapping?: 'cnb' | 'flat';
  /** Blobs written at once (default 4). */
  readonly concurrency?: number;
}

/**
 * The `ImageStore` over OCI layouts (kind 'layout'; AN-16, EP-27). Reads are lazy (index.json and the
 * manifest on demand, layers when opened); writes put blobs atomically, skip blobs already present, and then
 * replace the index entry with the same ref name. The ref name is the tag (or the digest of a digest ref).
 */
export class LayoutStore implements ImageStore {
  readonly kind = 'layout' as const;

  constructor(
    readonly layoutDir: string,
    private readonly options: LayoutStoreOptions = {},
  ) {}

  /** The layout directory and the ref name for `ref`. */
  locate(ref: string | ImageRef): { dir: string; refName: string; ref: ImageRef } {
    const r = typeof ref === 'string' ? parseRef(ref) : ref;
    const refName = r.tag ?? r.digest ?? 'latest';
    if (this.options.mapping === 'flat') return { dir: this.layoutDir, refName, ref: r };
    return { dir: layoutPath(this.layoutDir, r), refName, ref: r };
  }

  async image(ref: string, options: { platform?: PlatformWant; signal?: AbortSignal } = {}): Promise<Image | undefined> {
    const { dir, refName, ref: r } = this.locate(ref);
    const layout = await OciLayout.open(dir);
    if (!layout) return undefined;
    return findLayoutImage(layout, {
      ...(r.digest ? { digest: r.digest } : { refName, strictName: this.options.mapping === 'flat' }),
      ...(options.platform ? { platform: options.platform } : {}),
    });
  }

  async exists(ref: string): Promise<boolean> {
    return (await this.image(ref)) !== undefined;
  }

  /**
   * EP-30: removes the index entries `ref` names from its layout (a digest reference: every entry with that
   * manifest digest; else the entries whose ref name is the tag). Blobs stay (a layout has no garbage
   * collection; other entries may share them). A missing layout or entry is not an error.
   */
  async delete(ref: string): Promise<void> {
    const { dir, refName, ref: r } = this.locate(ref);
    const layout = await OciLayout.open(dir);
    if (!layout) return;
    await layout.updateIndex((index) => ({
      ...index,
      manifests: index.manifests.filter((d) => (r.digest ? d.digest !== r.digest : d.annotations?.[REF_NAME] !== refName)),
    }));
  }

  /** Writes `image` under every reference (same manifest bytes each time); the result is the last write's. */
  async write(image: Image, refs: readonly string[], signal?: AbortSignal): Promise<WriteResult> {
    if (refs.length === 0) throw new LifecycleError('ERR_LAYOUT', 'no reference to write the image to');
    let result: WriteResult | undefined;
    for (const ref of refs) {
      const { dir, refName } = this.locate(ref);
      const layout = await OciLayout.init(dir);
      result = await writeImage(layout, image, {
        refName,
        ...(this.options.concurrency ? { concurrency: this.options.concurrency } : {}),
        ...(signal ? { signal } : {}),
      });
    }
    return result as WriteResult;
  }
}
