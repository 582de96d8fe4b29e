import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheImage } from '../../../src/cache/cache-image.js';
import { BlobStore, cachingImage } from '../../../src/cache/index.js';
import { MemoryStore } from './helpers/memory-store.js';
import { readAll, tarLayer } from './helpers/tar-layer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caching-image-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function remoteImage() {
  const store = new MemoryStore();
  const layer = await tarLayer({ 'app/x': 'hello' });
  await store.write(cacheImage([layer], { os: 'linux', architecture: 'amd64', mediaTypes: 'oci', created: new Date('1980-01-01T00:00:01Z'), labels: {} }), ['r/img:1']);
  return { store, layer, image: (await store.image('r/img:1'))! };
}

describe('cachingImage', () => {
  it('fetches a layer blob once and serves later reads, compressed or not, from the blob store', async () => {
    const { store, layer, image } = await remoteImage();
    const blobs = new BlobStore(dir);
    const img = cachingImage(image, blobs);
    const [l] = await img.layers();
    expect(await readAll(await l!.compressed())).toEqual(layer.gz);
    expect(await readAll(await l!.uncompressed())).toEqual(layer.tar);
    expect(await readAll(await (await img.layerByDiffId(await layer.diffId())).uncompressed())).toEqual(layer.tar);
    expect(store.blobReads.get(await layer.digest())).toBe(1);
    expect(await blobs.has(await layer.digest())).toBe(true);

    // a new process (new decorator, same store dir) reads nothing remote
    const again = cachingImage(image, new BlobStore(dir));
    expect(await readAll(await (await again.layers())[0]!.uncompressed())).toEqual(layer.tar);
    expect(store.blobReads.get(await layer.digest())).toBe(1);
  });

  it('passes manifest and config through without reading layers', async () => {
    const { store, layer, image } = await remoteImage();
    const img = cachingImage(image, new BlobStore(dir));
    expect(await img.digest()).toBe(await image.digest());
    expect((await img.config()).rootfs.diff_ids).toEqual([await layer.diffId()]);
    expect(store.blobReads.get(await layer.digest()) ?? 0).toBe(0);
  });

  it('a corrupt cached blob fails its read, is evicted, and the next read fetches it again', async () => {
    const { store, layer, image } = await remoteImage();
    const blobs = new BlobStore(dir);
    const img = cachingImage(image, blobs);
    const [l] = await img.layers();
    await readAll(await l!.compressed());
    const bad = Buffer.from(layer.gz);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    await writeFile(blobs.path(await layer.digest()), bad);
    await expect(readAll(await l!.compressed())).rejects.toMatchObject({ code: 'ERR_DIGEST' });
    expect(await readAll(await l!.compressed())).toEqual(layer.gz);
    expect(store.blobReads.get(await layer.digest())).toBe(2);
  });
});
