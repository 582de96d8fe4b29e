import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { multiKeychain } from '../../../src/auth/index.js';
import { collect } from '../../../src/stream/index.js';
import { encodeJson, MediaTypes, sha256Digest } from '../../../src/oci/index.js';
import { parseRef } from '../../../src/ref/index.js';
import { createRegistryStore, putManifest, RegistryCounters } from '../../../src/registry/index.js';
import { MemoryImage, randomLayer } from '../../helpers/memory-image.js';
import { startRegistry, type RegistryServer } from '../../helpers/registry-server.js';
import { copyAndValidate, inspectRaw, skopeo } from './tools.js';

describe('RegistryStore against an open docker-registry', () => {
  let reg: RegistryServer;
  let work: string;
  const counters = new RegistryCounters();
  let store: ReturnType<typeof createRegistryStore>;

  beforeAll(async () => {
    reg = await startRegistry();
    work = mkdtempSync(join(tmpdir(), 'reg-open-'));
    store = createRegistryStore({ keychain: multiKeychain(), events: counters.hook });
  });
  afterAll(async () => {
    await store?.close();
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => counters.reset());

  it('pushes an image whose digest skopeo confirms and that validates as an OCI layout (EP-03, EP-23)', async () => {
    const img = await MemoryImage.random(3, 20_000);
    const refs = [`${reg.host}/app/one:latest`, `${reg.host}/app/one:v1`];
    const res = await store.write(img, refs);
    expect(res.digest).toBe(await img.digest());
    expect(res.imageId).toBe(await img.imageId());
    expect(res.manifestSize).toBe((await img.rawManifest()).byteLength);
    for (const r of refs) expect(inspectRaw(reg, r).digest).toBe(res.digest);
    expect(counters.get('upload')).toBe(4); // 3 layers + config
    expect(counters.get('manifest-put')).toBe(2);
    copyAndValidate(reg, refs[0] as string, join(work, 'layout-one'));
  });

  it('a second push of the same image uploads no blob', async () => {
    const img = await MemoryImage.random(2, 10_000);
    const ref = `${reg.host}/app/again:latest`;
    await store.write(img, [ref]);
    counters.reset();
    const again = await store.write(img, [ref]);
    expect(again.digest).toBe(await img.digest());
    expect(counters.get('blob-exists')).toBe(3);
    expect(counters.get('upload-start')).toBe(0);
    expect(counters.get('upload')).toBe(0);
  });

  it('mounts layers from their source repository when pushing to another repository (EP-13)', async () => {
    const base = await MemoryImage.random(2, 10_000);
    await store.write(base, [`${reg.host}/run/base:latest`]);
    const remote = await store.image(`${reg.host}/run/base:latest`);
    expect(remote).toBeDefined();
    const app = await MemoryImage.of([...(await remote!.layers()), await randomLayer(5000)]);
    counters.reset();
    const res = await store.write(app, [`${reg.host}/apps/mounted:latest`]);
    expect(counters.get('mount')).toBe(2);
    expect(counters.get('blob-get')).toBe(0); // nothing downloaded: mounted
    expect(counters.get('upload')).toBe(2); // the new layer and the config
    expect(inspectRaw(reg, `${reg.host}/apps/mounted:latest`).digest).toBe(res.digest);
    copyAndValidate(reg, `${reg.host}/apps/mounted:latest`, join(work, 'layout-mounted'));
  });

  it('writes tags in a second repository by mounting from the first', async () => {
    const img = await MemoryImage.random(2, 5000);
    const res = await store.write(img, [`${reg.host}/multi/a:1`, `${reg.host}/multi/b:1`]);
    expect(counters.get('mount')).toBe(3);
    expect(inspectRaw(reg, `${reg.host}/multi/b:1`).digest).toBe(res.digest);
  });

  it('uploads in Content-Range chunks when asked', async () => {
    const chunked = createRegistryStore({ keychain: multiKeychain(), chunkSize: 4096, events: counters.hook });
    try {
      const img = await MemoryImage.random(2, 30_000);
      const res = await chunked.write(img, [`${reg.host}/app/chunked:latest`]);
      expect(inspectRaw(reg, `${reg.host}/app/chunked:latest`).digest).toBe(res.digest);
      copyAndValidate(reg, `${reg.host}/app/chunked:latest`, join(work, 'layout-chunked'));
    } finally {
      await chunked.close();
    }
  });

  it('reads an image another tool pushed: manifest, config and a verified layer', async () => {
    const layout = join(work, 'umoci');
    const bundleFile = join(work, 'hello.txt');
    writeFileSync(bundleFile, 'hello from umoci\n');
    execFileSync('umoci', ['init', '--layout', layout]);
    execFileSync('umoci', ['new', '--image', `${layout}:t`]);
    execFileSync('umoci', ['insert', '--image', `${layout}:t`, bundleFile, '/hello.txt']);
    execFileSync('umoci', ['config', '--image', `${layout}:t`, '--config.env', 'FOO=bar']);
    const ref = `${reg.host}/others/umoci:t`;
    skopeo(['copy', '--quiet', ...reg.skopeoArgs('dest'), `oci:${layout}:t`, `docker://${ref}`]);
    const img = await store.image(ref);
    expect(img).toBeDefined();
    expect(await img!.digest()).toBe(inspectRaw(reg, ref).digest);
    const cfg = await img!.config();
    expect(cfg.config?.Env).toContain('FOO=bar');
    const layers = await img!.layers();
    expect(layers.length).toBe(1);
    const tar = await collect(await layers[0]!.uncompressed());
    expect(sha256Digest(tar)).toBe(await layers[0]!.diffId());
    expect(tar.includes(Buffer.from('hello from umoci'))).toBe(true);

    // The same image converted by skopeo to Docker media types.
    const dref = `${reg.host}/others/docker:t`;
    skopeo(['copy', '--quiet', '--format', 'v2s2', ...reg.skopeoArgs('src'), ...reg.skopeoArgs('dest'), `docker://${ref}`, `docker://${dref}`]);
    const dimg = await store.image(dref);
    expect(await dimg!.mediaType()).toBe(MediaTypes.dockerManifest);
    expect(await dimg!.imageId()).toBe(await img!.imageId());
  });

  it('resolves an index to the manifest of the wanted platform', async () => {
    const amd = await MemoryImage.random(1, 1000);
    const arm = await MemoryImage.random(1, 1000);
    const a = await store.write(amd, [`${reg.host}/multi/arch:amd64`]);
    const b = await store.write(arm, [`${reg.host}/multi/arch:arm64`]);
    const index = encodeJson({
      schemaVersion: 2,
      mediaType: MediaTypes.ociIndex,
      manifests: [
        { mediaType: MediaTypes.ociManifest, digest: a.digest, size: a.manifestSize, platform: { architecture: 'amd64', os: 'linux' } },
        { mediaType: MediaTypes.ociManifest, digest: b.digest, size: b.manifestSize, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
      ],
    });
    const c = store.client(parseRef(`${reg.host}/multi/arch`), ['repository:multi/arch:pull,push']);
    await putManifest(c, 'list', index, MediaTypes.ociIndex);
    expect(await (await store.image(`${reg.host}/multi/arch:list`))!.digest()).toBe(a.digest);
    expect(await (await store.image(`${reg.host}/multi/arch:list`, { platform: { os: 'linux', architecture: 'arm64' } }))!.digest()).toBe(b.digest);
    await expect(store.image(`${reg.host}/multi/arch:list`, { platform: { os: 'windows', architecture: 'amd64' } })).rejects.toThrow(/no manifest for platform windows\/amd64/);
  });

  it('reports missing images as absent, not as errors (AN-05)', async () => {
    expect(await store.image(`${reg.host}/nothing/here:latest`)).toBeUndefined();
    expect(await store.exists(`${reg.host}/nothing/here:latest`)).toBe(false);
    await store.write(await MemoryImage.random(1, 100), [`${reg.host}/some/thing:latest`]);
    expect(await store.exists(`${reg.host}/some/thing:latest`)).toBe(true);
    expect(await store.image(`${reg.host}/some/thing:nope`)).toBeUndefined();
    expect(await store.image(`${reg.host}/some/thing@${sha256Digest('x')}`)).toBeUndefined();
    await expect(store.checkReadAccess(`${reg.host}/nothing/here:latest`)).resolves.toBeUndefined();
    await expect(store.checkWriteAccess(`${reg.host}/nothing/here:latest`)).resolves.toBeUndefined();
  });
});
