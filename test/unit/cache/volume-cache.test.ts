import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VolumeCache, emptyCacheMetadata, type CacheMetadata } from '../../../src/cache/index.js';
import { memoryLogger } from '../../../src/sys/index.js';
import { readAll, tarLayer } from './helpers/tar-layer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'volcache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const meta = (sha: string): CacheMetadata => ({
  sbom: { sha: '' },
  buildpacks: [{ key: 'bp', version: '1', layers: { l: { sha, data: { k: 'v' }, build: false, launch: false, cache: true } } }],
});

describe('VolumeCache', () => {
  it('writes REF layout: committed/<diffID>.tar and the metadata file with a trailing newline', async () => {
    const layer = await tarLayer({ 'a.txt': 'A' });
    const id = await layer.diffId();
    const c = await VolumeCache.open(dir);
    await c.setMetadata(meta(id));
    await c.addLayer(layer);
    expect(await c.commit()).toEqual({ layers: [id] });
    expect((await readdir(dir)).sort()).toEqual(['committed']);
    expect((await readdir(join(dir, 'committed'))).sort()).toEqual(['io.buildpacks.lifecycle.cache.metadata', `${id}.tar`]);
    expect(await readFile(join(dir, 'committed', `${id}.tar`))).toEqual(layer.tar);
    const text = await readFile(join(dir, 'committed', 'io.buildpacks.lifecycle.cache.metadata'), 'utf8');
    expect(text).toBe(`{"sbom":{"sha":""},"buildpacks":[{"key":"bp","version":"1","layers":{"l":{"sha":"${id}","data":{"k":"v"},"build":false,"launch":false,"cache":true}}}]}\n`);
  });

  it('reads what it committed; the staging cache is invisible until commit', async () => {
    const layer = await tarLayer({ 'a.txt': 'A' });
    const id = await layer.diffId();
    const w = await VolumeCache.open(dir);
    await w.setMetadata(meta(id));
    await w.addLayer(layer);
    expect(await w.hasLayer(id)).toBe(false);
    expect(await w.metadata()).toEqual(emptyCacheMetadata());
    await w.commit();
    const r = await VolumeCache.open(dir);
    expect(await r.exists()).toBe(true);
    expect(await r.metadata()).toEqual(meta(id));
    expect(await r.hasLayer(id)).toBe(true);
    expect(await readAll((await r.openLayer(id)) as Readable)).toEqual(layer.tar);
    expect(await r.verifyLayer(id)).toBe(true);
  });

  it('hard-links a tar given by path instead of reading the layer', async () => {
    const layer = await tarLayer({ 'b.txt': 'B' });
    const tarPath = join(dir, 'artifact.tar');
    await writeFile(tarPath, layer.tar);
    const cacheDir = join(dir, 'cache');
    await (await import('node:fs/promises')).mkdir(cacheDir);
    const c = await VolumeCache.open(cacheDir);
    await c.addLayer(layer, { tarPath });
    expect(layer.opens.uncompressed).toBe(0);
    await c.commit();
    const id = await layer.diffId();
    expect((await stat(join(cacheDir, 'committed', `${id}.tar`))).ino).toBe((await stat(tarPath)).ino);
  });

  it('keeps only added and reused layers at the next commit (LY-16), reusing by link', async () => {
    const keep = await tarLayer({ keep: '1' });
    const drop = await tarLayer({ drop: '2' });
    const w1 = await VolumeCache.open(dir);
    await w1.addLayer(keep);
    await w1.addLayer(drop);
    await w1.commit();
    const keepId = await keep.diffId();
    const ino = (await stat(join(dir, 'committed', `${keepId}.tar`))).ino;
    const w2 = await VolumeCache.open(dir);
    expect(await w2.reuseLayer(keepId)).toBe(true);
    expect(await w2.reuseLayer(await (await tarLayer({ never: 'x' })).diffId())).toBe(false);
    await w2.commit();
    expect(await readdir(join(dir, 'committed'))).toEqual([`${keepId}.tar`]);
    expect((await stat(join(dir, 'committed', `${keepId}.tar`))).ino).toBe(ino);
  });

  it('treats a corrupt layer as not in cache: verify false, reuse false, stream errors', async () => {
    const layer = await tarLayer({ c: 'corrupt me' });
    const id = await layer.diffId();
    const w = await VolumeCache.open(dir);
    await w.addLayer(layer);
    await w.commit();
    const p = join(dir, 'committed', `${id}.tar`);
    const bytes = await readFile(p);
    bytes[600] = (bytes[600] ?? 0) ^ 1;
    await writeFile(p, bytes);
    const log = memoryLogger();
    const r = await VolumeCache.open(dir, { logger: log });
    expect(await r.verifyLayer(id)).toBe(false);
    expect(log.lines.join('\n')).toMatch(/corrupt/);
    await expect(readAll((await r.openLayer(id)) as Readable)).rejects.toMatchObject({ code: 'ERR_DIGEST' });
    expect(await r.reuseLayer(id)).toBe(false);
    await r.commit();
    expect(await readdir(join(dir, 'committed'))).toEqual([]);
  });

  it('treats corrupt metadata as an empty cache with a warning', async () => {
    const w = await VolumeCache.open(dir);
    await w.commit();
    await writeFile(join(dir, 'committed', 'io.buildpacks.lifecycle.cache.metadata'), '{"buildpacks": [');
    const log = memoryLogger();
    const r = await VolumeCache.open(dir, { logger: log });
    expect(await r.metadata()).toEqual(emptyCacheMetadata());
    expect(log.lines.join('\n')).toMatch(/Warning: cache metadata .* not JSON/);
  });

  it('reads the Windows file-name form too', async () => {
    const layer = await tarLayer({ w: 'win' });
    const id = await layer.diffId();
    const w = await VolumeCache.open(dir, { platform: 'win32' });
    await w.addLayer(layer);
    await w.commit();
    expect(await readdir(join(dir, 'committed'))).toEqual([`${id.slice(7)}.tar`]);
    const r = await VolumeCache.open(dir);
    expect(await readAll((await r.openLayer(id)) as Readable)).toEqual(layer.tar);
  });

  it('rejects a layer whose bytes do not match its diffID, and writes after commit', async () => {
    const good = await tarLayer({ g: 'g' });
    const liar = { ...good, diffId: async () => (await tarLayer({ other: 'o' })).diffId() };
    const w = await VolumeCache.open(dir);
    await expect(w.addLayer(liar)).rejects.toMatchObject({ code: 'ERR_DIGEST' });
    expect(await readdir(join(dir, 'staging'))).toEqual([]);
    await w.commit();
    await expect(w.addLayer(good)).rejects.toMatchObject({ code: 'ERR_CACHE' });
    await expect(w.commit()).rejects.toMatchObject({ code: 'ERR_CACHE' });
  });

  it('read-only: changes nothing on disk, reads an interrupted commit from committed-backup/, refuses writes', async () => {
    const layer = await tarLayer({ r: 'o' });
    const id = await layer.diffId();
    const w = await VolumeCache.open(dir);
    await w.setMetadata(meta(id));
    await w.addLayer(layer);
    await w.commit();
    const { rename: mv, mkdir: mk } = await import('node:fs/promises');
    await mv(join(dir, 'committed'), join(dir, 'committed-backup')); // as if killed between the renames
    await mk(join(dir, 'staging'));
    const r = await VolumeCache.open(dir, { readOnly: true });
    expect((await readdir(dir)).sort()).toEqual(['committed-backup', 'staging']);
    expect(await r.metadata()).toEqual(meta(id));
    expect(await readAll((await r.openLayer(id)) as Readable)).toEqual(layer.tar);
    await expect(r.setMetadata(meta(id))).rejects.toMatchObject({ code: 'ERR_CACHE', message: expect.stringContaining('read-only') });
    await expect(r.reuseLayer(id)).rejects.toMatchObject({ code: 'ERR_CACHE' });
  });
});
