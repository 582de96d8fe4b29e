import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multiKeychain } from '../../../src/auth/index.js';
import { appendLayers, editConfig } from '../../../src/image/index.js';
import { createRegistryStore, RegistryCounters } from '../../../src/registry/index.js';
import { randomImage, randomLayer } from '../../helpers/random-image.js';
import { expectValidImage } from '../../helpers/validate-image.js';
import { startRegistry, type RegistryServer } from '../../helpers/registry-server.js';
import { copyAndValidate, inspectRaw } from './tools.js';

describe('RegistryStore with images from src/image (random image, mutate, validate oracle)', () => {
  let reg: RegistryServer;
  let work: string;
  const counters = new RegistryCounters();
  const fetched: string[] = [];
  let store: ReturnType<typeof createRegistryStore>;

  beforeAll(async () => {
    reg = await startRegistry();
    work = mkdtempSync(join(tmpdir(), 'reg-core-'));
    store = createRegistryStore({
      keychain: multiKeychain(),
      events: (e, d) => {
        counters.hook(e, d);
        if (e === 'blob-get' && d.digest) fetched.push(d.digest);
      },
    });
  });
  afterAll(async () => {
    await store?.close();
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('round-trips a random image: pushed digest = skopeo digest, and the read-back image passes validateImage', async () => {
    for (const docker of [false, true]) {
      const img = await randomImage({ layers: 3, byteSize: 5000, docker });
      const ref = `${reg.host}/core/random-${docker ? 'docker' : 'oci'}:latest`;
      const res = await store.write(img, [ref]);
      expect(res.digest).toBe(await img.digest());
      expect(inspectRaw(reg, ref).digest).toBe(res.digest);
      const back = await store.image(ref);
      expect(await back!.digest()).toBe(res.digest);
      expect(await back!.imageId()).toBe(await img.imageId());
      await expectValidImage(back!);
    }
  });

  it('appendLayers on a remote run image keeps the remote layers mountable (EP-13, rebase-style reuse)', async () => {
    const run = await randomImage({ layers: 2, byteSize: 3000 });
    await store.write(run, [`${reg.host}/core/run:latest`]);
    const remoteRun = await store.image(`${reg.host}/core/run:latest`);
    const app = editConfig(appendLayers(remoteRun!, [{ layer: await randomLayer(2000), history: { created_by: 'app' } }]), (c) => {
      c.config = { ...c.config, WorkingDir: '/workspace' };
    });
    counters.reset();
    fetched.length = 0;
    const res = await store.write(app, [`${reg.host}/core/app:latest`, `${reg.host}/core/app:v1`]);
    expect(counters.get('mount')).toBe(2);
    // Only the run image's config was read (to extend diff_ids); no layer byte was downloaded.
    expect(fetched).toEqual([(await remoteRun!.manifest()).config.digest]);
    expect(counters.get('upload')).toBe(2);
    expect(inspectRaw(reg, `${reg.host}/core/app:v1`).digest).toBe(res.digest);
    copyAndValidate(reg, `${reg.host}/core/app:latest`, join(work, 'app-layout'));
    const back = await store.image(`${reg.host}/core/app:latest`);
    expect((await back!.config()).config?.WorkingDir).toBe('/workspace');
    await expectValidImage(back!);
  });
});
