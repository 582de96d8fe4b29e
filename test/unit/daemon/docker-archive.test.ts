import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { archiveManifest, spoolDockerArchive, writeDockerArchive, type ArchiveLayer } from '../../../src/daemon/index.js';
import { digestHex, encodeJson, sha256Digest } from '../../../src/oci/index.js';
import { collect, tarOf } from './memory-image.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'daemon-archive-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fileLayer(bytes: Buffer): ArchiveLayer {
  return { diffId: sha256Digest(bytes), size: bytes.length, open: async () => Readable.from([bytes]) };
}

async function entriesOf(archive: Buffer): Promise<Array<{ name: string; size: number; mode: number; uid: number; mtime: number }>> {
  const out: Array<{ name: string; size: number; mode: number; uid: number; mtime: number }> = [];
  const ex = tar.extract();
  Readable.from([archive]).pipe(ex);
  for await (const e of ex) {
    out.push({ name: e.header.name, size: e.header.size, mode: e.header.mode, uid: e.header.uid, mtime: e.header.mtime.getTime() });
    e.resume();
  }
  return out;
}

describe('docker-archive writer', () => {
  it('writes manifest.json first, the config as <sha256>.json, layers as <diffID hex>.tar, normalized headers', async () => {
    const l1 = await tarOf({ 'a.txt': 'one' });
    const l2 = await tarOf({ 'b.txt': 'two' });
    const config = encodeJson({ rootfs: { type: 'layers', diff_ids: [sha256Digest(l1), sha256Digest(l2)] } });
    const archive = await collect(writeDockerArchive({ config, repoTags: ['docker.io/library/app:latest'], layers: [fileLayer(l1), fileLayer(l2)] }));
    const entries = await entriesOf(archive);
    expect(entries.map((e) => e.name)).toEqual([
      'manifest.json',
      `${digestHex(sha256Digest(config))}.json`,
      `${digestHex(sha256Digest(l1))}.tar`,
      `${digestHex(sha256Digest(l2))}.tar`,
    ]);
    expect(entries.every((e) => e.mode === 0o644 && e.uid === 0 && e.mtime === 0)).toBe(true);
    expect(entries[2]!.size).toBe(l1.length);
  });

  it('is reproducible: the same spec gives the same bytes', async () => {
    const l1 = await tarOf({ 'a.txt': 'one' });
    const spec = () => ({ config: encodeJson({ x: 1 }), repoTags: [], layers: [fileLayer(l1)] });
    expect((await collect(writeDockerArchive(spec()))).equals(await collect(writeDockerArchive(spec())))).toBe(true);
  });

  it('writes a blank placeholder for omitted layers and a repeated layer once', async () => {
    const l1 = await tarOf({ 'a.txt': 'one' });
    const l2 = await tarOf({ 'b.txt': 'two' });
    const spec = { config: encodeJson({}), repoTags: [], layers: [{ diffId: sha256Digest(l1), blank: true as const }, fileLayer(l2), fileLayer(l2)] };
    const m = archiveManifest(spec);
    expect(m.Layers).toEqual(['blank_0', `${digestHex(sha256Digest(l2))}.tar`, `${digestHex(sha256Digest(l2))}.tar`]);
    const entries = await entriesOf(await collect(writeDockerArchive(spec)));
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['manifest.json', expect.any(Number)],
      [m.Config, 2],
      ['blank_0', 0],
      [`${digestHex(sha256Digest(l2))}.tar`, l2.length],
    ]);
  });

  it('fails the stream when a layer yields fewer bytes than its declared size', async () => {
    const l1 = await tarOf({ 'a.txt': 'one' });
    const bad: ArchiveLayer = { diffId: sha256Digest(l1), size: l1.length + 512, open: async () => Readable.from([l1]) };
    await expect(collect(writeDockerArchive({ config: encodeJson({}), repoTags: [], layers: [bad] }))).rejects.toThrow(/size mismatch/i);
  });
});

describe('docker-archive reader', () => {
  it('round-trips what the writer wrote: manifest, config and layers by content hash', async () => {
    const l1 = await tarOf({ 'a.txt': 'one' });
    const l2 = await tarOf({ 'b.txt': 'two' });
    const config = encodeJson({ rootfs: { type: 'layers', diff_ids: [sha256Digest(l1), sha256Digest(l2)] } });
    const archive = writeDockerArchive({ config, repoTags: ['docker.io/library/app:1'], layers: [fileLayer(l1), fileLayer(l2)] });
    const spooled = await spoolDockerArchive(archive, dir, 'test');
    const [entry] = spooled.manifest;
    expect(entry!.RepoTags).toEqual(['docker.io/library/app:1']);
    expect(spooled.file(entry!.Config)!.digest).toBe(sha256Digest(config));
    expect(entry!.Layers.map((n) => spooled.file(n)!.digest)).toEqual([sha256Digest(l1), sha256Digest(l2)]);
    expect((await readFile(spooled.file(entry!.Layers[1]!)!.path)).equals(l2)).toBe(true);
  });

  it('reads the podman/Docker legacy layout: manifest.json last, <id>/layer.tar symlinks to <diffID>.tar', async () => {
    const l1 = await tarOf({ 'a.txt': 'one' });
    const hex = digestHex(sha256Digest(l1));
    const pack = tar.pack();
    pack.entry({ name: `${hex}.tar` }, l1);
    pack.entry({ name: 'abc123/layer.tar', type: 'symlink', linkname: `../${hex}.tar` });
    pack.entry({ name: 'abc123/VERSION' }, '1.0');
    pack.entry({ name: 'cfg.json' }, '{}');
    pack.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'cfg.json', RepoTags: null, Layers: ['abc123/layer.tar'] }]));
    pack.finalize();
    const spooled = await spoolDockerArchive(Readable.from(pack), dir, 'test');
    expect(spooled.file('abc123/layer.tar')!.digest).toBe(sha256Digest(l1));
    expect(spooled.manifest[0]!.RepoTags).toBeNull();
  });

  it('fails with ERR_DAEMON on a truncated stream', async () => {
    const l1 = await tarOf({ 'a.txt': 'x'.repeat(5000) });
    const archive = await collect(writeDockerArchive({ config: encodeJson({}), repoTags: [], layers: [fileLayer(l1)] }));
    const cut = Readable.from([archive.subarray(0, 3000)]);
    await expect(spoolDockerArchive(cut, dir, 'daemon X: save image y')).rejects.toMatchObject({
      code: 'ERR_DAEMON',
      message: expect.stringMatching(/^daemon X: save image y: .*truncated/),
    });
  });

  it('fails with ERR_DAEMON when manifest.json is missing', async () => {
    const pack = tar.pack();
    pack.entry({ name: 'x.json' }, '{}');
    pack.finalize();
    await expect(spoolDockerArchive(Readable.from(pack), dir, 'w')).rejects.toMatchObject({ code: 'ERR_DAEMON', message: expect.stringContaining('no manifest.json') });
  });
});
