import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { collect } from '../../../src/stream/index.js';

describe('collect', () => {
  it('concatenates chunks (strings and bytes)', async () => {
    expect((await collect(Readable.from(['ab', Buffer.from('cd'), new Uint8Array([0x65])]))).toString()).toBe('abcde');
  });
  it('enforces max', async () => {
    await expect(collect(Readable.from([Buffer.alloc(5), Buffer.alloc(5)]), { max: 8, what: 'config' })).rejects.toMatchObject({ code: 'ERR_IO' });
  });
});
