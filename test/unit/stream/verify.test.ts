import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sha256Digest } from '../../../src/oci/index.js';
import { collect, verifyStream } from '../../../src/stream/index.js';

const data = Buffer.from('hello verified world');

describe('verifyStream', () => {
  it('passes content that matches digest and size', async () => {
    const out = await collect(verifyStream(Readable.from([data]), { digest: sha256Digest(data), size: data.length }, 'blob x'));
    expect(out.equals(data)).toBe(true);
  });

  it('fails at EOF with ERR_DIGEST naming the blob on a digest mismatch', async () => {
    const bad = verifyStream(Readable.from([data]), { digest: sha256Digest('other'), size: data.length }, 'blob x of image y');
    await expect(collect(bad)).rejects.toMatchObject({ code: 'ERR_DIGEST', message: expect.stringContaining('blob x of image y: digest') });
  });

  it('fails on a short or long stream (size)', async () => {
    const short = verifyStream(Readable.from([data]), { digest: sha256Digest(data), size: data.length + 1 }, 'blob s');
    await expect(collect(short)).rejects.toMatchObject({ code: 'ERR_DIGEST', message: expect.stringContaining('size') });
    const long = verifyStream(Readable.from([data]), { digest: sha256Digest(data), size: 3 }, 'blob l');
    await expect(collect(long)).rejects.toMatchObject({ code: 'ERR_DIGEST', message: expect.stringContaining('exceeds') });
  });

  it('propagates source errors', async () => {
    const src = new Readable({ read() { this.destroy(new Error('boom')); } });
    await expect(collect(verifyStream(src, { digest: sha256Digest(data) }, 'b'))).rejects.toThrow('boom');
  });
});
