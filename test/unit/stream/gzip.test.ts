import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collect, isGzip, maybeGunzip, sniffGzip } from '../../../src/stream/index.js';

describe('gzip sniffing', () => {
  const plain = Buffer.from('plain tar bytes '.repeat(100));
  const gz = gzipSync(plain);

  it('isGzip checks the magic bytes', () => {
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(plain)).toBe(false);
    expect(isGzip(Buffer.from([0x1f]))).toBe(false);
  });

  it('sniffGzip keeps every byte, including the peeked ones (1-byte chunks too)', async () => {
    const r = await sniffGzip(Readable.from([...gz].map((b) => Buffer.from([b]))));
    expect(r.gzip).toBe(true);
    expect((await collect(r.stream)).equals(gz)).toBe(true);
    const p = await sniffGzip(Readable.from([plain]));
    expect(p.gzip).toBe(false);
    expect((await collect(p.stream)).equals(plain)).toBe(true);
  });

  it('maybeGunzip decompresses gzip and passes plain bytes through', async () => {
    expect((await collect(await maybeGunzip(Readable.from([gz])))).equals(plain)).toBe(true);
    expect((await collect(await maybeGunzip(Readable.from([plain])))).equals(plain)).toBe(true);
    expect((await collect(await maybeGunzip(Readable.from([])))).length).toBe(0);
  });
});
