import { describe, expect, it } from 'vitest';
import { appendLayers, bufferLayer, editConfig, emptyImage, validateImage, type Image } from '../../../../src/image/index.js';
import { composeRebased, normalizedHistory, rebaseOnTopLayer } from '../../../../src/phase/rebaser/index.js';
import { ApiVersion, emptyLifecycleMetadata } from '../../../../src/platform/index.js';
import { randomLayer } from '../../../helpers/random-image.js';

async function image(layers: number, o: { arch?: string; variant?: string; labels?: Record<string, string>; env?: string[] } = {}): Promise<{ img: Image; ids: string[] }> {
  const ls = await Promise.all(Array.from({ length: layers }, () => randomLayer(256)));
  const base = emptyImage({ os: 'linux', architecture: o.arch ?? 'amd64', ...(o.variant ? { variant: o.variant } : {}) });
  const img = editConfig(appendLayers(base, ls.map((layer, i) => ({ layer, history: { created_by: `layer ${i}` } }))), (c) => {
    c.config = { Labels: o.labels ?? {}, Env: o.env ?? ['PATH=/bin'] };
  });
  return { img, ids: await Promise.all(ls.map((l) => l.diffId())) };
}

describe('rebaser image composition', () => {
  it('RB-05 replaces the layers up to topLayer by the new base; keeps the app layers (same Layer objects); config section from the app', async () => {
    const oldBase = await image(2);
    const newBase = await image(3, { arch: 'arm64', variant: 'v8', env: ['PATH=/new'] });
    const extra = await Promise.all([randomLayer(100), randomLayer(100)]);
    const app = editConfig(appendLayers(oldBase.img, extra.map((layer) => ({ layer, history: { created_by: 'app' } }))), (c) => {
      c.config = { ...c.config, Env: ['PATH=/app'], Labels: { a: 'b' } };
    });
    const out = rebaseOnTopLayer(app, oldBase.ids[1]!, newBase.img, 'app');
    const cfg = await out.config();
    expect(cfg.rootfs.diff_ids).toEqual([...newBase.ids, ...(await Promise.all(extra.map((l) => l.diffId())))]);
    expect(cfg.architecture).toBe('arm64');
    expect(cfg.variant).toBe('v8');
    expect(cfg.config?.Env).toEqual(['PATH=/app']);
    const layers = await out.layers();
    expect(layers.slice(-2)).toEqual(extra);
    expect(await validateImage(out)).toEqual([]);
  });

  it('RB-05 a topLayer the app does not have is ERR_REBASE naming the image', async () => {
    const base = await image(1);
    await expect(rebaseOnTopLayer(base.img, 'sha256:' + 'f'.repeat(64), base.img, 'my/app').config()).rejects.toMatchObject({ code: 'ERR_REBASE', message: expect.stringContaining('my/app') });
    await expect(rebaseOnTopLayer(base.img, '', base.img, 'my/app').config()).rejects.toThrow(/no runImage.topLayer/);
  });

  it('RB-06/RB-07/RB-11/RB-12 sets the label, syncs base labels, a constant created and normalized history; deterministic', async () => {
    const oldBase = await image(1, { labels: { 'io.buildpacks.base.x': 'old' } });
    const newBase = await image(2, { labels: { 'io.buildpacks.base.y': 'new' } });
    const app = appendLayers(oldBase.img, [{ layer: bufferLayer(Buffer.alloc(1024)), history: { created_by: 'app', created: '2020-01-01T00:00:00Z' } }]);
    const md = { ...emptyLifecycleMetadata(), runImage: { topLayer: newBase.ids[1]!, reference: 'r' } };
    const opts = { oldTopLayer: oldBase.ids[0]!, metadata: md, newBaseLabels: { 'io.buildpacks.base.y': 'new' }, platformApi: ApiVersion.parse('0.15'), what: 'app' };
    const a = composeRebased(app, newBase.img, opts);
    const b = composeRebased(app, newBase.img, opts);
    const cfg = await a.config();
    expect(cfg.created).toBe('1980-01-01T00:00:01Z');
    expect(cfg.history?.map((h) => [h.created, h.created_by])).toEqual([
      ['1980-01-01T00:00:01Z', 'layer 0'],
      ['1980-01-01T00:00:01Z', 'layer 1'],
      ['1980-01-01T00:00:01Z', 'app'],
    ]);
    expect(cfg.config?.Labels).toEqual({ 'io.buildpacks.base.y': 'new', 'io.buildpacks.lifecycle.metadata': expect.stringContaining(`"topLayer":"${newBase.ids[1]}"`) });
    expect(await a.imageId()).toBe(await b.imageId());
    expect(await a.digest()).toBe(await b.digest());
  });

  it('[REF] NormalizedHistory: empty_layer entries dropped; a mismatch gives one empty entry per layer', () => {
    expect(normalizedHistory([{ created_by: 'a' }, { empty_layer: true }, { created_by: 'b' }], 2)).toEqual([{ created_by: 'a' }, { created_by: 'b' }]);
    expect(normalizedHistory([{ created_by: 'a' }], 2)).toEqual([{}, {}]);
    expect(normalizedHistory(undefined, 1)).toEqual([{}]);
  });
});
