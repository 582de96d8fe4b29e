import { LifecycleError } from '../errors/index.js';
import { imageFromCore, selectManifest, type Image, type ImageIndex, type PlatformWant } from '../image/index.js';
import { isIndexType, isManifestType, parseIndex, sha256Digest, MediaTypes, type Descriptor, type Digest, type IndexManifest } from '../oci/index.js';
import { once } from '../stream/index.js';
import type { OciLayout } from './oci-layout.js';

/** A lazy image stored in a layout: the manifest is read (verified) on first use, layers only when opened. */
export function layoutImage(layout: OciLayout, desc: Descriptor): Image {
  if (!isManifestType(desc.mediaType)) throw layout.error(`${desc.digest} is a '${desc.mediaType}', not an image manifest`);
  return imageFromCore(
    {
      rawManifest: () => layout.readBlob(desc),
      blob: (d, signal) => layout.openBlob(d, signal),
    },
    `image ${desc.digest} in OCI layout ${layout.dir}`,
  );
}

/** An index stored in a layout (`desc`), or the layout's own index.json (no `desc`). */
export class LayoutIndex implements ImageIndex {
  readonly rawManifest: () => Promise<Uint8Array>;
  readonly indexManifest: () => Promise<IndexManifest>;

  constructor(
    private readonly layout: OciLayout,
    desc?: Descriptor,
  ) {
    this.rawManifest = once(async () => (desc ? layout.readBlob(desc) : layout.rawIndex()));
    this.indexManifest = once(async () => {
      try {
        return parseIndex(await this.rawManifest());
      } catch (e) {
        throw layout.error((e as Error).message, e);
      }
    });
  }

  async mediaType(): Promise<string> {
    return (await this.indexManifest()).mediaType ?? MediaTypes.ociIndex;
  }

  async digest(): Promise<Digest> {
    return sha256Digest(await this.rawManifest());
  }

  private async child(digest: Digest): Promise<Descriptor> {
    const d = (await this.indexManifest()).manifests.find((m) => m.digest === digest);
    if (!d) throw this.layout.error(`no manifest ${digest} in the index`);
    return d;
  }

  async image(digest: Digest): Promise<Image> {
    return layoutImage(this.layout, await this.child(digest));
  }

  async index(digest: Digest): Promise<ImageIndex> {
    const d = await this.child(digest);
    if (!isIndexType(d.mediaType)) throw this.layout.error(`${digest} is not an index`);
    return new LayoutIndex(this.layout, d);
  }
}

/**
 * Resolves an image in a layout: a descriptor whose ref-name annotation is `refName` when given (with
 * `strictName`, only those), else the only image, else the one for `platform`; nested indexes are followed (bounded depth). Undefined when the
 * layout holds nothing that matches.
 */
export async function findLayoutImage(
  layout: OciLayout,
  options: { refName?: string; strictName?: boolean; digest?: Digest; platform?: PlatformWant } = {},
): Promise<Image | undefined> {
  const top = await layout.readIndex();
  let candidates = top.manifests;
  if (options.digest) candidates = candidates.filter((d) => d.digest === options.digest);
  else if (options.refName !== undefined) {
    const named = candidates.filter((d) => d.annotations?.['org.opencontainers.image.ref.name'] === options.refName);
    if (named.length > 0 || options.strictName) candidates = named;
  }
  let desc: Descriptor | undefined = candidates.length === 1 ? candidates[0] : selectManifest({ ...top, manifests: candidates }, options.platform);
  for (let depth = 0; desc && isIndexType(desc.mediaType); depth++) {
    if (depth > 4) throw new LifecycleError('ERR_LAYOUT', `OCI layout ${layout.dir}: indexes nested too deeply`);
    const idx = parseIndex(await layout.readBlob(desc));
    desc = selectManifest(idx, options.platform);
  }
  return desc ? layoutImage(layout, desc) : undefined;
}
