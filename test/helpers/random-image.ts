import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { tarChunks, type TarEntry } from '../../src/archive/index.js';
import { appendLayers, bufferLayer, emptyImage, setCreated, type BufferLayer, type Image } from '../../src/image/index.js';
import { MediaTypes } from '../../src/oci/index.js';
import { collect } from '../../src/stream/index.js';

/** Builds an in-memory tar (our writer) from entries. */
export async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  return collect(Readable.from(tarChunks(entries)));
}

/** A random in-memory layer: one directory and one file of `byteSize` random bytes. */
export async function randomLayer(byteSize = 1024, name = `file-${randomBytes(4).toString('hex')}`): Promise<BufferLayer> {
  const tar = await tarOf([
    { path: '/random', type: 'directory', mode: 0o755, uid: 0, gid: 0 },
    { path: `/random/${name}`, type: 'file', mode: 0o644, uid: 0, gid: 0, data: randomBytes(byteSize) },
  ]);
  return bufferLayer(tar);
}

/**
 * An in-memory image with `layers` random layers (ggcr `random.Image`), each with a history entry; OCI
 * media types unless `docker`. Valid by construction (validateImage finds nothing).
 */
export async function randomImage(options: { layers?: number; byteSize?: number; docker?: boolean } = {}): Promise<Image> {
  const layers = await Promise.all(Array.from({ length: options.layers ?? 3 }, () => randomLayer(options.byteSize ?? 1024)));
  const base = emptyImage({ os: 'linux', architecture: 'amd64' }, { mediaType: options.docker ? MediaTypes.dockerManifest : MediaTypes.ociManifest });
  const img = appendLayers(base, layers.map((layer, i) => ({ layer, history: { created_by: `random layer ${i}` } })));
  return setCreated(img, new Date(Date.UTC(1980, 0, 1, 0, 0, 1)));
}
