import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { encodeHeader, readTar, tarChunks, type TarEntry } from '../../../src/archive/index.js';
import { collect } from '../../../src/stream/index.js';
import { tmpDir, useTmpDirs } from '../../helpers/tmpdir.js';

useTmpDirs();

const base: TarEntry = { path: '/layers/bp/layer/file.txt', type: 'file', mode: 0o644, uid: 1000, gid: 1001 };
const field = (b: Buffer, off: number, len: number) => b.subarray(off, off + len).toString('latin1');

async function roundTrip(entries: TarEntry[]) {
  const tar = await collect(Readable.from(tarChunks(entries)));
  const out = [];
  for await (const e of readTar(Readable.from([tar]))) out.push({ ...e.header, body: await collect(e.body) });
  return { tar, out };
}

describe('encodeHeader (Go archive/tar format, EP-21 / LY-26)', () => {
  it('writes USTAR with zero-padded NUL-terminated octal fields, empty uname/gname and the constant mtime', () => {
    const h = encodeHeader(base, 5);
    expect(h.length).toBe(512);
    expect(field(h, 0, 26)).toBe('/layers/bp/layer/file.txt\0');
    expect(field(h, 100, 8)).toBe('0000644\0');
    expect(field(h, 108, 8)).toBe('0001750\0');
    expect(field(h, 116, 8)).toBe('0001751\0');
    expect(field(h, 124, 12)).toBe('00000000005\0');
    expect(field(h, 136, 12)).toBe(`${(315532801).toString(8).padStart(11, '0')}\0`);
    expect(field(h, 156, 1)).toBe('0');
    expect(field(h, 257, 8)).toBe('ustar\u000000');
    expect(field(h, 265, 64)).toBe('\0'.repeat(64));
    expect(field(h, 329, 16)).toBe('0000000\u00000000000\0');
    // checksum: 6 octal digits, NUL, space; computed with the field as spaces
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (h[i] as number);
    expect(field(h, 148, 8)).toBe(`${sum.toString(8).padStart(6, '0')}\0 `);
  });

  it('keeps only permission and special bits in mode; directories get no trailing slash', () => {
    const h = encodeHeader({ ...base, path: '/layers', type: 'directory', mode: 0o41777 }, 0);
    expect(field(h, 100, 8)).toBe('0001777\0');
    expect(field(h, 0, 8)).toBe('/layers\0');
    expect(field(h, 156, 1)).toBe('5');
  });

  it('splits a long ASCII name into prefix/name at the last fitting slash', async () => {
    const long = `/layers/${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(40)}`;
    const h = encodeHeader({ ...base, path: long }, 0);
    expect(h.length).toBe(512);
    expect(field(h, 345, 155).replace(/\0+$/, '')).toBe(long.slice(0, long.lastIndexOf('/')));
    const { out } = await roundTrip([{ ...base, path: long, data: Buffer.from('x') }]);
    expect(out[0]?.name).toBe(long);
  });

  it('uses PAX records for names that cannot be USTAR, non-ASCII names, long link names and big ids', async () => {
    const veryLong = `/layers/${'x'.repeat(300)}`;
    const entries: TarEntry[] = [
      { ...base, path: veryLong, data: Buffer.from('long') },
      { ...base, path: '/layers/naïve-ünïcødé.txt', data: Buffer.from('u') },
      { ...base, path: '/layers/sym', type: 'symlink', linkname: `/target/${'y'.repeat(120)}` },
      { ...base, path: '/layers/bigid', uid: 3_000_000, gid: 4_000_000, data: Buffer.from('b') },
    ];
    const h = encodeHeader(entries[0] as TarEntry, 4);
    expect(field(h, 156, 1)).toBe('x');
    expect(field(h, 0, 30)).toMatch(/^\/layers\/PaxHeaders\.0\/x+$/);
    const { out } = await roundTrip(entries);
    expect(out.map((e) => e.name)).toEqual([veryLong, '/layers/naïve-ünïcødé.txt', '/layers/sym', '/layers/bigid']);
    expect(out[0]?.body.toString()).toBe('long');
    expect(out[2]?.linkname).toBe(`/target/${'y'.repeat(120)}`);
    expect([out[3]?.uid, out[3]?.gid]).toEqual([3_000_000, 4_000_000]);
  });

  it('GNU tar reads every form back', async () => {
    const dir = await tmpDir();
    const { tar } = await roundTrip([
      { ...base, path: '/a', type: 'directory', mode: 0o755 },
      { ...base, path: `/a/${'n'.repeat(200)}`, data: Buffer.from('1') },
      { ...base, path: '/a/ü', data: Buffer.from('2') },
    ]);
    writeFileSync(join(dir, 'x.tar'), tar);
    const list = execFileSync('tar', ['--numeric-owner', '-tvf', join(dir, 'x.tar')], { encoding: 'utf8' });
    expect(list).toContain('1000/1001');
    expect(list).toContain('1980-01-01 00:00');
    expect(list).toContain(`/a/${'n'.repeat(200)}`);
  });

  it('rejects NUL in names', () => {
    expect(() => encodeHeader({ ...base, path: '/a\0b' }, 0)).toThrow(/NUL/);
  });
});
