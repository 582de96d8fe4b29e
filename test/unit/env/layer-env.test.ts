import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyBuildLayer, applyBuildLayers, applyLaunchLayers, readBuildLayerEnv, type LayerEnvInput } from '../../../src/env/index.js';

const linux = { os: 'linux' } as const;
let root: string;

async function layer(path: string, files: Record<string, string>, dirs: string[] = []): Promise<string> {
  const dir = join(root, path);
  for (const d of dirs) await mkdir(join(dir, d), { recursive: true });
  for (const [p, v] of Object.entries(files)) {
    await mkdir(join(dir, p, '..'), { recursive: true });
    await writeFile(join(dir, p), v);
  }
  await mkdir(dir, { recursive: true });
  return dir;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'layerenv-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe('build layers (ENV-09, ENV-10, ENV-11, EF-09)', () => {
  it('ENV-09 bin/lib/include/pkgconfig are prepended to their variables', () => {
    const l: LayerEnvInput = { dir: '/l/a', rootSubdirs: ['bin', 'include', 'lib', 'pkgconfig'], env: [], phaseEnv: [] };
    expect(applyBuildLayer({ PATH: '/bin' }, l, linux)).toEqual({
      PATH: '/l/a/bin:/bin',
      CPATH: '/l/a/include',
      LD_LIBRARY_PATH: '/l/a/lib',
      LIBRARY_PATH: '/l/a/lib',
      PKG_CONFIG_PATH: '/l/a/pkgconfig',
    });
  });

  it('ENV-09/ERRATA-13 layers in ascending order, later layers and buildpacks first', async () => {
    const a = await layer('bp1/a', {}, ['bin']);
    const b = await layer('bp1/b', {}, ['bin']);
    const c = await layer('bp2/c', {}, ['bin']);
    const env = await applyBuildLayers({ PATH: '/usr/bin' }, [a, b, c], linux);
    expect(env['PATH']).toBe(`${c}/bin:${b}/bin:${a}/bin:/usr/bin`);
  });

  it('EF-09/ENV-11 env/ then env.build/ apply after the root dirs (unsuffixed = override)', async () => {
    const a = await layer('bp/a', { 'env/FOO': 'env', 'env.build/FOO': 'build', 'env/BAR.default': 'd', 'env.launch/BAZ': 'launch-only', 'env/PATH.prepend': '/x:' }, ['bin']);
    const env = await applyBuildLayers({ PATH: '/usr/bin' }, [a], linux);
    expect(env).toEqual({ FOO: 'build', BAR: 'd', PATH: `/x:${a}/bin:/usr/bin` });
  });

  it('EF-05/EF-06 across buildpacks: append earlier first, prepend later first', async () => {
    const a = await layer('bp1/a', { 'env/V.append': 'a', 'env/V.delim': ',', 'env/W.prepend': 'a', 'env/W.delim': ',' });
    const b = await layer('bp2/b', { 'env/V.append': 'b', 'env/V.delim': ',', 'env/W.prepend': 'b', 'env/W.delim': ',' });
    const env = await applyBuildLayers({}, [a, b], linux);
    expect(env).toEqual({ V: 'a,b', W: 'b,a' });
  });

  it('EF-04 default: the earlier buildpack wins', async () => {
    const a = await layer('bp1/a', { 'env/V.default': 'first' });
    const b = await layer('bp2/b', { 'env/V.default': 'second' });
    expect((await applyBuildLayers({}, [a, b], linux))['V']).toBe('first');
  });

  it('readBuildLayerEnv finds only existing root subdirs', async () => {
    const a = await layer('bp/a', { 'bin/tool': 'x' }, ['include']);
    expect((await readBuildLayerEnv(a)).rootSubdirs).toEqual(['bin', 'include']);
  });
});

describe('launch env (ENV-12, EF-09, EF-10)', () => {
  it('EF-09/EF-10 env/, env.launch/, then env.launch/<process>/ only for the selected process', async () => {
    await layer('layers/bp1/a', { 'env/FOO': 'env', 'env.launch/FOO': 'launch', 'env.launch/web/FOO': 'web', 'env.build/BUILD': 'x' }, ['bin', 'lib', 'include']);
    const bp1 = join(root, 'layers/bp1');
    const web = await applyLaunchLayers({ PATH: '/usr/bin' }, [bp1], 'web', linux);
    expect(web).toEqual({ FOO: 'web', PATH: `${bp1}/a/bin:/usr/bin`, LD_LIBRARY_PATH: `${bp1}/a/lib` });
    const none = await applyLaunchLayers({}, [bp1], undefined, linux);
    expect(none['FOO']).toBe('launch');
  });

  it('ENV-12 later buildpacks first in PATH', async () => {
    await layer('layers/bp1/a', {}, ['bin']);
    await layer('layers/bp2/b', {}, ['bin']);
    const env = await applyLaunchLayers({}, [join(root, 'layers/bp1'), join(root, 'layers/bp2')], undefined, linux);
    expect(env['PATH']).toBe(`${root}/layers/bp2/b/bin:${root}/layers/bp1/a/bin`);
  });
});
