import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planBuildpackLayers } from '../../../../src/phase/exporter/layer-plan.js';
import { emptyLifecycleMetadata, type LifecycleMetadata } from '../../../../src/platform/index.js';
import { tmpDir, useTmpDirs } from '../../../helpers/tmpdir.js';

useTmpDirs();
const group = [{ id: 'acme/b', version: '1', api: '0.10' }, { id: 'acme/a', version: '2', api: '0.10' }];

async function layer(layers: string, bp: string, name: string, types: string, dir = true): Promise<void> {
  const d = join(layers, bp.replace('/', '_'));
  await mkdir(d, { recursive: true });
  await writeFile(join(d, `${name}.toml`), `[types]\n${types}\n[metadata]\nk = "v"\n`);
  if (dir) await mkdir(join(d, name), { recursive: true });
}

describe('planBuildpackLayers (EP-05..EP-07, EP-12)', () => {
  it('orders by group then name, drops non-launch non-cache layers, plans reuse for launch-only without a dir', async () => {
    const layers = await tmpDir();
    await layer(layers, 'acme/b', 'z', 'launch = true');
    await layer(layers, 'acme/b', 'a', 'launch = true\ncache = true');
    await layer(layers, 'acme/b', 'tmp', 'build = true');
    await layer(layers, 'acme/a', 'gone', 'launch = true', false);
    await layer(layers, 'acme/a', 'c', 'cache = true');
    await writeFile(join(layers, 'acme_a', 'store.toml'), '[metadata]\nx = 1\n');
    const prev: LifecycleMetadata = { ...emptyLifecycleMetadata(), buildpacks: [{ key: 'acme/a', version: '1', layers: { gone: { sha: 'sha256:' + 'a'.repeat(64), data: {}, build: false, launch: true, cache: false } } }] };
    const warns: string[] = [];
    const plan = await planBuildpackLayers(layers, group, prev, (m) => warns.push(m));
    expect(plan.map((b) => [b.id, b.layers.map((l) => `${l.name}:${l.action}`)])).toEqual([
      ['acme/b', ['a:create', 'z:create']],
      ['acme/a', ['c:create', 'gone:reuse']],
    ]);
    expect(plan[1]!.store).toEqual({ x: 1 });
    expect(plan[0]!.layers[0]!.metadata).toEqual({ k: 'v' });
  });

  it('EP-05 fails without a previous layer; EP-06 fails for launch+cache without a dir; warns for cache-only without a dir', async () => {
    const layers = await tmpDir();
    await layer(layers, 'acme/b', 'x', 'launch = true', false);
    await expect(planBuildpackLayers(layers, group, emptyLifecycleMetadata(), () => undefined)).rejects.toMatchObject({ code: 'ERR_EXPORT' });
    const l2 = await tmpDir();
    await layer(l2, 'acme/b', 'x', 'launch = true\ncache = true', false);
    await expect(planBuildpackLayers(l2, group, emptyLifecycleMetadata(), () => undefined)).rejects.toThrow(/cache=true but has no contents/);
    const l3 = await tmpDir();
    await layer(l3, 'acme/b', 'x', 'cache = true', false);
    const warns: string[] = [];
    expect((await planBuildpackLayers(l3, group, emptyLifecycleMetadata(), (m) => warns.push(m)))[0]!.layers).toEqual([]);
    expect(warns).toHaveLength(1);
  });
});
