import { describe, expect, it } from 'vitest';
import { appendLayers, editConfig, emptyImage, formatCreated, rebase, setCreated, setMediaType } from '../../../src/image/index.js';
import { MediaTypes } from '../../../src/oci/index.js';
import { randomImage, randomLayer } from '../../helpers/random-image.js';
import { expectValidImage } from '../../helpers/validate-image.js';

describe('mutate', () => {
  it('appendLayers keeps the base layers and the appended Layer objects (identity), extends diff_ids and history', async () => {
    const base = await randomImage({ layers: 2 });
    const extra = await randomLayer();
    const img = appendLayers(base, [{ layer: extra, history: { created_by: 'buildpack layer' } }]);
    await expectValidImage(img);
    const layers = await img.layers();
    expect(layers.slice(0, 2)).toEqual(await base.layers());
    expect(layers[0]).toBe((await base.layers())[0]);
    expect(layers[2]).toBe(extra);
    const cfg = await img.config();
    expect(cfg.rootfs.diff_ids.at(-1)).toBe(await extra.diffId());
    expect(cfg.history?.at(-1)).toEqual({ created_by: 'buildpack layer' });
    // the base is unchanged (immutable)
    expect((await base.config()).rootfs.diff_ids).toHaveLength(2);
  });

  it('config and manifest are computed once, as JSON, on first access', async () => {
    let calls = 0;
    const img = editConfig(await randomImage({ layers: 1 }), (c) => {
      calls++;
      c.config = { ...c.config, Env: ['A=1'] };
    });
    const [a, b] = await Promise.all([img.rawManifest(), img.rawManifest(), img.rawConfig(), img.digest()]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    expect((await img.config()).config?.Env).toEqual(['A=1']);
  });

  it('setCreated uses Go RFC 3339 form (EP-20) and optionally the history', async () => {
    expect(formatCreated(new Date(Date.UTC(1980, 0, 1, 0, 0, 1)))).toBe('1980-01-01T00:00:01Z');
    expect(formatCreated(new Date(1500))).toBe('1970-01-01T00:00:01.5Z');
    const img = setCreated(await randomImage({ layers: 2 }), new Date(0), { history: true });
    const cfg = await img.config();
    expect(cfg.created).toBe('1970-01-01T00:00:00Z');
    expect(cfg.history?.every((h) => h.created === '1970-01-01T00:00:00Z')).toBe(true);
  });

  it('setMediaType switches OCI ↔ Docker for manifest, config and layers without changing bytes', async () => {
    const oci = await randomImage({ layers: 2 });
    const docker = setMediaType(oci, MediaTypes.dockerManifest);
    await expectValidImage(docker);
    const m = await docker.manifest();
    expect(m.mediaType).toBe(MediaTypes.dockerManifest);
    expect(m.config.mediaType).toBe(MediaTypes.dockerConfig);
    expect(m.layers.every((l) => l.mediaType === MediaTypes.dockerLayerGzip)).toBe(true);
    expect(await docker.imageId()).toBe(await oci.imageId());
    const back = setMediaType(docker, MediaTypes.ociManifest);
    expect(await back.digest()).toBe(await oci.digest());
    expect(() => setMediaType(oci, 'text/plain')).toThrow(/not an image manifest/);
  });

  it('identical inputs give identical digests (LY-25)', async () => {
    const layer = await randomLayer();
    const make = () => setCreated(appendLayers(emptyImage(), [{ layer }]), new Date(Date.UTC(1980, 0, 1, 0, 0, 1)));
    expect(await make().digest()).toBe(await make().digest());
  });

  it('rebase swaps the base layers and keeps the app layers and runtime config (LY-23/LY-24)', async () => {
    const oldBase = await randomImage({ layers: 2 });
    const newBase = editConfig(await randomImage({ layers: 3 }), (c) => {
      c.config = { Env: ['NEW=1'] };
    });
    const app1 = await randomLayer();
    const app = editConfig(appendLayers(oldBase, [{ layer: app1, history: { created_by: 'app' } }]), (c) => {
      c.config = { Entrypoint: ['/cnb/lifecycle/launcher'] };
    });
    const rebased = rebase(app, oldBase, newBase);
    await expectValidImage(rebased);
    const layers = await rebased.layers();
    expect(layers).toHaveLength(4);
    expect(layers.slice(0, 3)).toEqual(await newBase.layers());
    expect(layers[3]).toBe(app1);
    const cfg = await rebased.config();
    expect(cfg.config).toEqual({ Entrypoint: ['/cnb/lifecycle/launcher'] });
    expect(cfg.history?.at(-1)).toEqual({ created_by: 'app' });
    await expect(rebase(app, newBase, oldBase).config()).rejects.toMatchObject({ code: 'ERR_IMAGE' });
  });
});
