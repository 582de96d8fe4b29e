import type { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cacheImage } from '../../../src/cache/cache-image.js';
import { CACHE_METADATA_LABEL, ImageCache, emptyCacheMetadata, encodeCacheMetadata, type CacheMetadata } from '../../../src/cache/index.js';
import { MediaTypes, parseManifest } from '../../../src/oci/index.js';
import { memoryLogger } from '../../../src/sys/index.js';
import { MemoryStore } from './helpers/memory-store.js';
import { readAll, sha, tarLayer } from './helpers/tar-layer.js';

const REF = 'registry.example/app-cache:latest';
const meta = (sha1: string): CacheMetadata => ({
  sbom: { sha: '' },
  buildpacks: [{ key: 'bp', version: '1', layers: { deps: { sha: sha1, data: { v: 1 }, build: true, launch: false, cache: true } } }],
});

describe('ImageCache (FMT-27)', () => {
  it('is empty and absent before the first commit', async () => {
    const c = new ImageCache({ store: new MemoryStore(), ref: REF });
    expect(await c.exists()).toBe(false);
    expect(await c.metadata()).toEqual(emptyCacheMetadata());
    expect(await c.openLayer(await (await tarLayer({ a: 'a' })).diffId())).toBeUndefined();
  });

  it('round-trips: layers by diffID, metadata in the REF label, Go-encoded', async () => {
    const store = new MemoryStore();
    const layer = await tarLayer({ 'deps/x': 'x' });
    const id = await layer.diffId();
    const w = new ImageCache({ store, ref: REF });
    await w.setMetadata(meta(id));
    await w.addLayer(layer);
    const res = await w.commit();
    expect(res.layers).toEqual([id]);
    expect(res.image?.digest).toBe(sha(store.manifests.get(REF) as Buffer));

    const img = (await store.image(REF))!;
    const cfg = await img.config();
    expect(cfg.rootfs.diff_ids).toEqual([id]);
    expect(cfg.config?.Labels?.[CACHE_METADATA_LABEL]).toBe(encodeCacheMetadata(meta(id)));
    expect((await img.manifest()).mediaType).toBe(MediaTypes.ociManifest);

    const r = new ImageCache({ store, ref: REF });
    expect(await r.metadata()).toEqual(meta(id));
    expect(await r.hasLayer(id)).toBe(true);
    expect(await readAll((await r.openLayer(id)) as Readable)).toEqual(layer.tar);
    expect(await r.verifyLayer(id)).toBe(true);
  });

  it('reads lazily: metadata and reuse never download a layer blob', async () => {
    const store = new MemoryStore();
    const a = await tarLayer({ a: 'a' });
    const b = await tarLayer({ b: 'b' });
    const w = new ImageCache({ store, ref: REF });
    await w.addLayer(a);
    await w.addLayer(b);
    await w.commit();

    const r = new ImageCache({ store, ref: REF });
    await r.metadata();
    expect(await r.reuseLayer(await a.diffId())).toBe(true);
    expect(await r.reuseLayer(await (await tarLayer({ c: 'c' })).diffId())).toBe(false);
    await r.commit();
    expect(store.blobReads.get(await a.digest()) ?? 0).toBe(0);
    expect(store.blobReads.get(await b.digest()) ?? 0).toBe(0);
    expect((await (await store.image(REF))!.config()).rootfs.diff_ids).toEqual([await a.diffId()]); // b dropped (LY-16)
    expect(store.uploads.get(await a.digest())).toBe(1);
  });

  it('uploads a layer shared with the app image once, even when both are written concurrently (EP-26)', async () => {
    const store = new MemoryStore();
    const shared = await tarLayer({ 'layers/bp/l/f': 'shared' });
    const app = cacheImage([shared], { os: 'linux', architecture: 'amd64', mediaTypes: 'oci', created: new Date('1980-01-01T00:00:01Z'), labels: {} });
    const cache = new ImageCache({ store, ref: REF });
    await cache.addLayer(shared);
    await cache.setMetadata(meta(await shared.diffId()));
    await Promise.all([store.write(app, ['registry.example/app:latest']), cache.commit()]);
    expect(store.uploads.get(await shared.digest())).toBe(1);
    expect(shared.opens.compressed).toBe(1);
  });

  it('treats a corrupt label, a corrupt layer and an unreadable image as a miss, never an error', async () => {
    const store = new MemoryStore();
    const layer = await tarLayer({ a: 'a' });
    const w = new ImageCache({ store, ref: REF });
    await w.addLayer(layer);
    await w.setMetadata(meta(await layer.diffId()));
    await w.commit();
    // corrupt the stored layer blob (still valid gzip, different tar)
    store.blobs.set(await layer.digest(), gzipSync(Buffer.concat([layer.tar.subarray(0, 10), Buffer.from('X'), layer.tar.subarray(11)])));
    const log = memoryLogger();
    const r = new ImageCache({ store, ref: REF, logger: log });
    expect(await r.verifyLayer(await layer.diffId())).toBe(false);
    await expect(readAll((await r.openLayer(await layer.diffId())) as Readable)).rejects.toMatchObject({ code: 'ERR_DIGEST' });

    const raw = JSON.parse((store.manifests.get(REF) as Buffer).toString());
    const badCfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: { [CACHE_METADATA_LABEL]: '{oops' } } }));
    store.blobs.set(sha(badCfg), badCfg);
    raw.config = { ...raw.config, digest: sha(badCfg), size: badCfg.length };
    store.manifests.set(REF, Buffer.from(JSON.stringify(raw)));
    const r2 = new ImageCache({ store, ref: REF, logger: log });
    expect(await r2.metadata()).toEqual(emptyCacheMetadata());

    const broken = new ImageCache({ store: { ...store, kind: 'registry', image: async () => { throw new Error('boom'); }, exists: async () => false, write: store.write.bind(store) }, ref: REF, logger: log });
    expect(await broken.metadata()).toEqual(emptyCacheMetadata());
    expect(await broken.exists()).toBe(false);
    expect(log.lines.join('\n')).toMatch(/unreadable: boom/);
  });

  it('writes Docker media types on request, mapping layer types', async () => {
    const store = new MemoryStore();
    const w = new ImageCache({ store, ref: REF, mediaTypes: 'docker' });
    await w.addLayer(await tarLayer({ a: 'a' }));
    await w.commit();
    const m = parseManifest(store.manifests.get(REF) as Buffer);
    expect(m.mediaType).toBe(MediaTypes.dockerManifest);
    expect(m.layers[0]?.mediaType).toBe(MediaTypes.dockerLayerGzip);
  });
});
