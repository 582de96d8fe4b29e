import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ImageCache } from '../src/cache/index.js';
import { chownR, isRoot, runPhase, startSpecRegistry, type SpecRegistry } from './harness/index.js';
import {
  exists,
  fillCache,
  fillVolumeCache,
  IDS,
  imageMetadata,
  listTree,
  restorerWorkspace,
  runRestorer,
  tomlAt,
  writeAnalyzedToml,
  writeGroupToml,
  type RestorerWorkspace,
} from '../test/unit/phase/restorer/workspace.js';

let ws: RestorerWorkspace;
beforeEach(async () => (ws = await restorerWorkspace()));
afterEach(() => ws.cleanup());

const BP = 'acme/bp';
const bpDir = () => join(ws.layers, 'acme_bp');
const SHA = `sha256:${'5'.repeat(64)}`;

describe('restorer: inputs, exit codes (RS-01, §8)', () => {
  it('RS-01 GEN-03 a positional argument exits 3', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    expect((await runRestorer(ws, { args: ['extra'] })).code).toBe(3);
  });

  it('RS-01 §8 a missing <group> is a restore error (42)', async () => {
    const r = await runRestorer(ws);
    expect(r.code).toBe(42);
    expect(r.stderr).toContain('group.toml');
  });

  it('VER-04 §8 a group buildpack with an unsupported Buildpack API exits 12', async () => {
    await writeGroupToml(ws, [{ id: BP, api: '0.1' }]);
    expect((await runRestorer(ws)).code).toBe(12);
  });

  it('RS-01 [REF] a missing <analyzed> is a warning; restoring goes on with empty metadata', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    await fillVolumeCache(ws, { [BP]: { c: { cache: true, files: { f: 'x' } } } });
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Not using analyzed data');
    expect(await readFile(join(bpDir(), 'c', 'f'), 'utf8')).toBe('x'); // cache-only layers need no image metadata
  });

  it('RS-01 [REF] an unparsable <analyzed> is treated like a missing one (warning)', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    await writeFile(ws.analyzed, '[metadata\n');
    const r = await runRestorer(ws, { cacheDir: false });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Not using analyzed data');
  });

  it('§8 a -cache-dir that does not exist is a restore error (42)', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    const r = await runRestorer(ws, { cacheDir: false, args: ['-cache-dir', join(ws.dir, 'nope')] });
    expect(r.code).toBe(42);
  });

  const flags: Array<[string, string[], string]> = [
    ['-build-image', ['-build-image', 'registry.invalid/b'], '0.10'],
    ['-daemon', ['-daemon'], '0.12'],
    ['-insecure-registry', ['-insecure-registry', 'r.invalid'], '0.13'],
    ['-run', ['-run', '/nope/run.toml'], '0.14'],
  ];
  for (const [flag, args, since] of flags) {
    it(`GEN-02 §9 ${flag} exists from Platform ${since} only (unknown flag → 2 before)`, async () => {
      await writeGroupToml(ws, [{ id: BP }]);
      const before = `0.${Number(since.split('.')[1]) - 1}`;
      expect((await runRestorer(ws, { platformApi: before, args })).code).toBe(2);
    });
  }

  it('GEN-04 CNB_SKIP_LAYERS and the env vars of the inputs are honoured', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { l: { launch: true, sha: SHA } } } }));
    const r = await runRestorer(ws, { cacheDir: false, env: { CNB_SKIP_LAYERS: 'true' } });
    expect(r.code, r.stderr).toBe(0);
    expect(await exists(join(bpDir(), 'l.toml'))).toBe(false);
  });
});

describe('restorer: store.toml (RS-02) and -skip-layers (RS-03)', () => {
  for (const skip of [false, true]) {
    it(`RS-02 store.toml comes from the previous image's store data${skip ? ', even with -skip-layers' : ''}, never from the cache`, async () => {
      await writeGroupToml(ws, [{ id: BP }, { id: 'acme/nostore' }]);
      await fillVolumeCache(ws, { 'acme/nostore': {} }, { metadata: (m) => ({ ...m, buildpacks: [{ key: 'acme/nostore', version: '1', layers: {}, store: { metadata: { from: 'cache' } } }] }) });
      await writeAnalyzedToml(ws, imageMetadata({ [BP]: { store: { greeting: 'hi', n: 3, t: { deep: true } } }, 'not/in-group': { store: { x: 1 } } }));
      const r = await runRestorer(ws, skip ? { args: ['-skip-layers'] } : {});
      expect(r.code, r.stderr).toBe(0);
      expect(await tomlAt(join(bpDir(), 'store.toml'))).toEqual({ metadata: { greeting: 'hi', n: 3, t: { deep: true } } });
      expect(await exists(join(ws.layers, 'acme_nostore', 'store.toml'))).toBe(false);
      expect(await exists(join(ws.layers, 'not_in-group'))).toBe(false);
    });
  }

  for (const api of ['0.7', '0.9', '0.15']) {
    it(`RS-03 with -skip-layers no <layer>.toml, no layer SBOM and no contents are restored (Platform ${api})`, async () => {
      await writeGroupToml(ws, [{ id: BP }]);
      const ids = await fillVolumeCache(ws, { [BP]: { c: { cache: true, files: { f: 'x' } }, lc: { cache: true, launch: true, files: { f: 'y' } } } }, { sbom: { 'acme_bp/c/sbom.cdx.json': '{}' } });
      await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { l: { launch: true, sha: SHA }, lc: { launch: true, cache: true, sha: ids[`${BP}:lc`]! } } } }));
      const r = await runRestorer(ws, { platformApi: api, args: ['-skip-layers'] });
      expect(r.code, r.stderr).toBe(0);
      expect(await listTree(bpDir())).toEqual([]);
    });
  }
});

describe('restorer: choosing the cache (RS-11, LY-14)', () => {
  it('RS-11 without a cache: warning, no cache=true layer, launch-only metadata still restored', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { l: { launch: true, sha: SHA }, lc: { launch: true, cache: true, sha: SHA } } } }));
    const r = await runRestorer(ws, { cacheDir: false });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('No cached data will be used, no cache specified.');
    expect(await listTree(bpDir())).toEqual(['l.toml']);
  });

  it('LY-14 an empty cache directory (never committed) restores no cache layer', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { lc: { launch: true, cache: true, sha: SHA } } } }));
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Layer cache not found');
    expect(await exists(join(bpDir(), 'lc.toml'))).toBe(false);
  });

  it('GEN-12 LY-28 started as root, restored files belong to -uid/-gid and <layers> is chowned', async () => {
    if (!isRoot) return;
    await writeGroupToml(ws, [{ id: BP }]);
    await fillVolumeCache(ws, { [BP]: { c: { cache: true, files: { 'a/b': 'x' } } } });
    await writeAnalyzedToml(ws, imageMetadata({ [BP]: { store: { k: 'v' } } }));
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    for (const p of ['c', 'c/a', 'c/a/b', 'c.toml', 'store.toml']) {
      const st = await stat(join(bpDir(), p));
      expect([st.uid, st.gid], p).toEqual([IDS.uid, IDS.gid]);
    }
  });

  it('GEN-12 started as the CNB user (not root), the restore works the same', async () => {
    if (!isRoot) return;
    await writeGroupToml(ws, [{ id: BP }]);
    await fillVolumeCache(ws, { [BP]: { c: { cache: true, files: { 'a/b': 'x' } } } });
    await chownR(ws.cache, IDS.uid, IDS.gid);
    await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { l: { launch: true, sha: SHA } } } }));
    const r = await runPhase('restorer', { user: IDS, args: ['-layers', ws.layers, '-cache-dir', ws.cache] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(await readFile(join(bpDir(), 'c', 'a', 'b'), 'utf8')).toBe('x');
    expect(await exists(join(bpDir(), 'l.toml'))).toBe(true);
    expect((await listTree(join(ws.cache, 'layer-selectors-v1'))).length).toBe(1);
  });

  describe('with a cache image in the spec registry', () => {
    let reg: SpecRegistry;
    beforeAll(async () => (reg = await startSpecRegistry()));
    afterAll(() => reg.stop());

    it('RS-11 LY-14 cache=true layers are restored from -cache-image, which wins over -cache-dir ([REF])', async () => {
      const ref = reg.ref('restorer/cache', `t${Date.now()}`);
      await writeGroupToml(ws, [{ id: BP }]);
      const ids = await fillCache(ws, new ImageCache({ store: reg.store(), ref }), { [BP]: { c: { cache: true, files: { f: 'from image' } }, lc: { cache: true, launch: true, files: { g: 'g' } } } });
      await fillVolumeCache(ws, { [BP]: { c: { cache: true, files: { f: 'from dir' } } } });
      await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { lc: { launch: true, cache: true, sha: ids[`${BP}:lc`]! } } } }));
      const r = await runRestorer(ws, { args: ['-cache-image', ref] });
      expect(r.code, r.stderr).toBe(0);
      expect(await readFile(join(bpDir(), 'c', 'f'), 'utf8')).toBe('from image');
      expect(await readFile(join(bpDir(), 'lc', 'g'), 'utf8')).toBe('g');
      expect(await exists(join(ws.cache, 'layer-selectors-v1'))).toBe(false); // fingerprints: volume caches only
    });

    it('RS-11 a cache image that does not exist yet is an empty cache, not an error', async () => {
      await writeGroupToml(ws, [{ id: BP }]);
      await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { l: { launch: true, sha: SHA } } } }));
      const r = await runRestorer(ws, { cacheDir: false, args: ['-cache-image', reg.ref('restorer/none', 'nope')] });
      expect(r.code, r.stderr).toBe(0);
      expect(await listTree(bpDir())).toEqual(['l.toml']);
    });
  });
});
