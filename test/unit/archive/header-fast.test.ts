/**
 * The header fast path (no intermediate objects, digits written byte by byte, checksum summed on the way)
 * must give exactly the bytes of the general path (prepare + block), which follows Go's archive/tar layout:
 * LY-26 diffIDs depend on every header byte.
 */
import { describe, expect, it } from 'vitest';
import type { TarEntry, TarEntryType } from '../../../src/archive/entry.js';
import { writeUstarGeneral, writeUstarInto } from '../../../src/archive/header.js';

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const TYPES: TarEntryType[] = ['file', 'directory', 'symlink', 'link', 'fifo', 'char-device', 'block-device'];

function randomEntry(r: () => number): { entry: TarEntry; size: number } {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const segs = Array.from({ length: 1 + Math.floor(r() * 12) }, () => 'abcdefghij_.-'.slice(0, 1 + Math.floor(r() * 13)));
  let path = `/${segs.join('/')}`;
  if (r() < 0.1) path += 'é'; // non-ASCII: the general path's PAX case
  const type = pick(TYPES);
  const big = [0, 1, 7, 8, 511, 512, 8 ** 7 - 1, 8 ** 7, 8 ** 11 - 1, 8 ** 11, 2 ** 40];
  const size = type === 'file' ? pick([...big, Math.floor(r() * 100000)]) : 0;
  const entry: TarEntry = {
    path,
    type,
    mode: Math.floor(r() * 0o10000) | (r() < 0.2 ? 0o100000 : 0),
    uid: pick([0, 1000, 65534, 8 ** 7 - 1, 8 ** 7, 2 ** 31]),
    gid: pick([0, 1000, 8 ** 7 - 1, 8 ** 7]),
    ...(type === 'symlink' || type === 'link' ? { linkname: r() < 0.1 ? 'x'.repeat(101) : segs.reverse().join('/') } : {}),
    ...(type.endsWith('device') ? { devmajor: pick([0, 8, 259, 8 ** 7 - 1, 8 ** 7]), devminor: pick([0, 1, 2 ** 20]) } : {}),
    ...(r() < 0.2 ? { mtime: new Date(pick([0, 1_700_000_000_123, 8 ** 11 * 1000, -5000])) } : {}),
  };
  return { entry, size };
}

describe('tar header fast path', () => {
  it('writes the same 512 bytes as the general path for 20,000 random entries', () => {
    const r = rng(42);
    let fast = 0;
    for (let i = 0; i < 20000; i++) {
      const { entry, size } = randomEntry(r);
      const a = Buffer.alloc(1024, 0xaa);
      const b = Buffer.alloc(1024, 0xaa);
      const okA = writeUstarInto(entry, size, a, 256);
      const okB = writeUstarGeneral(entry, size, b, 256);
      expect(okA).toBe(okB);
      if (okA) {
        expect(a.equals(b), JSON.stringify({ entry, size })).toBe(true);
        fast++;
      }
    }
    expect(fast).toBeGreaterThan(3000);
  });

  it('refuses a NUL in a name like the general path', () => {
    const out = Buffer.alloc(512);
    expect(() => writeUstarInto({ path: '/a\0b', type: 'file', mode: 0o644, uid: 0, gid: 0 }, 0, out, 0)).toThrow(/NUL/);
  });
});
