import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractTar } from '../../../src/archive/index.js';
import { ImageCache, LayerSelectorCache, VolumeCache, fingerprintDir, type Cache, type CacheMetadata } from '../../../src/cache/index.js';
import { LayerWriter, dirLayer } from '../../../src/layer/index.js';
import type { Digest } from '../../../src/oci/index.js';
import { MemoryStore } from '../../unit/cache/helpers/memory-store.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cache-rt-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function makeLayerDir(dir: string): Promise<void> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'bin', 'tool'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
  await writeFile(join(dir, 'data.bin'), Buffer.alloc(3 << 20, 7)); // > one tar chunk
  await symlink('bin/tool', join(dir, 'tool-link'));
}

/** A comparable listing of a tree: path, type, mode, content or link target. */
async function tree(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(join(dir, rel))).sort()) {
    const p = join(dir, rel, name);
    const st = await lstat(p);
    const r = join(rel, name);
    if (st.isDirectory()) out.push(`${r}/ ${st.mode & 0o7777}`, ...(await tree(dir, r)));
    else if (st.isSymbolicLink()) out.push(`${r} -> ${await readlink(p)}`);
    else out.push(`${r} ${st.mode & 0o7777} ${(await readFile(p)).toString('base64').slice(0, 40)} ${st.size}`);
  }
  return out;
}

const metaFor = (sha: string): CacheMetadata => ({
  sbom: { sha: '' },
  buildpacks: [{ key: 'example/bp', version: '0.1', layers: { tools: { sha, data: { v: '1' }, build: true, launch: false, cache: true } } }],
});

/** Exporter side: tar the layer dir once, add the same Layer to the cache, commit. */
async function exportTo(cache: Cache, layerDir: string): Promise<Digest> {
  const writer = new LayerWriter({ artifactsDir: join(root, 'artifacts') });
  const layer = await dirLayer(layerDir, { writer, uid: 1000, gid: 1000, keepTar: true });
  const diffId = await layer.diffId();
  await cache.setMetadata(metaFor(diffId));
  await cache.addLayer(layer);
  await cache.commit();
  return diffId;
}

/** Restorer side: metadata says which diffID; extract it into a fresh layers dir. */
async function restoreFrom(cache: Cache, target: string): Promise<void> {
  const meta = await cache.metadata();
  const sha = meta.buildpacks[0]?.layers['tools']?.sha as Digest;
  const stream = await cache.openLayer(sha);
  expect(stream).toBeDefined();
  await mkdir(target, { recursive: true });
  await extractTar(stream!, target, { owner: 'never' });
}

describe('cache round trip on a real directory', () => {
  it('volume cache: export → commit → open → restore gives the same tree', async () => {
    const src = join(root, 'layers', 'example_bp', 'tools');
    await makeLayerDir(src);
    await mkdir(join(root, 'cache'));
    const diffId = await exportTo(await VolumeCache.open(join(root, 'cache')), src);
    expect(await readdir(join(root, 'cache', 'committed'))).toContain(`${diffId}.tar`);

    const restored = join(root, 'restored');
    await restoreFrom(await VolumeCache.open(join(root, 'cache')), restored);
    expect(await tree(join(restored, src))).toEqual(await tree(src));
  });

  it('image cache: export → commit → open → restore gives the same tree', async () => {
    const src = join(root, 'layers', 'example_bp', 'tools');
    await makeLayerDir(src);
    const store = new MemoryStore();
    await exportTo(new ImageCache({ store, ref: 'localhost/cache:1' }), src);
    const restored = join(root, 'restored');
    await restoreFrom(new ImageCache({ store, ref: 'localhost/cache:1' }), restored);
    expect(await tree(join(restored, src))).toEqual(await tree(src));
  });

  it('an unchanged layer dir is carried over by fingerprint, without re-tarring', async () => {
    const src = join(root, 'layers', 'example_bp', 'tools');
    await makeLayerDir(src);
    const cacheDir = join(root, 'cache');
    await mkdir(cacheDir);
    const later = { now: () => new Date(Date.now() + 3_600_000) };
    const selectors = LayerSelectorCache.at(join(cacheDir, 'layer-selectors-v1'));

    // build 1: fingerprint before tarring, tar, cache, record
    const fp1 = await fingerprintDir(src, { salt: 'uid=1000,gid=1000', clock: later });
    const diffId = await exportTo(await VolumeCache.open(cacheDir), src);
    expect(await selectors.record(fp1, { diffId })).toBe(true);

    // build 2: same fingerprint → reuse by diffID, no LayerWriter involved
    const fp2 = await fingerprintDir(src, { salt: 'uid=1000,gid=1000', clock: later });
    const hit = await selectors.lookup(fp2);
    expect(hit?.diffId).toBe(diffId);
    const cache = await VolumeCache.open(cacheDir);
    expect(await cache.reuseLayer(hit!.diffId)).toBe(true);
    await cache.setMetadata(metaFor(hit!.diffId));
    await cache.commit();
    expect((await (await VolumeCache.open(cacheDir)).metadata()).buildpacks[0]?.layers['tools']?.sha).toBe(diffId);
    expect(await (await VolumeCache.open(cacheDir)).verifyLayer(diffId)).toBe(true);

    // a different uid/gid salt misses: the tar would differ
    expect(await selectors.lookup(await fingerprintDir(src, { salt: 'uid=0,gid=0', clock: later }))).toBeUndefined();
  });

  it('a corrupt cached layer is a miss for the restorer, and a rebuild heals the cache', async () => {
    const src = join(root, 'layers', 'example_bp', 'tools');
    await makeLayerDir(src);
    const cacheDir = join(root, 'cache');
    await mkdir(cacheDir);
    const diffId = await exportTo(await VolumeCache.open(cacheDir), src);
    const tarFile = join(cacheDir, 'committed', `${diffId}.tar`);
    await writeFile(tarFile, (await readFile(tarFile)).subarray(0, 4096)); // truncated
    const next = await VolumeCache.open(cacheDir);
    expect(await next.verifyLayer(diffId)).toBe(false);
    expect(await next.reuseLayer(diffId)).toBe(false);
    // the exporter falls back to adding from the directory
    const writer = new LayerWriter({ artifactsDir: join(root, 'artifacts2') });
    await next.addLayer(await dirLayer(src, { writer, uid: 1000, gid: 1000, keepTar: true }));
    await next.setMetadata(metaFor(diffId));
    await next.commit();
    expect(await (await VolumeCache.open(cacheDir)).verifyLayer(diffId)).toBe(true);
  });
});
