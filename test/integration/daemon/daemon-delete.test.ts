/** EP-30: DaemonStore.delete against podman system service (a real Docker Engine API). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDockerEngine, DaemonStore } from '../../../src/daemon/index.js';
import { startPodman } from '../../helpers/podman.js';
import { memoryImage, memoryLayer, tarOf } from '../../unit/daemon/memory-image.js';

const started = await startPodman();
const podman = started.service;
afterAll(async () => {
  await podman?.stop();
});

describe.skipIf(!podman)(`DaemonStore.delete${started.skip ? ` (skipped: ${started.skip})` : ''}`, () => {
  it('removes the image a tag names (by image ID, forced: every tag goes); a missing image is not an error', async () => {
    const engine = createDockerEngine({ host: podman!.dockerHost });
    const dir = await mkdtemp(join(tmpdir(), 'daemon-del-'));
    const store = new DaemonStore({ engine, tmpDir: dir });
    try {
      const image = await memoryImage({ layers: [memoryLayer(await tarOf({ 'd/one.txt': 'one\n' }))], labels: { 'io.buildpacks.test': 'delete' } });
      const { imageId } = await store.write(image, ['cnb-test/del:one', 'cnb-test/del:two']);
      expect(await store.exists(imageId)).toBe(true);
      await store.delete('cnb-test/del:one');
      expect(await store.exists(imageId)).toBe(false);
      expect(await store.exists('cnb-test/del:two')).toBe(false);
      await expect(store.delete('cnb-test/del:one')).resolves.toBeUndefined();
      await expect(store.delete(imageId)).resolves.toBeUndefined();
    } finally {
      await store.close();
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
