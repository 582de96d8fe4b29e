import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDockerEngine, DaemonStore, dirLaunchCache, type DockerEngine } from '../../../src/daemon/index.js';
import type { Image } from '../../../src/image/index.js';
import { sha256Digest } from '../../../src/oci/index.js';
import { copyImage } from '../../../src/store/index.js';
import { startPodman } from '../../helpers/podman.js';
import { collect, memoryImage, memoryLayer, tarOf } from '../../unit/daemon/memory-image.js';
import { countingEngine } from './counting-engine.js';

const started = await startPodman();
const podman = started.service;
afterAll(async () => {
  await podman?.stop();
});

const title = podman ? 'DaemonStore against podman system service' : `DaemonStore against podman (SKIPPED: ${started.skip})`;

describe.skipIf(!podman)(title, () => {
  let engine: DockerEngine;
  const stores: DaemonStore[] = [];
  const tmp: string[] = [];
  const newStore = async (opts: { launchCacheDir?: string } = {}) => {
    engine ??= createDockerEngine({ host: podman!.dockerHost });
    const counting = countingEngine(engine);
    const dir = await mkdtemp(join(tmpdir(), 'daemon-it-'));
    tmp.push(dir);
    const store = new DaemonStore({ engine: counting, tmpDir: dir, ...(opts.launchCacheDir ? { launchCache: dirLaunchCache(opts.launchCacheDir) } : {}) });
    stores.push(store);
    return { store, counting };
  };
  afterAll(async () => {
    for (const s of stores) await s.close();
    await engine?.close();
    for (const d of tmp) await rm(d, { recursive: true, force: true });
  });

  const tarA = tarOf({ 'a/one.txt': 'one\n' });
  const tarB = tarOf({ 'b/two.txt': 'two\n', 'b/three.txt': 'three\n' });

  it('negotiates the API version with ping', async () => {
    const { counting } = await newStore();
    expect((await counting.ping()).apiVersion).toBe('1.41');
  });

  it('loads a 2-layer image; inspect shows its ID, config and labels; every ref is tagged', async () => {
    const { store, counting } = await newStore();
    const image = await memoryImage({ layers: [memoryLayer(await tarA), memoryLayer(await tarB)], labels: { 'io.buildpacks.test': 'yes' } });
    const result = await store.write(image, ['cnb-test/app:one', 'cnb-test/app:two']);
    expect(result).toEqual({ imageId: await image.imageId() }); // FMT-REPORT: image ID, no digest
    expect(counting.loads).toHaveLength(1);
    const inspect = await counting.inspectImage('cnb-test/app:one');
    expect(inspect?.Id).toBe(await image.imageId());
    expect(inspect?.RepoTags).toEqual(expect.arrayContaining(['docker.io/cnb-test/app:one', 'docker.io/cnb-test/app:two']));
    expect(inspect?.Config?.['Labels']).toEqual({ 'io.buildpacks.test': 'yes' });
    expect(inspect?.RootFS?.Layers).toEqual((await image.config()).rootfs.diff_ids);
  });

  it('reads the image back lazily: config from inspect without a save, then layers and raw config from one save', async () => {
    const { store, counting } = await newStore();
    const original = await memoryImage({ layers: [memoryLayer(await tarA), memoryLayer(await tarB)], labels: { 'io.buildpacks.test': 'yes' } });
    const img = await store.image('cnb-test/app:one');
    expect(img).toBeDefined();
    expect(await img!.imageId()).toBe(await original.imageId());
    const cfg = await img!.config();
    expect(cfg.config?.Labels).toEqual({ 'io.buildpacks.test': 'yes' });
    expect(cfg.config?.WorkingDir).toBe('/workspace');
    expect(cfg.rootfs.diff_ids).toEqual([sha256Digest(await tarA), sha256Digest(await tarB)]);
    expect(counting.saves).toBe(0);
    const layers = await img!.layers();
    expect(await Promise.all(layers.map((l) => l.diffId()))).toEqual(cfg.rootfs.diff_ids);
    expect((await collect(await layers[1]!.uncompressed())).equals(await tarB)).toBe(true);
    expect((await collect(await layers[0]!.uncompressed())).equals(await tarA)).toBe(true);
    expect(Buffer.from(await img!.rawConfig()).equals(Buffer.from(await original.rawConfig()))).toBe(true);
    expect(counting.saves).toBe(1); // one save for every layer and the config
    const manifest = await img!.manifest();
    expect(manifest.layers.map((l) => [l.digest, l.size])).toEqual([
      [sha256Digest(await tarA), (await tarA).length],
      [sha256Digest(await tarB), (await tarB).length],
    ]);
  });

  it('a second write of the same image sends no archive, only tags', async () => {
    const { store, counting } = await newStore();
    const image = await memoryImage({ layers: [memoryLayer(await tarA), memoryLayer(await tarB)], labels: { 'io.buildpacks.test': 'yes' } });
    const result = await store.write(image, ['cnb-test/app:three']);
    expect(result.imageId).toBe(await image.imageId());
    expect(counting.loads).toHaveLength(0);
    expect((await counting.inspectImage('cnb-test/app:three'))?.Id).toBe(result.imageId);
  });

  it('omits layers the daemon holds: base layers from the daemon go as blank placeholders', async () => {
    const { store, counting } = await newStore();
    const base = await store.image('cnb-test/app:one');
    const top = await tarOf({ 'c/top.txt': 'top\n' });
    const topLayer = memoryLayer(top);
    const image = await memoryImage({ layers: [...(await base!.layers()), topLayer], labels: { app: 'derived' } });
    await store.write(image, ['cnb-test/derived:latest']);
    expect(counting.saves).toBe(0); // the base was never read from the daemon
    expect(counting.loads).toHaveLength(1);
    expect(counting.loads[0]!.filter((e) => e.name.startsWith('blank_')).map((e) => e.size)).toEqual([0, 0]);
    const back = await store.image('cnb-test/derived');
    const layers = await back!.layers();
    expect(await Promise.all(layers.map((l) => l.diffId()))).toEqual([sha256Digest(await tarA), sha256Digest(await tarB), sha256Digest(top)]);
    expect((await collect(await layers[0]!.uncompressed())).equals(await tarA)).toBe(true);
    expect((await collect(await layers[2]!.uncompressed())).equals(top)).toBe(true);
  });

  it('streams a layer with a size hint without spooling, and a daemon layer out of its chain in full', async () => {
    const { store, counting } = await newStore();
    const base = await store.image('cnb-test/app:one');
    const [, layerB] = await base!.layers();
    const hinted = memoryLayer(await tarOf({ 'd/x.txt': 'x\n' }), true);
    // layer B at position 0 is not the daemon's chain [A, B]: it must be sent with its bytes
    const image = await memoryImage({ layers: [layerB!, hinted], labels: { app: 'reordered' } });
    await store.write(image, ['cnb-test/reordered:latest']);
    expect(counting.loads[0]!.some((e) => e.name.startsWith('blank_'))).toBe(false);
    expect(counting.saves).toBe(1);
    expect(hinted.opened).toBe(1);
    const back = await store.image('cnb-test/reordered:latest');
    expect(await back!.imageId()).toBe(await image.imageId());
  });

  it('reads a layer from the launch cache without saving the image (EP-29)', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'launch-cache-'));
    tmp.push(cacheDir);
    await mkdir(join(cacheDir, 'committed'));
    await writeFile(join(cacheDir, 'committed', `${sha256Digest(await tarB)}.tar`), await tarB);
    const { store, counting } = await newStore({ launchCacheDir: cacheDir });
    const img = await store.image('cnb-test/app:one');
    const layer = await img!.layerByDiffId(sha256Digest(await tarB));
    expect((await collect(await layer.uncompressed())).equals(await tarB)).toBe(true);
    expect(await layer.size()).toBe((await tarB).length);
    expect(counting.saves).toBe(0);
  });

  it('copyImage out of the daemon gives a consistent image: manifest digests and sizes match the blobs', async () => {
    const { store } = await newStore();
    let copied: Image | undefined;
    const sink = { write: async (image: Image) => ((copied = image), { imageId: await image.imageId() }) };
    const result = await copyImage(store, sink, 'cnb-test/app:one');
    const manifest = await copied!.manifest();
    expect(manifest.config.digest).toBe(result.imageId);
    expect(sha256Digest(await copied!.rawConfig())).toBe(result.imageId);
    const layers = await copied!.layers();
    for (const [i, desc] of manifest.layers.entries()) {
      const bytes = await collect(await layers[i]!.compressed());
      expect([sha256Digest(bytes), bytes.length]).toEqual([desc.digest, desc.size]);
    }
    expect(await copied!.digest()).toBe(sha256Digest(await copied!.rawManifest()));
  });

  it('exists, image of a missing ref, history and remove', async () => {
    const { store, counting } = await newStore();
    expect(await store.exists('cnb-test/app:one')).toBe(true);
    expect(await store.exists('cnb-test/missing:latest')).toBe(false);
    expect(await store.image('cnb-test/missing:latest')).toBeUndefined();
    const id = (await counting.inspectImage('cnb-test/app:one'))!.Id;
    expect(await store.exists(id)).toBe(true); // an image ID is a reference too (AN-04)
    const history = await counting.imageHistory('cnb-test/app:one');
    expect(history.length).toBeGreaterThan(0);
    await counting.removeImage('cnb-test/app:three');
    expect(await store.exists('cnb-test/app:three')).toBe(false);
    expect(await store.exists('cnb-test/app:one')).toBe(true);
    await counting.removeImage('cnb-test/never-existed:latest'); // a missing image is not an error
  });
});
