import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRoot } from './harness/index.js';
import {
  exists,
  fillVolumeCache,
  IDS,
  imageMetadata,
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

/** §7.3 rows as layer names: b<build>c<cache>l<launch>. */
const ROWS = {
  TTT: { build: true, cache: true, launch: true },
  TTF: { build: true, cache: true, launch: false },
  TFT: { build: true, cache: false, launch: true },
  TFF: { build: true, cache: false, launch: false },
  FTT: { build: false, cache: true, launch: true },
  FTF: { build: false, cache: true, launch: false },
  FFT: { build: false, cache: false, launch: true },
  FFF: { build: false, cache: false, launch: false },
} as const;
type Row = keyof typeof ROWS;

/** What §7.3 says is restored for each row (metadata + SBOM, contents). */
const WANT: Record<Row, { toml: 'image' | 'cache' | false; contents: boolean }> = {
  TTT: { toml: 'image', contents: true },
  TTF: { toml: 'cache', contents: true },
  TFT: { toml: false, contents: false },
  TFF: { toml: false, contents: false },
  FTT: { toml: 'image', contents: true },
  FTF: { toml: 'cache', contents: true },
  FFT: { toml: 'image', contents: false },
  FFF: { toml: false, contents: false },
};

/**
 * The previous build: every row's layer exists; `launch` layers are in the image label, `cache` layers in the
 * cache (same diffID, so cached and image copies match). The exporter never caches or exports all-false layers,
 * and a non-cache layer has no cached contents.
 */
async function previousBuild(): Promise<void> {
  await writeGroupToml(ws, [{ id: BP }]);
  const cacheLayers = Object.fromEntries(
    Object.entries(ROWS)
      .filter(([, f]) => f.cache)
      .map(([n, f]) => [n, { ...f, files: { [`${n}.txt`]: `contents of ${n}\n`, 'sub/dir/f': n }, data: { source: 'cache', row: n } }]),
  );
  const ids = await fillVolumeCache(ws, { [BP]: cacheLayers });
  const imageLayers = Object.fromEntries(
    Object.entries(ROWS)
      .filter(([, f]) => f.launch)
      .map(([n, f]) => [n, { ...f, sha: ids[`${BP}:${n}`] ?? `sha256:${'1'.repeat(64)}`, data: { source: 'image', row: n } }]),
  );
  await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: imageLayers } }));
}

describe('restorer: the §7.3 restore truth table, row by row', () => {
  for (const api of ['0.7', '0.8', '0.12', '0.14', '0.15']) {
    it(`RS-04 RS-05 RS-06 RS-07 RS-08 LY-06 LY-11 §7.3 all rows (Platform ${api})`, async () => {
      await previousBuild();
      const r = await runRestorer(ws, { platformApi: api });
      expect(r.code, r.stderr).toBe(0);
      for (const [row, want] of Object.entries(WANT) as [Row, (typeof WANT)[Row]][]) {
        const toml = await tomlAt(join(bpDir(), `${row}.toml`));
        if (want.toml === false) expect(toml, `${row}.toml`).toBeUndefined();
        else {
          // RS-05: only [metadata], never [types] nor top-level flags
          expect(Object.keys(toml ?? {}), row).toEqual(['metadata']);
          expect(toml?.['metadata']).toEqual({ source: want.toml, row });
        }
        const dir = join(bpDir(), row);
        expect(await exists(dir), `${row}/ restored`).toBe(want.contents);
        if (want.contents) {
          expect(await readFile(join(dir, `${row}.txt`), 'utf8')).toBe(`contents of ${row}\n`);
          expect(await readFile(join(dir, 'sub/dir/f'), 'utf8')).toBe(row);
          if (isRoot) expect((await stat(join(dir, 'sub/dir/f'))).uid).toBe(IDS.uid); // LY-28
        }
      }
    });
  }

  it('RS-06 a launch+cache layer whose cached diffID differs from the image gets neither metadata nor contents ("wrong sha")', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    const ids = await fillVolumeCache(ws, { [BP]: { l: { cache: true, launch: true, files: { f: 'new' } } } });
    await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { l: { cache: true, launch: true, sha: `sha256:${'2'.repeat(64)}` } } } }));
    expect(ids[`${BP}:l`]).toBeDefined();
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('wrong sha');
    expect(await exists(join(bpDir(), 'l.toml'))).toBe(false);
    expect(await exists(join(bpDir(), 'l'))).toBe(false);
  });

  for (const api of ['0.13', '0.14']) {
    it(`RS-09 a launch+cache layer the previous image lacks: ${api === '0.13' ? 'not restored below 0.14' : 'metadata and contents from the cache at ≥0.14'}`, async () => {
      await writeGroupToml(ws, [{ id: BP }]);
      await fillVolumeCache(ws, { [BP]: { l: { cache: true, launch: true, files: { f: 'x' }, data: { v: 1 } } } });
      await writeAnalyzedToml(ws, imageMetadata({}));
      const r = await runRestorer(ws, { platformApi: api });
      expect(r.code, r.stderr).toBe(0);
      const restored = api === '0.14';
      expect(await exists(join(bpDir(), 'l.toml'))).toBe(restored);
      expect(await exists(join(bpDir(), 'l', 'f'))).toBe(restored);
      if (restored) expect(await tomlAt(join(bpDir(), 'l.toml'))).toEqual({ metadata: { v: 1 } });
    });
  }

  it('RS-09 a launch+cache layer whose cache record is cache=false is not restored, even at ≥0.14', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    const ids = await fillVolumeCache(ws, { [BP]: { l: { cache: false, launch: true, files: { f: 'x' } } } });
    await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { l: { cache: true, launch: true, sha: ids[`${BP}:l`]! } } } }));
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await exists(join(bpDir(), 'l.toml'))).toBe(false);
    expect(await exists(join(bpDir(), 'l'))).toBe(false);
  });

  it('RS-04 LY-13 layers of buildpacks not in <group> are ignored (image and cache)', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    const ids = await fillVolumeCache(ws, { 'other/bp': { c: { cache: true, files: { f: 'x' } } } });
    await writeAnalyzedToml(ws, imageMetadata({ 'other/bp': { layers: { l: { launch: true, sha: ids['other/bp:c']! } }, store: { k: 'v' } } }));
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await exists(join(ws.layers, 'other_bp'))).toBe(false);
  });

  it('LY-07 RS-07 a launch-only layer gets <layer>.toml but no directory, so the buildpack can opt into reuse', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { l: { launch: true, sha: `sha256:${'3'.repeat(64)}`, data: { version: '1.2.3', nested: { a: [1, 2] } } } } } }));
    const r = await runRestorer(ws, { cacheDir: false });
    expect(r.code, r.stderr).toBe(0);
    expect(await tomlAt(join(bpDir(), 'l.toml'))).toEqual({ metadata: { version: '1.2.3', nested: { a: [1, 2] } } });
    expect(await exists(join(bpDir(), 'l'))).toBe(false);
  });

  it('RS-02 RS-05 layer names from the image label that are not plain names (../x, store) are never written', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    const sha = `sha256:${'7'.repeat(64)}`;
    await writeAnalyzedToml(ws, imageMetadata({ [BP]: { store: { real: true }, layers: { '../../escape': { launch: true, sha }, store: { launch: true, sha, data: { fake: true } }, ok: { launch: true, sha } } } }));
    const r = await runRestorer(ws, { cacheDir: false });
    expect(r.code, r.stderr).toBe(0);
    expect(await tomlAt(join(bpDir(), 'store.toml'))).toEqual({ metadata: { real: true } });
    expect(await exists(join(ws.dir, 'escape.toml'))).toBe(false);
    expect(await exists(join(ws.layers, 'escape.toml'))).toBe(false);
    expect(await exists(join(bpDir(), 'ok.toml'))).toBe(true);
  });

  for (const execEnv of ['production', 'test']) {
    it(`RS-16 [MAY, not done: ERRATA-D-RS6] (0.15, CNB_EXEC_ENV=${execEnv}) layer metadata recorded with exec-env ["test"] is restored as for any other environment`, async () => {
      await writeGroupToml(ws, [{ id: BP }]);
      const data = { 'exec-env': ['test'], version: '1' };
      await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { l: { launch: true, sha: `sha256:${'8'.repeat(64)}`, data } } } }));
      const r = await runRestorer(ws, { cacheDir: false, env: { CNB_EXEC_ENV: execEnv } });
      expect(r.code, r.stderr).toBe(0);
      expect(await tomlAt(join(bpDir(), 'l.toml'))).toEqual({ metadata: data });
    });
  }
});
