/**
 * Block gzip (src/stream/block-gzip.ts): one gzip member with one deflate stream made of independently
 * compressed 1 MiB blocks. Checked against real readers (Node's gunzip and GNU gzip), for determinism
 * whatever the input chunking, and for a compression ratio close to a single zlib stream.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { blockGzip, blockGzipSync, GZIP_BLOCK_SIZE, GZIP_HEADER } from '../../../src/stream/index.js';

async function streamed(pieces: Uint8Array[], level = 1): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of blockGzip(Readable.from(pieces), { level })) out.push(b);
  return Buffer.concat(out);
}

/** Text-like data with repeats across block boundaries, plus some noise. */
function sample(size: number): Buffer {
  const words = ['layer', 'buildpack', 'lifecycle', 'export', 'digest', 'diffID', '\n', 'sha256:'];
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const w = `${words[(i * 7919) % words.length]}${i % 97} `;
    parts.push(w);
    n += w.length;
  }
  const b = Buffer.from(parts.join('')).subarray(0, size);
  randomBytes(4096).copy(b, Math.floor(size / 3));
  return b;
}

function gnuGunzip(gz: Buffer): Buffer {
  return execFileSync('gzip', ['-dc'], { input: gz, maxBuffer: 1 << 30 });
}

describe('block gzip', () => {
  it('is a valid gzip of the input for Node and GNU gzip (several blocks, a partial last block)', async () => {
    const data = sample(3 * GZIP_BLOCK_SIZE + 777);
    const gz = await streamed([data]);
    expect(gz.subarray(0, 10).equals(GZIP_HEADER)).toBe(true);
    expect(gunzipSync(gz).equals(data)).toBe(true);
    expect(gnuGunzip(gz).equals(data)).toBe(true);
    execFileSync('gzip', ['-t'], { input: gz });
  });

  it('handles empty input and input of exactly whole blocks', async () => {
    for (const data of [Buffer.alloc(0), sample(2 * GZIP_BLOCK_SIZE)]) {
      const gz = await streamed(data.byteLength ? [data] : []);
      expect(gunzipSync(gz).equals(data)).toBe(true);
      expect(gnuGunzip(gz).equals(data)).toBe(true);
      expect(gz.equals(blockGzipSync(data, 1))).toBe(true);
    }
  });

  it('gives the same bytes however the input is cut, streamed or in memory', async () => {
    const data = Buffer.concat([sample(GZIP_BLOCK_SIZE + 5000), randomBytes(GZIP_BLOCK_SIZE), sample(700_000)]);
    const cuts: Buffer[] = [];
    for (let o = 0, i = 0; o < data.length; i++) {
      const n = [1, 511, 65536, GZIP_BLOCK_SIZE, 3 * GZIP_BLOCK_SIZE, 12345][i % 6] as number;
      cuts.push(data.subarray(o, o + n));
      o += n;
    }
    const whole = await streamed([data]);
    expect((await streamed(cuts)).equals(whole)).toBe(true);
    expect(blockGzipSync(data, 1).equals(whole)).toBe(true);
    expect((await streamed([data], 6)).equals(whole)).toBe(false); // the level is part of the bytes
  });

  it('compresses within 1 % of one zlib stream (matches reach back across block cuts)', async () => {
    // Random 10 KiB repeated over 4 blocks: without the dictionary every block would start with 10 KiB of
    // literals (about 3 × 10 KiB more than one stream).
    const unit = randomBytes(10 << 10);
    const data = Buffer.concat(Array.from({ length: Math.ceil((4 * GZIP_BLOCK_SIZE) / unit.length) }, () => unit));
    const single = gzipSync(data, { level: 1 }).byteLength;
    const ours = (await streamed([data])).byteLength;
    expect(ours).toBeLessThan(single + 2048);
    const text = sample(4 * GZIP_BLOCK_SIZE);
    expect((await streamed([text])).byteLength).toBeLessThan(gzipSync(text, { level: 1 }).byteLength * 1.01);
  });

  it('rethrows a failure of the source to the consumer', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield sample(2 * GZIP_BLOCK_SIZE);
      throw new Error('source broke');
    }
    await expect((async () => {
      for await (const _ of blockGzip(failing(), { level: 1 })) void _;
    })()).rejects.toThrow(/source broke/);
  });
});
