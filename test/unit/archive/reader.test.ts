import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTar, tarChunks } from '../../../src/archive/index.js';
import { collect } from '../../../src/stream/index.js';

describe('readTar', () => {
  it('yields normalized headers and bodies; unread bodies are skipped', async () => {
    const tar = await collect(
      Readable.from(
        tarChunks([
          { path: '/a', type: 'file', mode: 0o600, uid: 5, gid: 6, data: Buffer.from('skipped body') },
          { path: '/b', type: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from('read') },
          { path: '/c', type: 'char-device', mode: 0o600, uid: 0, gid: 0, devmajor: 1, devminor: 3 },
        ]),
      ),
    );
    const seen: string[] = [];
    for await (const e of readTar(Readable.from([tar]))) {
      seen.push(`${e.header.name}:${e.header.type}:${e.header.mode.toString(8)}:${e.header.uid}`);
      if (e.header.name === '/b') expect((await collect(e.body)).toString()).toBe('read');
      if (e.header.name === '/c') expect([e.header.devmajor, e.header.devminor]).toEqual([1, 3]);
    }
    expect(seen).toEqual(['/a:file:600:5', '/b:file:644:0', '/c:char-device:600:0']);
  });
});
