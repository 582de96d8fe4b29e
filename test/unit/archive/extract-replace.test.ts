import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extractTar, type TarHeader } from '../../../src/archive/index.js';
import { useTmpDirs } from '../../helpers/tmpdir.js';
import { extractSetup as setup, tarOf } from './helpers/hostile-tar.js';

// The extractor creates every entry with a call that fails on an existing path and only then replaces what
// was there; these cases pin that behaviour, the modes it sets without a chmod per file, and `onHeader`.
useTmpDirs();


const savedUmask = process.umask();
afterEach(() => {
  process.umask(savedUmask);
});

describe('extractTar: existing entries are replaced, never followed', () => {
  it('replaces a file by a directory, a directory by a file, a file by a symlink and by a hard link', async () => {
    const { target } = await setup();
    writeFileSync(join(target, 'was-file'), 'old');
    mkdirSync(join(target, 'was-dir/deep'), { recursive: true });
    writeFileSync(join(target, 'was-dir/deep/x'), 'old');
    writeFileSync(join(target, 'link-me'), 'old');
    writeFileSync(join(target, 'hard-me'), 'old');
    const tar = await tarOf([
      { name: 'was-file', type: 'directory', mode: 0o750 },
      { name: 'was-file/inner', body: 'in' },
      { name: 'was-dir', body: 'now a file' },
      { name: 'link-me', type: 'symlink', linkname: 'was-dir' },
      { name: 'hard-me', type: 'link', linkname: 'was-dir' },
    ]);
    await extractTar(tar, target, { owner: 'never' });
    expect(statSync(join(target, 'was-file')).isDirectory()).toBe(true);
    expect(statSync(join(target, 'was-file')).mode & 0o777).toBe(0o750);
    expect(readFileSync(join(target, 'was-file/inner'), 'utf8')).toBe('in');
    expect(readFileSync(join(target, 'was-dir'), 'utf8')).toBe('now a file');
    expect(readlinkSync(join(target, 'link-me'))).toBe('was-dir');
    expect(statSync(join(target, 'hard-me')).ino).toBe(statSync(join(target, 'was-dir')).ino);
  });

  it('keeps an existing directory (its mode too) and writes into it', async () => {
    const { target } = await setup();
    mkdirSync(join(target, 'd'), { mode: 0o755 });
    writeFileSync(join(target, 'd/old'), 'old');
    await extractTar(await tarOf([{ name: 'd', type: 'directory', mode: 0o700 }, { name: 'd/new', body: 'n' }]), target, { owner: 'never' });
    expect(readdirSync(join(target, 'd')).sort()).toEqual(['new', 'old']);
    expect(statSync(join(target, 'd')).mode & 0o777).toBe(0o755);
  });

  it('a duplicate entry replaces the first one (last wins)', async () => {
    const { target } = await setup();
    await extractTar(await tarOf([{ name: 'f', body: 'first' }, { name: 'f', body: 'second', mode: 0o600 }]), target, { owner: 'never' });
    expect(readFileSync(join(target, 'f'), 'utf8')).toBe('second');
    expect(statSync(join(target, 'f')).mode & 0o777).toBe(0o600);
  });

  it('replaces an existing symlink to a directory outside by a directory, without touching the outside', async () => {
    const { target, outside } = await setup();
    symlinkSync(outside, join(target, 'd'));
    await extractTar(await tarOf([{ name: 'd', type: 'directory' }, { name: 'd/secret', body: 'evil' }]), target, { owner: 'never' });
    expect(lstatSync(join(target, 'd')).isDirectory()).toBe(true);
    expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('untouched');
    expect(readFileSync(join(target, 'd/secret'), 'utf8')).toBe('evil');
  });

  it('replaces a large file (streamed path) that already exists as a symlink to the outside', async () => {
    const { target, outside } = await setup();
    symlinkSync(join(outside, 'secret'), join(target, 'big'));
    const body = 'x'.repeat((1 << 20) + 7);
    await extractTar(await tarOf([{ name: 'big', body, mode: 0o640 }]), target, { owner: 'never' });
    expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('untouched');
    expect(lstatSync(join(target, 'big')).isFile()).toBe(true);
    expect(statSync(join(target, 'big')).size).toBe(body.length);
    expect(statSync(join(target, 'big')).mode & 0o777).toBe(0o640);
  });
});

describe('extractTar: modes are the header modes whatever the umask', () => {
  it('sets bits the umask clears, and setuid/setgid/sticky, on small and large files and directories', async () => {
    const { target } = await setup();
    process.umask(0o077);
    const tar = await tarOf([
      { name: 'open', body: 'x', mode: 0o666 },
      { name: 'plain', body: 'x', mode: 0o600 },
      { name: 'suid', body: 'x', mode: 0o4755 },
      { name: 'big', body: 'y'.repeat((1 << 20) + 1), mode: 0o2775 },
      { name: 'dir', type: 'directory', mode: 0o1777 },
    ]);
    await extractTar(tar, target, { owner: 'never' });
    const mode = (n: string) => statSync(join(target, n)).mode & 0o7777;
    expect([mode('open'), mode('plain'), mode('suid'), mode('big'), mode('dir')]).toEqual([0o666, 0o600, 0o4755, 0o2775, 0o1777]);
  });

  it('keeps setuid when ownership is applied (chown before chmod; root only)', async () => {
    if (process.getuid?.() !== 0) return;
    const { target } = await setup();
    await extractTar(await tarOf([{ name: 'suid', body: 'x', mode: 0o4755, uid: 1000, gid: 1000 }]), target, { owner: 'always' });
    const st = statSync(join(target, 'suid'));
    expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([1000, 1000, 0o4755]);
  });
});

describe('extractTar: onHeader', () => {
  it('sees every header in archive order, including entries that rename skips', async () => {
    const { target } = await setup();
    const seen: TarHeader[] = [];
    const tar = await tarOf([
      { name: '/layers', type: 'directory', mode: 0o755 },
      { name: '/layers/bp/l/f', body: 'abc', mode: 0o640, uid: 7, gid: 8 },
      { name: '/layers/bp/l/s', type: 'symlink', linkname: 'f' },
    ]);
    await extractTar(tar, target, { owner: 'never', onHeader: (h) => seen.push(h), rename: (n) => (n.startsWith('/layers/bp/l/') ? n.slice('/layers/bp/l/'.length) : undefined) });
    expect(seen.map((h) => [h.name, h.type])).toEqual([
      ['/layers', 'directory'],
      ['/layers/bp/l/f', 'file'],
      ['/layers/bp/l/s', 'symlink'],
    ]);
    expect(seen[1]).toMatchObject({ size: 3, mode: 0o640, uid: 7, gid: 8 });
    expect(readdirSync(target).sort()).toEqual(['f', 's']);
  });
});
