import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { HashCounter, hashingStream } from '../../../src/stream/index.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('HashCounter', () => {
  it('hashes and counts chunks; digest() is stable', () => {
    const h = new HashCounter();
    h.update(Buffer.from('ab'));
    h.update(Buffer.from('c'));
    expect(h.size).toBe(3);
    expect(h.digest()).toBe(sha(Buffer.from('abc')));
    expect(h.digest()).toBe(sha(Buffer.from('abc')));
    expect(() => h.update(Buffer.from('x'))).toThrow();
  });
});

describe('hashingStream', () => {
  it('passes bytes through unchanged and reports sha256 and size', async () => {
    const data = Buffer.alloc(300_000, 7);
    const h = hashingStream();
    const out: Buffer[] = [];
    await pipeline(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), h, async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) out.push(c);
    });
    expect(Buffer.concat(out).equals(data)).toBe(true);
    expect(h.size).toBe(data.length);
    expect(h.digest()).toBe(sha(data));
  });
});
