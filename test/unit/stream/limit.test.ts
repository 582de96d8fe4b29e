import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { collect, sizeLimit } from '../../../src/stream/index.js';

describe('sizeLimit', () => {
  it('passes up to the limit and fails beyond it with the given code', async () => {
    expect((await collect(Readable.from([Buffer.alloc(10)]).pipe(sizeLimit(10, 'm')))).length).toBe(10);
    await expect(collect(Readable.from([Buffer.alloc(6), Buffer.alloc(5)]).pipe(sizeLimit(10, 'manifest of x', 'ERR_IMAGE')))).rejects.toMatchObject({
      code: 'ERR_IMAGE',
      message: 'manifest of x: larger than the limit of 10 bytes',
    });
  });
});
