import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, utimesSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTar } from '../../../src/archive/index.js';
import { dirLayer, LayerWriter } from '../../../src/layer/index.js';
import { tmpDir, useTmpDirs } from '../../helpers/tmpdir.js';

useTmpDirs();

function makeTree(root: string, time: Date) {
  const layer = join(root, 'layers', 'bp', 'layer');
  mkdirSync(join(layer, 'bin'), { recursive: true });
  writeFileSync(join(layer, 'bin', 'tool'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  writeFileSync(join(layer, 'data.txt'), 'data'.repeat(5000));
  linkSync(join(layer, 'data.txt'), join(layer, 'data-hardlink.txt'));
  symlinkSync('bin/tool', join(layer, 'tool'));
  for (const p of ['bin/tool', 'data.txt', 'bin', '.']) utimesSync(join(layer, p), time, time);
  return layer;
}

describe('dirLayer', () => {
  it('LY-25/LY-26/EP-21: the same tree with different mtimes/atimes gives byte-identical diffIDs and digests', async () => {
    const a = await tmpDir();
    const b = await tmpDir();
    const la = makeTree(a, new Date('2001-02-03T04:05:06Z'));
    const lb = makeTree(b, new Date('2024-06-07T08:09:10Z'));
    const fa = await dirLayer(la, { writer: new LayerWriter({ artifactsDir: join(a, 'art') }), prefix: '/layers/bp/layer', uid: 1000, gid: 1000, parents: false, keepTar: true });
    const fb = await dirLayer(lb, { writer: new LayerWriter({ artifactsDir: join(b, 'art') }), prefix: '/layers/bp/layer', uid: 1000, gid: 1000, parents: false, keepTar: true });
    expect(fa.file.diffId).toBe(fb.file.diffId);
    expect(fa.file.digest).toBe(fb.file.digest);
    expect(readFileSync(fa.file.gzPath).equals(readFileSync(fb.file.gzPath))).toBe(true);
  });

  it('stores a hard-linked file once and keeps absolute paths with constant mtime (GNU tar view)', async () => {
    const root = await tmpDir();
    const layer = makeTree(root, new Date());
    const l = await dirLayer(layer, { writer: new LayerWriter({ artifactsDir: join(root, 'art') }), prefix: '/layers/bp/layer', uid: 1000, gid: 1001, keepTar: true });
    const names: string[] = [];
    for await (const e of readTar(await l.uncompressed())) names.push(`${e.header.type} ${e.header.name}${e.header.linkname ? ` -> ${e.header.linkname}` : ''}`);
    expect(names).toEqual([
      'directory /layers',
      'directory /layers/bp',
      'directory /layers/bp/layer',
      'directory /layers/bp/layer/bin',
      'file /layers/bp/layer/bin/tool',
      'file /layers/bp/layer/data-hardlink.txt', // '-' sorts before '.', so this name comes first
      'link /layers/bp/layer/data.txt -> /layers/bp/layer/data-hardlink.txt',
      'symlink /layers/bp/layer/tool -> bin/tool',
    ]);
    const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvf', l.file.tarPath as string], { encoding: 'utf8' });
    for (const line of listing.trim().split('\n')) expect(line).toContain('1980-01-01 00:00:01');
    expect(listing).toContain('1000/1001');
    // the content of data.txt appears once in the tar
    const tar = readFileSync(l.file.tarPath as string, 'latin1');
    expect(tar.split('data'.repeat(5000)).length - 1).toBe(1);
  });

  it('compressed() / uncompressed() read back the artifacts', async () => {
    const root = await tmpDir();
    mkdirSync(join(root, 'l'));
    writeFileSync(join(root, 'l', 'x'), 'x');
    const l = await dirLayer(join(root, 'l'), { writer: new LayerWriter({ artifactsDir: join(root, 'art') }), uid: 0, gid: 0, parents: false, prefix: '/l' });
    const names: string[] = [];
    for await (const e of readTar(await l.uncompressed())) names.push(e.header.name);
    expect(names).toEqual(['/l', '/l/x']);
    expect(await l.size()).toBe(readFileSync(l.file.gzPath).length);
    expect(await l.diffId()).toBe(l.file.diffId);
  });
});
