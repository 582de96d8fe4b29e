import { execFileSync } from 'node:child_process';
import { chownSync, linkSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWalkState, dirEntries, type TarEntry } from '../../../src/archive/index.js';
import { tmpDir, useTmpDirs } from '../../helpers/tmpdir.js';

useTmpDirs();

async function all(it: AsyncIterable<TarEntry>): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('dirEntries', () => {
  it('walks depth-first with sorted names, parents first, uid/gid on the tree (EP-21, LY-26, LY-29)', async () => {
    const root = await tmpDir();
    const layer = join(root, 'layers', 'bp', 'layer');
    mkdirSync(join(layer, 'a', 'sub'), { recursive: true });
    mkdirSync(join(layer, 'B'));
    writeFileSync(join(layer, 'a.txt'), 'x');
    writeFileSync(join(layer, 'a', 'sub', 'f'), 'yy');
    writeFileSync(join(layer, 'b'), '');
    chownSync(join(root, 'layers'), 1234, 5678);
    const entries = await all(dirEntries(layer, { prefix: '/layers/bp/layer', uid: 1000, gid: 1001 }));
    expect(entries.map((e) => e.path)).toEqual([
      '/layers',
      '/layers/bp',
      '/layers/bp/layer',
      '/layers/bp/layer/B',
      '/layers/bp/layer/a',
      '/layers/bp/layer/a/sub',
      '/layers/bp/layer/a/sub/f',
      '/layers/bp/layer/a.txt',
      '/layers/bp/layer/b',
    ]);
    // parents keep their on-disk owner and mode; the tree gets uid/gid
    expect(entries[0]).toMatchObject({ type: 'directory', uid: 1234, gid: 5678, mode: statSync(join(root, 'layers')).mode & 0o7777 });
    expect(entries.slice(2).every((e) => e.uid === 1000 && e.gid === 1001)).toBe(true);
    expect(entries[6]).toMatchObject({ type: 'file', size: 2, source: join(layer, 'a', 'sub', 'f') });
  });

  it('defaults the prefix to the absolute path and can skip parents', async () => {
    const root = await tmpDir();
    writeFileSync(join(root, 'f'), '');
    const withParents = await all(dirEntries(root, { uid: 0, gid: 0 }));
    expect(withParents.at(-1)?.path).toBe(`${root}/f`);
    expect(withParents[0]?.path).toBe(`/${root.split('/')[1]}`);
    const noParents = await all(dirEntries(root, { uid: 0, gid: 0, parents: false, prefix: '/x' }));
    expect(noParents.map((e) => e.path)).toEqual(['/x', '/x/f']);
  });

  it('stores a hard-linked file once; later names become link entries', async () => {
    const root = await tmpDir();
    writeFileSync(join(root, 'one'), 'shared');
    linkSync(join(root, 'one'), join(root, 'two'));
    mkdirSync(join(root, 'z'));
    linkSync(join(root, 'one'), join(root, 'z', 'three'));
    const entries = await all(dirEntries(root, { uid: 0, gid: 0, parents: false, prefix: '/app' }));
    const byPath = Object.fromEntries(entries.map((e) => [e.path, e]));
    expect(byPath['/app/one']).toMatchObject({ type: 'file', size: 6 });
    expect(byPath['/app/two']).toMatchObject({ type: 'link', linkname: '/app/one' });
    expect(byPath['/app/z/three']).toMatchObject({ type: 'link', linkname: '/app/one' });
  });

  it('keeps symlinks as symlinks, records fifos, skips sockets', async () => {
    const root = await tmpDir();
    symlinkSync('/etc/passwd', join(root, 'abs'));
    symlinkSync('../rel', join(root, 'rel'));
    execFileSync('mkfifo', [join(root, 'fifo')]);
    const server = createServer();
    await new Promise<void>((r) => server.listen(join(root, 'sock'), r));
    try {
      const entries = await all(dirEntries(root, { uid: 0, gid: 0, parents: false, prefix: '/r' }));
      expect(entries.map((e) => [e.path, e.type, e.linkname])).toEqual([
        ['/r', 'directory', undefined],
        ['/r/abs', 'symlink', '/etc/passwd'],
        ['/r/fifo', 'fifo', undefined],
        ['/r/rel', 'symlink', '../rel'],
      ]);
    } finally {
      server.close();
    }
  });

  it('a shared WalkState emits each parent once across roots', async () => {
    const root = await tmpDir();
    mkdirSync(join(root, 'app', 'x'), { recursive: true });
    mkdirSync(join(root, 'app', 'y'), { recursive: true });
    const state = createWalkState();
    const a = await all(dirEntries(join(root, 'app', 'x'), { uid: 1, gid: 1, prefix: '/workspace/x', state }));
    const b = await all(dirEntries(join(root, 'app', 'y'), { uid: 1, gid: 1, prefix: '/workspace/y', state }));
    expect([...a, ...b].map((e) => e.path)).toEqual(['/workspace', '/workspace/x', '/workspace/y']);
  });

  it('fails with ERR_IO naming a missing directory', async () => {
    const root = await tmpDir();
    await expect(all(dirEntries(join(root, 'missing'), { uid: 0, gid: 0 }))).rejects.toMatchObject({ code: 'ERR_IO', message: expect.stringContaining('missing') });
  });
});
