import type { Readable } from 'node:stream';
import { isGzipLayerType, isManifestType, MediaTypes, parseConfig, parseManifest, sha256Digest, type Digest } from '../oci/index.js';
import { HashCounter } from '../stream/index.js';
import type { Image } from './types.js';

async function hashOf(stream: Readable): Promise<{ digest: Digest; size: number }> {
  const h = new HashCounter();
  for await (const c of stream) h.update(c as Buffer);
  return { digest: h.digest(), size: h.size };
}

/**
 * The invariant oracle (ggcr `validate`): returns every inconsistency found, [] when the image is sound.
 * Checks manifest digest = sha256(raw manifest), config digest/size = the manifest's config descriptor and
 * the image ID, diff_ids vs layers, each layer's digest/size/diffID/media type vs the manifest, lookups by
 * digest and diffID, history vs layer count, and (unless `layers: false`) the layer bytes themselves.
 */
export async function validateImage(image: Image, options: { layers?: boolean } = {}): Promise<string[]> {
  const problems: string[] = [];
  const check = (ok: boolean, msg: string) => {
    if (!ok) problems.push(msg);
  };
  const raw = await image.rawManifest();
  const manifest = parseManifest(raw);
  check((await image.digest()) === sha256Digest(raw), 'digest() is not sha256(rawManifest())');
  check(JSON.stringify(await image.manifest()) === JSON.stringify(JSON.parse(Buffer.from(raw).toString('utf8'))), 'manifest() differs from rawManifest()');
  const mt = await image.mediaType();
  check(isManifestType(mt), `mediaType() '${mt}' is not a manifest type`);
  check(manifest.mediaType === undefined || manifest.mediaType === mt, `mediaType() '${mt}' differs from the manifest's '${manifest.mediaType}'`);
  const docker = mt === MediaTypes.dockerManifest;
  check(manifest.config.mediaType === (docker ? MediaTypes.dockerConfig : MediaTypes.ociConfig), `config media type '${manifest.config.mediaType}' does not match manifest type '${mt}'`);

  const rawConfig = await image.rawConfig();
  const config = parseConfig(rawConfig);
  check((await image.imageId()) === sha256Digest(rawConfig), 'imageId() is not sha256(rawConfig())');
  check(manifest.config.digest === sha256Digest(rawConfig), 'manifest config digest is not sha256(rawConfig())');
  check(manifest.config.size === rawConfig.byteLength, `manifest config size ${manifest.config.size} != ${rawConfig.byteLength}`);
  check(JSON.stringify(await image.config()) === JSON.stringify(config), 'config() differs from rawConfig()');

  const layers = await image.layers();
  const ids = config.rootfs.diff_ids;
  check(layers.length === manifest.layers.length, `layers() has ${layers.length} layers, the manifest ${manifest.layers.length}`);
  check(ids.length === manifest.layers.length, `config has ${ids.length} diff_ids, the manifest ${manifest.layers.length} layers`);
  if (config.history) {
    const nonEmpty = config.history.filter((h) => !h.empty_layer).length;
    check(nonEmpty === ids.length, `history has ${nonEmpty} non-empty entries for ${ids.length} layers`);
  }
  for (let i = 0; i < Math.min(layers.length, manifest.layers.length); i++) {
    const l = layers[i]!;
    const d = manifest.layers[i]!;
    const [digest, size, diffId, lmt] = await Promise.all([l.digest(), l.size(), l.diffId(), l.mediaType()]);
    check(digest === d.digest, `layer ${i}: digest ${digest} != manifest ${d.digest}`);
    check(size === d.size, `layer ${i}: size ${size} != manifest ${d.size}`);
    check(diffId === ids[i], `layer ${i}: diffID ${diffId} != config ${ids[i]}`);
    check(isGzipLayerType(lmt) === isGzipLayerType(d.mediaType), `layer ${i}: media type '${lmt}' vs manifest '${d.mediaType}'`);
    check(docker ? !d.mediaType.includes('.oci.') : !d.mediaType.includes('.docker.'), `layer ${i}: media type '${d.mediaType}' in a '${mt}' manifest`);
    check((await (await image.layerByDigest(digest)).digest()) === digest, `layerByDigest(${digest}) returns another layer`);
    check((await (await image.layerByDiffId(diffId)).diffId()) === diffId, `layerByDiffId(${diffId}) returns another layer`);
    if (options.layers !== false) {
      try {
        const c = await hashOf(await l.compressed());
        check(c.digest === digest && c.size === size, `layer ${i}: compressed bytes hash to ${c.digest} (${c.size} bytes), want ${digest} (${size})`);
        const u = await hashOf(await l.uncompressed());
        check(u.digest === diffId, `layer ${i}: uncompressed bytes hash to ${u.digest}, want diffID ${diffId}`);
      } catch (e) {
        problems.push(`layer ${i}: reading failed: ${(e as Error).message}`);
      }
    }
  }
  return problems;
}
