import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTar, tarChunks, TAR_CHUNK_SIZE, type TarEntry } from '../../../src/archive/index.js';
import { collect } from '../../../src/stream/index.js';
import { tmpDir, useTmpDirs } from '../../helpers/tmpdir.js';

useTmpDirs();

const own = { mode: 0o644, uid: 0, gid: 0 };

describe('tarChunks', () => {
  it('encodes data, source (small and >1 MiB) and streamed entries; GNU tar and our reader read them back', async () => {
    const dir = await tmpDir();
    const small = randomBytes(777);
    const big = randomBytes(TAR_CHUNK_SIZE * 2 + 123);
    const bigData = randomBytes(TAR_CHUNK_SIZE + 5);
    writeFileSync(join(dir, 'small'), small);
    writeFileSync(join(dir, 'big'), big);
    const entries: TarEntry[] = [
      { ...own, path: '/d', type: 'directory', mode: 0o755 },
      { ...own, path: '/d/data', type: 'file', data: Buffer.from('in memory') },
      { ...own, path: '/d/small', type: 'file', size: small.length, source: join(dir, 'small') },
      { ...own, path: '/d/big', type: 'file', size: big.length, source: join(dir, 'big') },
      { ...own, path: '/d/bigdata', type: 'file', data: bigData },
      { ...own, path: '/d/streamed', type: 'file', size: 6, open: async () => Readable.from([Buffer.from('abc'), Buffer.from('def')]) },
      { ...own, path: '/d/empty', type: 'file', data: Buffer.alloc(0) },
      { ...own, path: '/d/link', type: 'symlink', linkname: 'data', mode: 0o777 },
      { ...own, path: '/d/hard', type: 'link', linkname: '/d/data' },
      { ...own, path: '/d/fifo', type: 'fifo' },
    ];
    const tar = await collect(Readable.from(tarChunks(entries)));
    expect(tar.length % 512).toBe(0);
    expect(tar.subarray(tar.length - 1024).equals(Buffer.alloc(1024))).toBe(true);
    const got: Array<{ name: string; type: string; body: Buffer; linkname: string }> = [];
    for await (const e of readTar(Readable.from([tar]))) got.push({ name: e.header.name, type: e.header.type, linkname: e.header.linkname, body: await collect(e.body) });
    expect(got.map((g) => g.name)).toEqual(entries.map((e) => e.path));
    expect(got[2]?.body.equals(small)).toBe(true);
    expect(got[3]?.body.equals(big)).toBe(true);
    expect(got[4]?.body.equals(bigData)).toBe(true);
    expect(got[5]?.body.toString()).toBe('abcdef');
    expect(got[8]).toMatchObject({ type: 'link', linkname: '/d/data' });

    writeFileSync(join(dir, 'x.tar'), tar);
    const out = join(dir, 'out');
    execFileSync('mkdir', [out]);
    execFileSync('tar', ['-xf', join(dir, 'x.tar'), '-C', out]);
    expect(readFileSync(join(out, 'd/big')).equals(big)).toBe(true);
    expect(readFileSync(join(out, 'd/hard'), 'utf8')).toBe('in memory');
  });

  it('is deterministic: the same entries give the same bytes', async () => {
    const entries = (): TarEntry[] => [{ ...own, path: '/a', type: 'file', data: Buffer.from('same') }];
    const a = await collect(Readable.from(tarChunks(entries())));
    const b = await collect(Readable.from(tarChunks(entries())));
    expect(a.equals(b)).toBe(true);
  });

  it('fails with ERR_TAR when a file shrank after it was stat-ed, or a stream has the wrong size', async () => {
    const dir = await tmpDir();
    writeFileSync(join(dir, 'f'), 'abc');
    await expect(collect(Readable.from(tarChunks([{ ...own, path: '/f', type: 'file', size: 10, source: join(dir, 'f') }])))).rejects.toMatchObject({
      code: 'ERR_TAR',
      message: expect.stringContaining('changed while archiving'),
    });
    await expect(
      collect(Readable.from(tarChunks([{ ...own, path: '/s', type: 'file', size: 2, open: async () => Readable.from([Buffer.from('abc')]) }]))),
    ).rejects.toMatchObject({ code: 'ERR_TAR' });
  });
});
