import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  exists,
  fillVolumeCache,
  imageMetadata,
  listTree,
  restorerWorkspace,
  runRestorer,
  writeAnalyzedToml,
  writeGroupToml,
  writeTree,
  type RestorerWorkspace,
} from '../test/unit/phase/restorer/workspace.js';

let ws: RestorerWorkspace;
beforeEach(async () => (ws = await restorerWorkspace()));
afterEach(() => ws.cleanup());

const BP = 'acme/bp';
const bpDir = () => join(ws.layers, 'acme_bp');
const SHA = `sha256:${'6'.repeat(64)}`;

/**
 * The previous build: cache layers `c` (cache only), `lc` (launch+cache) and a cache SBOM layer; the image's
 * launch-only layer `l`; the analyzer already extracted the image's SBOM layer to `<layers>/sbom/launch`.
 */
async function previousBuild(opts: { staleLc?: boolean } = {}): Promise<void> {
  await writeGroupToml(ws, [{ id: BP }]);
  const ids = await fillVolumeCache(
    ws,
    { [BP]: { c: { cache: true, files: { f: 'c' } }, lc: { cache: true, launch: true, files: { f: 'lc' } } }, 'not/group': { x: { cache: true, files: { f: 'x' } } } },
    {
      sbom: {
        'acme_bp/c/sbom.cdx.json': '{"c":"cache"}',
        'acme_bp/lc/sbom.cdx.json': '{"lc":"cache"}',
        'acme_bp/gone/sbom.spdx.json': '{}',
        'not_group/x/sbom.cdx.json': '{}',
      },
    },
  );
  await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { l: { launch: true, sha: SHA }, lc: { launch: true, cache: true, sha: opts.staleLc ? SHA : ids[`${BP}:lc`]! } } } }));
  await writeTree(join(ws.layers, 'sbom', 'launch'), {
    'acme_bp/l/sbom.syft.json': '{"l":"launch"}',
    'acme_bp/lc/sbom.cdx.json': '{"lc":"launch"}',
    'acme_bp/sbom.cdx.json': '{"launch-level":true}',
    'acme_bp/gone2/sbom.cdx.json': '{}',
  });
}

describe('restorer: layer SBOMs (RS-10, LY-20)', () => {
  for (const api of ['0.8', '0.12', '0.15']) {
    it(`RS-10 LY-20 layer SBOMs from <layers>/sbom/{cache,launch} go next to restored layers, then <layers>/sbom is removed (Platform ${api})`, async () => {
      await previousBuild();
      const r = await runRestorer(ws, { platformApi: api });
      expect(r.code, r.stderr).toBe(0);
      const files = (await listTree(bpDir())).filter((f) => f.includes('.sbom.'));
      expect(files).toEqual(['c.sbom.cdx.json', 'l.sbom.syft.json', 'lc.sbom.cdx.json']);
      expect(await readFile(join(bpDir(), 'c.sbom.cdx.json'), 'utf8')).toBe('{"c":"cache"}');
      expect(await readFile(join(bpDir(), 'lc.sbom.cdx.json'), 'utf8')).toBe('{"lc":"launch"}'); // launch is copied last
      expect(await exists(join(bpDir(), 'launch.sbom.cdx.json'))).toBe(false); // launch-level SBOMs are never restored
      expect(await exists(join(ws.layers, 'not_group'))).toBe(false);
      expect(await exists(join(ws.layers, 'sbom'))).toBe(false);
    });
  }

  it('RS-06 RS-10 a layer restored neither way (wrong sha) gets no SBOM either [ERRATA-D-RS1]', async () => {
    await previousBuild({ staleLc: true });
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await exists(join(bpDir(), 'lc.toml'))).toBe(false);
    expect(await exists(join(bpDir(), 'lc.sbom.cdx.json'))).toBe(false);
  });

  it('RS-10 §9 Platform 0.7 has no layer SBOMs: nothing is copied and <layers>/sbom is left alone', async () => {
    await previousBuild();
    const r = await runRestorer(ws, { platformApi: '0.7' });
    expect(r.code, r.stderr).toBe(0);
    expect((await listTree(bpDir())).filter((f) => f.includes('.sbom.'))).toEqual([]);
    expect(await exists(join(ws.layers, 'sbom', 'launch', 'acme_bp', 'l', 'sbom.syft.json'))).toBe(true);
    expect(await exists(join(ws.layers, 'sbom', 'cache'))).toBe(false);
  });

  it('RS-10 a corrupt cache SBOM layer is a warning; launch SBOMs are still restored', async () => {
    await previousBuild();
    const { truncate } = await import('node:fs/promises');
    const md = JSON.parse(await readFile(join(ws.cache, 'committed', 'io.buildpacks.lifecycle.cache.metadata'), 'utf8')) as { sbom: { sha: string } };
    await truncate(join(ws.cache, 'committed', `${md.sbom.sha}.tar`), 100);
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Not restoring the SBOM layer from cache');
    expect((await listTree(bpDir())).filter((f) => f.includes('.sbom.'))).toEqual(['l.sbom.syft.json', 'lc.sbom.cdx.json']);
  });
});
