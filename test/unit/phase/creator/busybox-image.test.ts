import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LayerWriter } from '../../../../src/layer/index.js';
import { busyboxRunImage } from '../../../../scripts/run-images/busybox.js';

describe.skipIf(!existsSync('/bin/busybox'))('run image generator: static busybox', () => {
  it('is reproducible and carries the run image contract (labels, Env PATH, User)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bb-'));
    try {
      const a = await busyboxRunImage({ writer: new LayerWriter({ artifactsDir: join(dir, 'a') }) });
      const b = await busyboxRunImage({ writer: new LayerWriter({ artifactsDir: join(dir, 'b') }) });
      expect(await a.digest()).toBe(await b.digest());
      const c = await busyboxRunImage({ writer: new LayerWriter({ artifactsDir: join(dir, 'c') }), revision: '2' });
      expect(await c.digest()).not.toBe(await a.digest());
      const config = await a.config();
      expect(config.config?.User).toBe('1000:1000');
      expect(config.config?.Env).toEqual([expect.stringMatching(/^PATH=.*\/bin/)]);
      expect(config.config?.Labels).toMatchObject({ 'io.buildpacks.base.distro.name': 'busybox', 'io.buildpacks.rebasable': 'true' });
      expect(config.created).toBe('1980-01-01T00:00:01Z');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
