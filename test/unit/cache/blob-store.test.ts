import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobStore } from '../../../src/cache/index.js';
import { readAll, sha } from './helpers/tar-layer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'blobstore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const data = Buffer.from('hello blob store');
const D = sha(data);

describe('BlobStore', () => {
  it('stores content under its sha256 in a versioned, sharded path', async () => {
    const store = new BlobStore(dir);
    const res = await store.put(Readable.from([data.subarray(0, 5), data.subarray(5)]));
    expect(res).toMatchObject({ digest: D, size: data.length, existed: false });
    expect(store.path(D)).toBe(join(dir, 'content-v1', 'sha256', D.slice(7, 9), D.slice(7)));
    expect(await readFile(store.path(D))).toEqual(data);
    expect(await store.has(D)).toBe(true);
    expect(await store.has(D, data.length + 1)).toBe(false);
    expect(await store.list()).toEqual([D]);
  });

  it('leaves no temp file behind and does not rewrite a present blob', async () => {
    const store = new BlobStore(dir);
    await store.put(Readable.from([data]), { digest: D });
    const source = Readable.from([data]);
    const again = await store.put(source, { digest: D, size: data.length });
    expect(again.existed).toBe(true);
    expect(source.destroyed).toBe(true);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('rejects a stream that does not match the expected digest or size, storing nothing', async () => {
    const store = new BlobStore(dir);
    const wrong = sha(Buffer.from('other'));
    await expect(store.put(Readable.from([data]), { digest: wrong })).rejects.toMatchObject({ code: 'ERR_DIGEST' });
    await expect(store.put(Readable.from([data]), { size: 3 })).rejects.toMatchObject({ code: 'ERR_DIGEST' });
    expect(await store.has(D)).toBe(false);
    expect(await store.has(wrong)).toBe(false);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('shares one write between concurrent puts of the same digest', async () => {
    const store = new BlobStore(dir);
    const [a, b] = await Promise.all([store.put(Readable.from([data]), { digest: D }), store.put(Readable.from([data]), { digest: D })]);
    expect([a.existed, b.existed].sort()).toEqual([false, true]);
  });

  it('opens verified: good content reads; corrupt content errors at EOF and is evicted', async () => {
    const store = new BlobStore(dir);
    expect(await store.open(D)).toBeUndefined();
    await store.put(Readable.from([data]));
    expect(await readAll((await store.open(D)) as Readable)).toEqual(data);
    await writeFile(store.path(D), 'hello blob storf'); // same size, one byte flipped
    await expect(readAll((await store.open(D)) as Readable)).rejects.toMatchObject({ code: 'ERR_DIGEST' });
    expect(await store.has(D)).toBe(false);
  });

  it('removes blobs', async () => {
    const store = new BlobStore(dir);
    await store.put(Readable.from([data]));
    await store.remove(D);
    await store.remove(D);
    expect(await store.has(D)).toBe(false);
  });
});

describe('BlobStore.prune and cache-dir helpers', () => {
  it('keeps only the listed digests', async () => {
    const store = new BlobStore(dir);
    const other = Buffer.from('other');
    await store.put(Readable.from([data]));
    await store.put(Readable.from([other]));
    expect(await store.prune(new Set([D]))).toBe(1);
    expect(await store.list()).toEqual([D]);
  });

  it('places the blob store and selectors next to committed/', async () => {
    const { blobStoreIn, selectorCacheIn } = await import('../../../src/cache/index.js');
    expect(blobStoreIn('/c').root).toBe('/c/blobs');
    expect(selectorCacheIn('/c').dir).toBe('/c/layer-selectors-v1');
  });
});
