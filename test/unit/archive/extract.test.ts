import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { extractTar } from '../../../src/archive/index.js';
import { useTmpDirs } from '../../helpers/tmpdir.js';
import { extractSetup as setup, tarOf, type E } from './helpers/hostile-tar.js';

useTmpDirs();


describe('extractTar: a normal layer', () => {
  it('writes dirs, files, symlinks and hard links with their modes under the target (absolute names rooted there)', async () => {
    const { target } = await setup();
    const tar = await tarOf([
      { name: '/layers', type: 'directory', mode: 0o755 },
      { name: '/layers/bp', type: 'directory', mode: 0o555 },
      { name: '/layers/bp/bin', type: 'directory', mode: 0o750 },
      { name: '/layers/bp/bin/run', body: '#!/bin/sh', mode: 0o4755 },
      { name: '/layers/bp/bin/alias', type: 'symlink', linkname: 'run' },
      { name: '/layers/bp/bin/hard', type: 'link', linkname: '/layers/bp/bin/run' },
      { name: 'layers/bp/implicit/parent/file', body: 'deep' },
    ]);
    const r = await extractTar(tar, target, { owner: 'never' });
    expect(r.written).toBe(7);
    expect(readFileSync(join(target, 'layers/bp/bin/run'), 'utf8')).toBe('#!/bin/sh');
    expect(statSync(join(target, 'layers/bp/bin/run')).mode & 0o7777).toBe(0o4755);
    expect(statSync(join(target, 'layers/bp')).mode & 0o777).toBe(0o555);
    expect(statSync(join(target, 'layers/bp/bin')).mode & 0o777).toBe(0o750);
    expect(readlinkSync(join(target, 'layers/bp/bin/alias'))).toBe('run');
    expect(statSync(join(target, 'layers/bp/bin/hard')).ino).toBe(statSync(join(target, 'layers/bp/bin/run')).ino);
    expect(readFileSync(join(target, 'layers/bp/implicit/parent/file'), 'utf8')).toBe('deep');
  });

  it('applies header ownership when running as root, through the uid/gid maps', async () => {
    if (process.getuid?.() !== 0) return;
    const { target } = await setup();
    const tar = await tarOf([{ name: 'f', body: 'x', uid: 1000, gid: 1000 }, { name: 'l', type: 'symlink', linkname: 'f', uid: 1000, gid: 1000 }]);
    await extractTar(tar, target, { mapUid: (u) => u + 1, mapGid: (g) => g + 2 });
    expect([statSync(join(target, 'f')).uid, statSync(join(target, 'f')).gid]).toEqual([1001, 1002]);
    expect(lstatSync(join(target, 'l')).uid).toBe(1001);
  });

  it('rename maps and skips entries', async () => {
    const { target } = await setup();
    const tar = await tarOf([{ name: '/cache/keep/a', body: '1' }, { name: '/other/b', body: '2' }]);
    await extractTar(tar, target, { rename: (n) => (n.startsWith('/cache/') ? n.slice('/cache/'.length) : undefined) });
    expect(readdirSync(target)).toEqual(['keep']);
  });

  it('applies whiteouts (.wh.<name> and opaque .wh..wh..opq) to what was there before', async () => {
    const { target } = await setup();
    mkdirSync(join(target, 'd/sub'), { recursive: true });
    writeFileSync(join(target, 'd/gone'), '');
    writeFileSync(join(target, 'd/sub/old'), '');
    writeFileSync(join(target, 'stay'), '');
    const tar = await tarOf([
      { name: 'd/.wh.gone', body: '' },
      { name: 'd/sub/new', body: 'n' },
      { name: 'd/sub/.wh..wh..opq', body: '' },
    ]);
    await extractTar(tar, target);
    expect(existsSync(join(target, 'd/gone'))).toBe(false);
    expect(readdirSync(join(target, 'd/sub'))).toEqual(['new']);
    expect(existsSync(join(target, 'stay'))).toBe(true);
  });

  it("replaces an existing symlink instead of writing through it", async () => {
    const { target, outside } = await setup();
    symlinkSync(join(outside, 'secret'), join(target, 'f'));
    await extractTar(await tarOf([{ name: 'f', body: 'new' }]), target);
    expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('untouched');
    expect(lstatSync(join(target, 'f')).isFile()).toBe(true);
  });

  it('skips fifos and devices with a notice', async () => {
    const { target } = await setup();
    const skipped: string[] = [];
    await extractTar(await tarOf([{ name: 'p', type: 'fifo' }]), target, { onSkip: (n) => skipped.push(n) });
    expect(skipped).toEqual(['p']);
  });
});

describe('extractTar: malicious archives fail with ERR_TAR and write nothing outside', () => {
  const cases: Array<[string, E[]]> = [
    ['relative ..', [{ name: '../evil', body: 'x' }]],
    ['absolute with ..', [{ name: '/../../outside/evil', body: 'x' }]],
    ['.. in the middle', [{ name: 'a/../../outside/evil', body: 'x' }]],
    ['write through an absolute symlink', [{ name: 'link', type: 'symlink', linkname: '/' }, { name: 'link/tmp/evil', body: 'x' }]],
    ['write through a relative symlink', [{ name: 'link', type: 'symlink', linkname: '../outside' }, { name: 'link/evil', body: 'x' }]],
    ['directory replaced by a symlink, then written into', [{ name: 'd', type: 'directory' }, { name: 'd', type: 'symlink', linkname: '../outside' }, { name: 'd/evil', body: 'x' }]],
    ['hard link to a path outside (..)', [{ name: 'h', type: 'link', linkname: '../outside/secret' }]],
    ['hard link through a symlink', [{ name: 's', type: 'symlink', linkname: '../outside' }, { name: 'h', type: 'link', linkname: 's/secret' }]],
    ['hard link to a symlink', [{ name: 's', type: 'symlink', linkname: '../outside/secret' }, { name: 'h', type: 'link', linkname: 's' }]],
    ['whiteout through a symlink', [{ name: 's', type: 'symlink', linkname: '../outside' }, { name: 's/.wh.secret', body: '' }]],
    ['whiteout with ..', [{ name: 'a/.wh...', body: '' }]],
  ];
  for (const [title, entries] of cases) {
    it(title, async () => {
      const { target, outside } = await setup();
      await expect(extractTar(await tarOf(entries), target, { what: 'layer sha256:abc' })).rejects.toMatchObject({
        code: 'ERR_TAR',
        message: expect.stringMatching(/^layer sha256:abc: entry '.*': /),
      });
      expect(readdirSync(outside)).toEqual(['secret']);
      expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('untouched');
      expect(existsSync(join(target, '..', 'evil'))).toBe(false);
    });
  }

  it('refuses a pre-existing symlink parent in the target', async () => {
    const { target, outside } = await setup();
    symlinkSync(outside, join(target, 'pre'));
    await expect(extractTar(await tarOf([{ name: 'pre/evil', body: 'x' }]), target)).rejects.toMatchObject({ code: 'ERR_TAR', message: expect.stringContaining('symlink') });
    expect(readdirSync(outside)).toEqual(['secret']);
  });

  it('reports a corrupt archive as ERR_TAR', async () => {
    const { target } = await setup();
    const junk = Buffer.alloc(1024, 0x41);
    await expect(extractTar(Readable.from([junk]), target)).rejects.toMatchObject({ code: 'ERR_TAR' });
  });
});
