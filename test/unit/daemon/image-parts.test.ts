import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonImage, dirLaunchCache } from '../../../src/daemon/index.js';
import { omittablePrefix } from '../../../src/daemon/archive-layers.js';
import { sha256Digest, digestHex } from '../../../src/oci/index.js';
import { memoryLayer, tarOf } from './memory-image.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const A = sha256Digest('a');
const B = sha256Digest('b');
const C = sha256Digest('c');
const noSave = { endpoint: 'unix:///d.sock', saved: async () => { throw new Error('no save expected'); } };
const inspect = {
  Id: sha256Digest('config'),
  Created: '0001-01-01T00:00:00Z',
  Architecture: 'arm64',
  Os: 'linux',
  Variant: 'v8',
  Config: { Hostname: '', Env: ['PATH=/bin'], Cmd: null, Labels: { l: 'v' }, WorkingDir: '/w', AttachStdin: false, Entrypoint: ['/cnb/lifecycle/launcher'], Volumes: null },
  RootFS: { Type: 'layers', Layers: [A, B] },
};

describe('DaemonImage from inspect', () => {
  it('gives ID, diffIDs and the config without any save; drops Docker zero values', async () => {
    const img = new DaemonImage(inspect, 'x', noSave);
    expect(await img.imageId()).toBe(inspect.Id);
    expect(await img.config()).toEqual({
      architecture: 'arm64',
      os: 'linux',
      variant: 'v8',
      config: { Env: ['PATH=/bin'], Labels: { l: 'v' }, WorkingDir: '/w', Entrypoint: ['/cnb/lifecycle/launcher'] },
      rootfs: { type: 'layers', diff_ids: [A, B] },
    });
    const layers = await img.layers();
    expect(await layers[1]!.diffId()).toBe(B);
    expect(await layers[1]!.digest()).toBe(B); // the daemon's blob is the uncompressed tar
    expect(await img.layerByDigest(B)).toBe(layers[1]);
    await expect(img.layerByDiffId(C)).rejects.toMatchObject({ code: 'ERR_IMAGE' });
  });

  it('refuses an inspect without a sha256 Id', () => {
    expect(() => new DaemonImage({ ...inspect, Id: 'abc' }, 'x', noSave)).toThrow(expect.objectContaining({ code: 'ERR_DAEMON', message: expect.stringContaining("inspect image 'x'") }));
  });
});

describe('omittablePrefix', () => {
  it('counts the bottom layers the daemon holds under exactly this chain', async () => {
    const daemonLayers = await new DaemonImage(inspect, 'x', noSave).layers();
    const other = new DaemonImage(inspect, 'x', { ...noSave, endpoint: 'unix:///other.sock' });
    const fresh = memoryLayer(await tarOf({ c: 'c' }));
    expect(omittablePrefix([...daemonLayers, fresh], [A, B, C], 'unix:///d.sock')).toBe(2);
    expect(omittablePrefix([daemonLayers[0]!, fresh], [A, C], 'unix:///d.sock')).toBe(1);
    expect(omittablePrefix([daemonLayers[1]!, fresh], [B, C], 'unix:///d.sock')).toBe(0); // B's chain is [A, B]
    expect(omittablePrefix(await other.layers(), [A, B], 'unix:///d.sock')).toBe(0); // another daemon
  });
});

describe('dirLaunchCache', () => {
  it('finds committed/<diffID>.tar and committed/<hex>.tar, misses quietly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'launch-cache-'));
    dirs.push(dir);
    await mkdir(join(dir, 'committed'));
    await mkdir(join(dir, 'staging'));
    await writeFile(join(dir, 'committed', `${A}.tar`), 'aaaa');
    await writeFile(join(dir, 'committed', `${digestHex(B)}.tar`), 'bb');
    await writeFile(join(dir, 'staging', `${C}.tar`), 'c');
    const cache = dirLaunchCache(dir);
    expect(await cache.find(A)).toEqual({ path: join(dir, 'committed', `${A}.tar`), size: 4 });
    expect((await cache.find(B))?.size).toBe(2);
    expect(await cache.find(C)).toBeUndefined(); // staging is not committed
    expect(await dirLaunchCache(join(dir, 'nope')).find(A)).toBeUndefined();
  });

  it('a daemon layer read from the launch cache is verified against its diffID', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'launch-cache-'));
    dirs.push(dir);
    await mkdir(join(dir, 'committed'));
    await writeFile(join(dir, 'committed', `${A}.tar`), 'not a');
    const img = new DaemonImage(inspect, 'x', { ...noSave, launchCache: dirLaunchCache(dir) });
    const [layer] = await img.layers();
    const stream = await layer!.uncompressed();
    await expect((async () => { for await (const _ of stream) void _; })()).rejects.toMatchObject({ code: 'ERR_DIGEST' });
  });
});
