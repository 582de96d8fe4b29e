import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_METADATA_LABEL, ImageCache, encodeCacheMetadata, type CacheMetadata } from '../../../src/cache/index.js';
import { appendLayers, emptyImage, validateImage } from '../../../src/image/index.js';
import { LayerWriter, dirLayer } from '../../../src/layer/index.js';
import { LayoutStore } from '../../../src/layout/index.js';
import type { Digest } from '../../../src/oci/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'image-cache-layout-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const CACHE_REF = 'localhost:5000/team/app-cache:latest';
const APP_REF = 'localhost:5000/team/app:latest';
const metaFor = (ids: Record<string, string>): CacheMetadata => ({
  sbom: { sha: '' },
  buildpacks: [{ key: 'bp', version: '1', layers: Object.fromEntries(Object.entries(ids).map(([n, sha]) => [n, { sha, data: {}, build: false, launch: true, cache: true }])) }],
});

async function layerFrom(name: string, content: string) {
  const dir = join(root, 'layers', 'bp', name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'f'), content);
  return dirLayer(dir, { writer: new LayerWriter({ artifactsDir: join(root, 'artifacts') }), uid: 1000, gid: 1000, keepTar: true });
}

async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('ImageCache over the OCI layout store', () => {
  it('round-trips, validates, reads lazily and carries reused layers over by reference', async () => {
    const store = new LayoutStore(join(root, 'layout'));
    const a = await layerFrom('a', 'A');
    const b = await layerFrom('b', 'B');
    const [ida, idb] = [await a.diffId(), await b.diffId()];

    const w = new ImageCache({ store, ref: CACHE_REF });
    await w.setMetadata(metaFor({ a: ida, b: idb }));
    await w.addLayer(a);
    await w.addLayer(b);
    await w.commit();

    const img = (await store.image(CACHE_REF))!;
    expect(await validateImage(img)).toEqual([]);
    expect((await img.config()).config?.Labels?.[CACHE_METADATA_LABEL]).toBe(encodeCacheMetadata(metaFor({ a: ida, b: idb })));

    const r = new ImageCache({ store, ref: CACHE_REF });
    expect(await r.metadata()).toEqual(metaFor({ a: ida, b: idb }));
    expect(await readAll((await r.openLayer(ida as Digest))!)).toEqual(await readAll(await a.uncompressed()));

    // next build: a unchanged (reused), b gone, c new
    const c = await layerFrom('c', 'C');
    expect(await r.reuseLayer(ida)).toBe(true);
    await r.addLayer(c);
    await r.setMetadata(metaFor({ a: ida, c: await c.diffId() }));
    await r.commit();
    const img2 = (await store.image(CACHE_REF))!;
    expect(await validateImage(img2)).toEqual([]);
    expect((await img2.config()).rootfs.diff_ids).toEqual([ida, await c.diffId()]);
  });

  it('a layer shared by the app image and the cache image is stored once', async () => {
    const store = new LayoutStore(join(root, 'layout'), { mapping: 'flat' });
    const shared = await layerFrom('shared', 'S');
    const app = appendLayers(emptyImage(), [{ layer: shared }]);
    const cache = new ImageCache({ store, ref: CACHE_REF });
    await cache.addLayer(shared);
    await Promise.all([store.write(app, [APP_REF]), cache.commit()]);
    const blobs = await readdir(join(root, 'layout', 'blobs', 'sha256'));
    expect(blobs.filter((h) => `sha256:${h}` === shared.file.digest)).toHaveLength(1);
    expect((await (await store.image(CACHE_REF))!.layers()).length).toBe(1);
    expect(await (await (await store.image(APP_REF))!.layers())[0]!.digest()).toBe(shared.file.digest);
  });
});
