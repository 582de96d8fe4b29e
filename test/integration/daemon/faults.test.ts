// Fault injection through the fake Engine API (test/helpers/fake-docker.ts); real behaviour is tested on podman.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDockerEngine, DaemonStore, writeDockerArchive, type DockerEngine } from '../../../src/daemon/index.js';
import { sha256Digest, type Digest } from '../../../src/oci/index.js';
import { startFakeDocker, type FakeDocker } from '../../helpers/fake-docker.js';
import { collect, memoryImage, memoryLayer, tarOf } from '../../unit/daemon/memory-image.js';

let fake: FakeDocker;
let engine: DockerEngine;
let store: DaemonStore;
let dir: string;
beforeEach(async () => {
  fake = await startFakeDocker();
  dir = await mkdtemp(join(tmpdir(), 'daemon-faults-'));
  engine = createDockerEngine({ host: fake.dockerHost });
  store = new DaemonStore({ engine, tmpDir: dir, closeEngine: true });
});
afterEach(async () => {
  await store.close();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function inspectBody(id: Digest, diffIds: Digest[]): string {
  return JSON.stringify({ Id: id, RepoTags: ['docker.io/library/base:latest'], Os: 'linux', Architecture: 'amd64', Config: { Env: ['A=1'], Hostname: '' }, RootFS: { Type: 'layers', Layers: diffIds } });
}

/** A fake image in the daemon: `base` with one layer, whose save archive is `archive`. */
async function fakeBase(): Promise<{ id: Digest; layer: Buffer; archive: Buffer }> {
  const layer = await tarOf({ 'base.txt': 'base\n'.repeat(400) });
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(layer)] } }));
  const archive = await collect(writeDockerArchive({ config, repoTags: [], layers: [{ diffId: sha256Digest(layer), size: layer.length, open: async () => Readable.from([layer]) }] }));
  return { id: sha256Digest(config), layer, archive };
}

describe('daemon faults give one-line ERR_DAEMON errors naming the daemon and the image', () => {
  it('daemon down: the socket does not exist', async () => {
    const down = new DaemonStore({ engine: createDockerEngine({ host: `unix://${dir}/missing.sock` }), closeEngine: true });
    const err = await down.image('app:latest').catch((e: unknown) => e);
    await down.close();
    expect(err).toMatchObject({ code: 'ERR_DAEMON' });
    expect((err as Error).message).toMatch(new RegExp(`^daemon unix://${dir}/missing.sock: inspect image 'app:latest': ping: cannot connect to the daemon`));
    expect((err as Error).message).not.toContain('\n');
  });

  it('an Engine API older than 1.24 is refused', async () => {
    fake.replies.ping = { status: 200, body: 'OK', headers: { 'api-version': '1.20' } };
    await expect(store.exists('app')).rejects.toMatchObject({ code: 'ERR_DAEMON', message: expect.stringContaining('API version 1.20 is older than the minimum 1.24') });
  });

  it('negotiates down to the server version and uses it in paths', async () => {
    fake.replies.ping = { status: 200, body: 'OK', headers: { 'api-version': '1.30' } };
    await store.exists('app');
    expect(fake.requests).toContain('GET /v1.30/images/app/json');
  });

  it('500 on load', async () => {
    fake.replies.load = { status: 500, body: '{"message":"boom: disk full"}' };
    const image = await memoryImage({ layers: [memoryLayer(await tarOf({ a: 'a' }))] });
    await expect(store.write(image, ['app'])).rejects.toMatchObject({
      code: 'ERR_DAEMON',
      message: `daemon ${fake.dockerHost}: load image 'docker.io/library/app:latest': HTTP 500: boom: disk full`,
    });
  });

  it('an error inside the 200 load message stream', async () => {
    fake.replies.load = { status: 200, body: '{"stream":"Loading layer"}\n{"errorDetail":{"message":"invalid diffID"},"error":"invalid diffID"}\n' };
    const image = await memoryImage({ layers: [memoryLayer(await tarOf({ a: 'a' }))] });
    await expect(store.write(image, ['app:1'])).rejects.toMatchObject({ code: 'ERR_DAEMON', message: expect.stringMatching(/load image 'docker.io\/library\/app:1': invalid diffID$/) });
  });

  it('a load the daemon acknowledges but does not apply', async () => {
    const image = await memoryImage({ layers: [memoryLayer(await tarOf({ a: 'a' }))] });
    await expect(store.write(image, ['app:1'])).rejects.toMatchObject({ code: 'ERR_DAEMON', message: expect.stringContaining('does not report image ID') });
  });

  it('a layer whose bytes do not match its diffID fails the write with ERR_DIGEST', async () => {
    const good = await tarOf({ a: 'a' });
    const liar = { ...memoryLayer(await tarOf({ a: 'b' })), diffId: async () => sha256Digest(good) };
    const image = await memoryImage({ layers: [liar] });
    await expect(store.write(image, ['app:1'])).rejects.toMatchObject({ code: 'ERR_DIGEST' });
  });

  it('a streamed layer (size hint) that does not match its diffID aborts the load with ERR_DIGEST', async () => {
    const good = await tarOf({ a: 'a' });
    const liar = { ...memoryLayer(await tarOf({ a: 'b' }), true), diffId: async () => sha256Digest(good) };
    const image = await memoryImage({ layers: [liar] });
    await expect(store.write(image, ['app:1'])).rejects.toMatchObject({ code: 'ERR_DIGEST', message: expect.stringContaining(`layer ${sha256Digest(good)} of image 'docker.io/library/app:1'`) });
  });

  it('a truncated save stream', async () => {
    const base = await fakeBase();
    fake.replies.inspect = { status: 200, body: inspectBody(base.id, [sha256Digest(base.layer)]) };
    fake.replies.save = { status: 200, body: base.archive, truncateAt: 1500 };
    const img = await store.image('base');
    expect((await img!.config()).config?.Env).toEqual(['A=1']);
    const [layer] = await img!.layers();
    await expect(layer!.uncompressed()).rejects.toMatchObject({ code: 'ERR_DAEMON', message: expect.stringMatching(new RegExp(`^daemon ${fake.dockerHost}: save image 'sha256:[0-9a-f]{64}': .*truncated`)) });
  });

  it('a saved layer that does not hash to its diffID', async () => {
    const base = await fakeBase();
    const other = await tarOf({ x: 'x' });
    fake.replies.inspect = { status: 200, body: inspectBody(base.id, [sha256Digest(other)]) };
    fake.replies.save = { status: 200, body: base.archive };
    const [layer] = await (await store.image('base'))!.layers();
    await expect(layer!.size()).rejects.toMatchObject({ code: 'ERR_DAEMON', message: expect.stringContaining(`expected ${sha256Digest(other)}`) });
  });

  it('a load refused because of blank placeholders is retried with every layer', async () => {
    const base = await fakeBase();
    const top = await tarOf({ top: 'top' });
    let loaded: Digest | undefined;
    let done = false;
    fake.replies.inspect = (req) =>
      req.url!.includes('/images/base/') ? { status: 200, body: inspectBody(base.id, [sha256Digest(base.layer)]) }
      : done && loaded && req.url!.includes(loaded.slice(7)) ? { status: 200, body: inspectBody(loaded, [sha256Digest(base.layer), sha256Digest(top)]) }
      : { status: 404, body: '{"message":"no such image"}' };
    fake.replies.save = { status: 200, body: base.archive };
    fake.replies.load = (_req, body) => {
      if (body.includes(Buffer.from('blank_0'))) return { status: 500, body: '{"message":"layer does not exist"}' };
      done = true;
      return { status: 200, body: '{"stream":"Loaded image"}' };
    };
    const baseImg = await store.image('base');
    const image = await memoryImage({ layers: [...(await baseImg!.layers()), memoryLayer(top)] });
    loaded = await image.imageId();
    expect(await store.write(image, ['app:2'])).toEqual({ imageId: loaded });
    expect(fake.requests.filter((r) => r.startsWith('POST /v1.41/images/load'))).toHaveLength(2);
    expect(fake.requests.filter((r) => r.includes('/get'))).toHaveLength(1);
    expect(fake.requests).toContain('POST /v1.41/images/' + loaded + '/tag?repo=docker.io%2Flibrary%2Fapp&tag=2');
  });

  it('does not omit layers on Docker with the containerd image store', async () => {
    fake.replies.info = { status: 200, body: '{"DriverStatus":[["driver-type","io.containerd.snapshotter.v1"]]}' };
    const base = await fakeBase();
    fake.replies.inspect = (req) => (req.url!.includes('/images/base/') ? { status: 200, body: inspectBody(base.id, [sha256Digest(base.layer)]) } : { status: 404, body: '{}' });
    fake.replies.save = { status: 200, body: base.archive };
    fake.replies.load = (_req, body) => ({ status: 500, body: JSON.stringify({ message: body.includes(Buffer.from('blank_0')) ? 'had blank' : 'full' }) });
    const image = await memoryImage({ layers: [...(await (await store.image('base'))!.layers())] });
    await expect(store.write(image, ['app'])).rejects.toMatchObject({ message: expect.stringContaining('HTTP 500: full') });
    expect(fake.requests.filter((r) => r.includes('/images/load'))).toHaveLength(1);
  });
});
