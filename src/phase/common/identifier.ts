import type { Image, ImageStore } from '../../image/index.js';
import { layoutPath } from '../../layout/index.js';
import { parseRef, registryApiHost } from '../../ref/index.js';

/**
 * AN-09 / AN-11: how analyzed.toml (and the lifecycle label) identify an image found in `store`:
 * - registry: the digest reference `<registry>/<repo>@<manifest digest>` ([REF] spells Docker Hub
 *   `index.docker.io`, as ggcr does);
 * - daemon: the image ID as REF's imgutil writes it: the config digest's hex, without `sha256:`;
 * - layout: `<layout path of ref (FMT-25)>@<manifest digest>` ([REF] imgutil layout identifier).
 * `layoutDir` defaults to the store's own `layoutDir` (LayoutStore has one).
 */
export async function imageIdentifier(store: Pick<ImageStore, 'kind'>, ref: string, image: Image, layoutDir?: string): Promise<string> {
  switch (store.kind) {
    case 'daemon':
      return (await image.imageId()).replace(/^sha256:/, '');
    case 'layout':
      return `${layoutPath(layoutDir ?? (store as { layoutDir?: string }).layoutDir ?? '', ref)}@${await image.digest()}`;
    default: {
      const r = parseRef(ref);
      return `${registryApiHost(r.registry)}/${r.repository}@${await image.digest()}`;
    }
  }
}
