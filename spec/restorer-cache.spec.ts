import { mkdir, readFile, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintDir, selectorCacheIn } from '../src/cache/index.js';
import { bufferLayer, type BufferLayer } from '../src/image/index.js';
import { layerFingerprintSalt } from '../src/phase/index.js';
import {
  cacheTarPath,
  exists,
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

/** One tar entry for tar-stream's independent writer (names verbatim, no normalization). */
type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link'; content?: string; linkname?: string };

async function rawTar(entries: readonly Entry[]): Promise<BufferLayer> {
  const pack = tar.pack();
  for (const e of entries) {
    const type = e.type ?? 'file';
    const header = { name: e.name, type, mode: type === 'directory' ? 0o755 : 0o644, uid: IDS.uid, gid: IDS.gid, mtime: new Date(Date.UTC(1980, 0, 1, 0, 0, 1)), ...(e.linkname ? { linkname: e.linkname } : {}) };
    if (type === 'file') pack.entry(header, e.content ?? '');
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  return bufferLayer(Buffer.concat(chunks));
}

/** A cache with one good layer `good` and one layer `evil` made of `entries` (both cache=true, launch=false). */
async function cacheWithEvil(entries: readonly Entry[]): Promise<void> {
  const evil = await rawTar(entries);
  const sha = await evil.diffId();
  await writeGroupToml(ws, [{ id: BP }]);
  await fillVolumeCache(ws, { [BP]: { good: { cache: true, files: { ok: 'fine' } }, evil: { cache: true, sha } } }, { extra: [evil] });
  await writeAnalyzedToml(ws, imageMetadata({}));
}

describe('restorer: broken cache entries never fail the build (RS-06 [REF] downgrade)', () => {
  it('RS-06 a cached layer whose tar is missing is not restored (no metadata either); others are', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    const ids = await fillVolumeCache(ws, { [BP]: { a: { cache: true, files: { f: 'a' } }, b: { cache: true, files: { f: 'b' } } } });
    await unlink(cacheTarPath(ws, ids[`${BP}:a`]!));
    await writeAnalyzedToml(ws, imageMetadata({}));
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Not restoring "acme\/bp:a" from cache/);
    expect(await exists(join(bpDir(), 'a.toml'))).toBe(false);
    expect(await exists(join(bpDir(), 'a'))).toBe(false);
    expect(await readFile(join(bpDir(), 'b', 'f'), 'utf8')).toBe('b');
    expect(await tomlAt(join(bpDir(), 'b.toml'))).toEqual({ metadata: {} });
  });

  it('RS-06 a cached layer whose bytes do not match its diffID is not restored and leaves nothing behind', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    const ids = await fillVolumeCache(ws, { [BP]: { a: { cache: true, files: { f: 'aaaaaaaa' } } } });
    const p = cacheTarPath(ws, ids[`${BP}:a`]!);
    const bytes = await readFile(p);
    const i = bytes.indexOf('aaaaaaaa');
    bytes[i] = 'b'.charCodeAt(0); // same size, valid tar, wrong digest: only the EOF check sees it
    await writeFile(p, bytes);
    await writeAnalyzedToml(ws, imageMetadata({}));
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await exists(join(bpDir(), 'a.toml'))).toBe(false);
    expect(await listTree(bpDir())).toEqual([]); // no partial extraction, no temp dir
  });

  it('RS-06 a truncated cached tar is not restored', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    const ids = await fillVolumeCache(ws, { [BP]: { a: { cache: true, files: { f: 'x'.repeat(5000) } } } });
    await truncate(cacheTarPath(ws, ids[`${BP}:a`]!), 700);
    await writeAnalyzedToml(ws, imageMetadata({}));
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await listTree(bpDir())).toEqual([]);
  });

  it('LY-14 corrupt cache metadata is an empty cache (warning); launch-only layers still come from the image', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    await fillVolumeCache(ws, { [BP]: { a: { cache: true, files: { f: 'a' } } } });
    await writeFile(join(ws.cache, 'committed', 'io.buildpacks.lifecycle.cache.metadata'), '{"buildpacks": [ {');
    await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { l: { launch: true, sha: `sha256:${'4'.repeat(64)}` } } } }));
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('cache metadata');
    expect(await exists(join(bpDir(), 'a.toml'))).toBe(false);
    expect(await exists(join(bpDir(), 'l.toml'))).toBe(true);
  });
});

describe('restorer: safe extraction of a malicious cache tar (nothing is written outside <layers>)', () => {
  const root = () => `${bpDir()}/evil`;
  const outside = () => join(ws.dir, 'outside');
  const cases: Array<[string, () => Entry[]]> = [
    ['.. traversal', () => [{ name: root(), type: 'directory' }, { name: `${root()}/../../../outside/pwned`, content: 'x' }]],
    ['a file through a symlink', () => [{ name: root(), type: 'directory' }, { name: `${root()}/link`, type: 'symlink', linkname: outside() }, { name: `${root()}/link/pwned`, content: 'x' }]],
    ['an absolute path outside the layer', () => [{ name: root(), type: 'directory' }, { name: `${outside()}/pwned`, content: 'x' }]],
    ['a hard link to a file outside', () => [{ name: root(), type: 'directory' }, { name: `${root()}/hl`, type: 'link', linkname: `${outside()}/victim` }]],
    ['another layer of the same buildpack', () => [{ name: root(), type: 'directory' }, { name: `${bpDir()}/good/ok`, content: 'overwritten' }]],
  ];
  for (const [what, entries] of cases) {
    it(`RS-06 ${what}: the layer is not restored, the rest of the restore goes on`, async () => {
      await mkdir(outside());
      await writeFile(join(outside(), 'victim'), 'victim');
      await cacheWithEvil(entries());
      const r = await runRestorer(ws);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/Not restoring "acme\/bp:evil" from cache \(cache layer sha256:[0-9a-f]{64}: /);
      expect(await listTree(outside())).toEqual(['victim']);
      expect(await readFile(join(outside(), 'victim'), 'utf8')).toBe('victim');
      expect(await exists(join(bpDir(), 'evil.toml'))).toBe(false);
      expect(await exists(root())).toBe(false);
      expect(await readFile(join(bpDir(), 'good', 'ok'), 'utf8')).toBe('fine');
      expect((await listTree(ws.dir)).filter((p) => !p.startsWith('layers') && !p.startsWith('cache') && !p.startsWith('outside'))).toEqual([]);
    });
  }

  it('RS-06 entries before the layer root that are not inside it are skipped; the layer itself is restored', async () => {
    await mkdir(outside());
    await cacheWithEvil([{ name: `${outside()}/early`, content: 'x' }, { name: root(), type: 'directory' }, { name: `${root()}/f`, content: 'ok' }]);
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await listTree(outside())).toEqual([]);
    expect(await readFile(join(root(), 'f'), 'utf8')).toBe('ok');
  });

  it('[REF] a cache tar written under another <layers> path is restored into the current layer directory', async () => {
    await cacheWithEvil([{ name: '/layers', type: 'directory' }, { name: '/layers/acme_bp', type: 'directory' }, { name: '/layers/acme_bp/evil', type: 'directory' }, { name: '/layers/acme_bp/evil/f', content: 'moved' }]);
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(root(), 'f'), 'utf8')).toBe('moved');
  });
});

describe('restorer: layer fingerprints for the exporter (volume cache only)', () => {
  it('a restored cache layer is recorded fingerprint → diffID, so an unchanged layer need not be re-tarred', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    const ids = await fillVolumeCache(ws, { [BP]: { a: { cache: true, files: { f: 'a', 'd/g': 'g' } }, b: { cache: true, launch: true, files: { x: 'y' } } } });
    await writeAnalyzedToml(ws, imageMetadata({ [BP]: { layers: { b: { cache: true, launch: true, sha: ids[`${BP}:b`]! } } } }));
    const r = await runRestorer(ws, { args: ['-log-level', 'debug'] });
    expect(r.code, r.stderr).toBe(0);
    const selectors = selectorCacheIn(ws.cache);
    for (const n of ['a', 'b']) {
      const dir = join(bpDir(), n);
      const fp = await fingerprintDir(dir, { salt: await layerFingerprintSalt(dir, IDS) });
      expect(await selectors.lookup(fp), n).toEqual({ diffId: ids[`${BP}:${n}`] });
    }
    // a changed directory no longer matches
    await writeFile(join(bpDir(), 'a', 'f'), 'changed');
    const dir = join(bpDir(), 'a');
    expect(await selectors.lookup(await fingerprintDir(dir, { salt: await layerFingerprintSalt(dir, IDS) }))).toBeUndefined();
  });

  it('a layer restored from a tar the exporter would not reproduce (another <layers> path) is not recorded', async () => {
    await cacheWithEvil([{ name: '/layers', type: 'directory' }, { name: '/layers/acme_bp', type: 'directory' }, { name: '/layers/acme_bp/evil', type: 'directory' }, { name: '/layers/acme_bp/evil/f', content: 'moved' }]);
    const r = await runRestorer(ws);
    expect(r.code, r.stderr).toBe(0);
    const dir = join(bpDir(), 'evil');
    expect(await selectorCacheIn(ws.cache).lookup(await fingerprintDir(dir, { salt: await layerFingerprintSalt(dir, IDS) }))).toBeUndefined();
    const good = join(bpDir(), 'good');
    expect(await selectorCacheIn(ws.cache).lookup(await fingerprintDir(good, { salt: await layerFingerprintSalt(good, IDS) }))).toBeDefined();
  });
});
