/** Exporter cache output (EP-25, EP-26, LY-15, LY-16, FMT-26..28). */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Labels } from '../src/platform/index.js';
import { putImage, readImage, runImage, runPhase, startSpecRegistry, type SpecRegistry } from './harness/index.js';
import { exporterFlags, makeExportWorkspace, standardBuild, writeExportAnalyzed, writeLayer, type ExportWorkspace } from '../test/integration/export/fixture.js';

let reg: SpecRegistry;
let runRef: string;
let ws: ExportWorkspace;
beforeAll(async () => {
  reg = await startSpecRegistry();
  runRef = `${reg.host}/run/base@${(await putImage({ registry: reg }, reg.ref('run/base'), await runImage())).digest}`;
});
afterAll(() => reg.stop());
beforeEach(async () => {
  ws = await makeExportWorkspace();
  await standardBuild(ws);
  await writeLayer(ws, 'acme/node', 'buildcache', { build: true, cache: true, metadata: { k: 'v' } });
  await writeExportAnalyzed(ws, { runRef });
});
afterEach(() => ws.cleanup());

const metadataFile = () => join(ws.cacheDir, 'committed', 'io.buildpacks.lifecycle.cache.metadata');

describe('exporter cache', () => {
  for (const parallel of [false, true]) {
    it(`EP-25 LY-15 FMT-26 FMT-28 writes cache=true layers and metadata to -cache-dir${parallel ? ' (EP-26 -parallel)' : ''}`, async () => {
      const r = await runPhase('exporter', { args: [...exporterFlags(ws, ['-cache-dir', ws.cacheDir, ...(parallel ? ['-parallel'] : [])]), reg.ref('app/cache')] });
      expect(r.code, r.stderr).toBe(0);
      const md = JSON.parse(await readFile(metadataFile(), 'utf8'));
      const layers = md.buildpacks[0].layers;
      expect(Object.keys(layers).sort()).toEqual(['buildcache', 'deps']);
      expect(layers.buildcache).toMatchObject({ data: { k: 'v' }, build: true, launch: false, cache: true });
      const files = await readdir(join(ws.cacheDir, 'committed'));
      expect(files).toContain(`${layers.deps.sha}.tar`);
      expect(files).toContain(`${layers.buildcache.sha}.tar`);
      const img = (await readImage({ registry: reg }, reg.ref('app/cache')))!;
      expect(img.diffIds).toContain(layers.deps.sha); // the same layer in image and cache
      expect(img.diffIds).not.toContain(layers.buildcache.sha);
    });
  }

  it('LY-16 the cache holds only this build\'s cache=true layers', async () => {
    expect((await runPhase('exporter', { args: [...exporterFlags(ws, ['-cache-dir', ws.cacheDir]), reg.ref('app/c16')] })).code).toBe(0);
    await writeFile(join(ws.layersDir, 'acme_node', 'buildcache.toml'), '[types]\nbuild = true\n');
    expect((await runPhase('exporter', { args: [...exporterFlags(ws, ['-cache-dir', ws.cacheDir]), reg.ref('app/c16')] })).code).toBe(0);
    const md = JSON.parse(await readFile(metadataFile(), 'utf8'));
    expect(Object.keys(md.buildpacks[0].layers)).toEqual(['deps']);
    expect((await readdir(join(ws.cacheDir, 'committed'))).filter((f) => f.endsWith('.tar'))).toHaveLength(1);
  });

  it('EP-25 FMT-27 writes a cache image with the metadata label', async () => {
    const cacheRef = reg.ref('app/cache-image');
    const r = await runPhase('exporter', { args: [...exporterFlags(ws, ['-cache-image', cacheRef, '-parallel']), reg.ref('app/ci')] });
    expect(r.code, r.stderr).toBe(0);
    const cache = (await readImage({ registry: reg }, cacheRef))!;
    const md = JSON.parse(cache.labels[Labels.cacheMetadata]!);
    expect(cache.diffIds).toEqual(expect.arrayContaining([md.buildpacks[0].layers.deps.sha, md.buildpacks[0].layers.buildcache.sha]));
  });

  it('EP-25 a cache that cannot be written only warns (exit 0)', async () => {
    const notADir = join(ws.root, 'file-not-dir');
    await writeFile(notADir, 'x');
    const r = await runPhase('exporter', { args: [...exporterFlags(ws, ['-cache-dir', notADir]), reg.ref('app/cachefail')] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/cache/i);
    expect(await readImage({ registry: reg }, reg.ref('app/cachefail'))).toBeDefined();
  });

  it('EP-26 -parallel without a cache only warns', async () => {
    const r = await runPhase('exporter', { args: [...exporterFlags(ws, ['-parallel']), reg.ref('app/par')] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/parallel/);
  });
});
