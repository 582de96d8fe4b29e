import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copySbomFiles, findSbomFiles, processLayers } from '../../../../src/buildpack/index.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'bl-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

async function layer(name: string, toml?: string): Promise<void> {
  await mkdir(join(dir, name), { recursive: true });
  if (toml !== undefined) await writeFile(join(dir, `${name}.toml`), toml);
}

describe('processLayers (BL-07, BL-08, BL-10)', () => {
  it('BL-07 renames all-false layers, keeps flagged ones and ones without .toml; ascending order', async () => {
    await layer('zeta', '[types]\nlaunch = true\n');
    await layer('alpha', '[types]\nbuild = false\n');
    await layer('bare');
    await writeFile(join(dir, 'tomlonly.toml'), '[types]\ncache = true\n');
    await writeFile(join(dir, 'launch.toml'), '[[processes]]\ntype = "x"\ncommand = ["y"]\n');
    await writeFile(join(dir, 'store.toml'), '[metadata]\n');
    const warnings: string[] = [];
    const layers = await processLayers(dir, (w) => warnings.push(w));
    expect(layers.map((l) => l.name)).toEqual(['alpha', 'tomlonly', 'zeta']);
    expect((await readdir(dir)).sort()).toEqual(['alpha.ignore', 'alpha.toml', 'bare', 'launch.toml', 'store.toml', 'tomlonly.toml', 'zeta', 'zeta.toml']);
    expect(warnings).toEqual([]);
  });

  it('BL-10 a directory named like a reserved file is warned about', async () => {
    await layer('launch');
    const warnings: string[] = [];
    await processLayers(dir, (w) => warnings.push(w));
    expect(warnings.join()).toMatch(/launch/);
  });

  it('BL-08 top-level flags are ERR_TOML', async () => {
    await layer('bad', 'build = true\n');
    await expect(processLayers(dir)).rejects.toMatchObject({ code: 'ERR_TOML' });
  });

  it('a missing layers directory has no layers', async () => {
    expect(await processLayers(join(dir, 'none'))).toEqual([]);
  });
});

describe('SBOM files (BL-19, BL-20)', () => {
  const types = new Map([
    ['lc', { launch: true, build: false, cache: true }],
    ['b', { launch: false, build: true, cache: false }],
  ]);
  const CDX = 'application/vnd.cyclonedx+json';

  it('BL-20 classifies launch/build/layer SBOMs; cache copies; layers without .toml are skipped', async () => {
    for (const f of ['launch.sbom.cdx.json', 'build.sbom.cdx.json', 'lc.sbom.cdx.json', 'b.sbom.cdx.json', 'orphan.sbom.cdx.json', 'x.json']) await writeFile(join(dir, f), f);
    const files = await findSbomFiles(dir, 'acme/x', types, [`${CDX};version=1.4`]);
    expect(files.map((f) => `${f.kind}:${f.layerName ?? '-'}`)).toEqual(['build:b', 'build:-', 'launch:-', 'launch:lc', 'cache:lc']);
    const layers = join(dir, 'out');
    await copySbomFiles(layers, files);
    expect(await readFile(join(layers, 'sbom', 'cache', 'acme_x', 'lc', 'sbom.cdx.json'), 'utf8')).toBe('lc.sbom.cdx.json');
    expect(await readFile(join(layers, 'sbom', 'launch', 'acme_x', 'sbom.cdx.json'), 'utf8')).toBe('launch.sbom.cdx.json');
  });

  it('BL-19 [REF] undeclared media types and unknown extensions are ERR_BUILD', async () => {
    await writeFile(join(dir, 'launch.sbom.spdx.json'), '{}');
    await expect(findSbomFiles(dir, 'acme/x', types, [CDX])).rejects.toMatchObject({ code: 'ERR_BUILD' });
    await rm(join(dir, 'launch.sbom.spdx.json'));
    await writeFile(join(dir, 'build.sbom.xml.json'), '{}');
    await expect(findSbomFiles(dir, 'acme/x', types, [CDX])).rejects.toThrow(/unsupported SBOM format/);
  });
});
