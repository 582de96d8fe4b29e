import { LifecycleError } from '../errors/index.js';
import { MediaTypes, parseConfig, parseManifest, sha256Digest, type Digest, type ImageConfig, type Manifest } from '../oci/index.js';
import { collect, once } from '../stream/index.js';
import { CoreLayer } from './core-layer.js';
import type { Image, ImageCore, Layer } from './types.js';

/** Upper bound for a config blob read through a core (configs are small JSON; 16 MiB is generous). */
export const MAX_CONFIG_SIZE = 16 << 20;

/**
 * Turns a backend's minimal ImageCore into a full Image (ggcr `partial`). Everything is lazy, memoized and
 * single-flight: the manifest is read once, the config once; reading them never touches a layer; `layers()`
 * returns the same Layer objects every time (their identity is how a sink recognizes a source's layer).
 * `what` names the image in errors (e.g. "image registry.io/a/b:tag" or "layout /x/y").
 */
export function imageFromCore(core: ImageCore, what: string): Image {
  const rawManifest = once(() => core.rawManifest());
  const manifest = once(async () => parseManifest(await rawManifest()));
  const rawConfig = once(async (): Promise<Uint8Array> => {
    if (core.rawConfig) return core.rawConfig();
    const m = await manifest();
    return collect(await core.blob(m.config), { max: MAX_CONFIG_SIZE, what: `config of ${what}`, code: 'ERR_IMAGE' });
  });
  const config = once(async () => parseConfig(await rawConfig()));
  const layers = once(async (): Promise<Layer[]> => {
    const [m, c] = await Promise.all([manifest(), config()]);
    const ids = c.rootfs.diff_ids;
    if (ids.length !== m.layers.length) {
      throw new LifecycleError('ERR_IMAGE', `${what}: manifest has ${m.layers.length} layers but the config has ${ids.length} diff_ids`);
    }
    return m.layers.map((d, i) => new CoreLayer(core, d, ids[i] as Digest, what));
  });
  return new PartialImage(rawManifest, manifest, rawConfig, config, layers, what);
}

/** The Image built by `imageFromCore`; exported for `instanceof` checks only. */
export class PartialImage implements Image {
  readonly digest: () => Promise<Digest>;
  readonly imageId: () => Promise<Digest>;

  constructor(
    readonly rawManifest: () => Promise<Uint8Array>,
    readonly manifest: () => Promise<Manifest>,
    readonly rawConfig: () => Promise<Uint8Array>,
    readonly config: () => Promise<ImageConfig>,
    readonly layers: () => Promise<Layer[]>,
    readonly what: string,
  ) {
    this.digest = once(async () => sha256Digest(await rawManifest()));
    this.imageId = once(async () => sha256Digest(await rawConfig()));
  }

  async mediaType(): Promise<string> {
    return (await this.manifest()).mediaType ?? MediaTypes.ociManifest;
  }

  async layerByDigest(digest: Digest): Promise<Layer> {
    return findLayer(await this.layers(), (l) => l.digest(), digest, this.what);
  }

  async layerByDiffId(diffId: Digest): Promise<Layer> {
    return findLayer(await this.layers(), (l) => l.diffId(), diffId, this.what);
  }
}

/** The first layer whose `key` equals `want`; ERR_IMAGE naming the image when there is none. */
export async function findLayer(layers: readonly Layer[], key: (l: Layer) => Promise<Digest>, want: Digest, what: string): Promise<Layer> {
  for (const l of layers) if ((await key(l)) === want) return l;
  throw new LifecycleError('ERR_IMAGE', `${what}: no layer ${want}`);
}
