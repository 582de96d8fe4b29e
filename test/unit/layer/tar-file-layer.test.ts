import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tarChunks } from '../../../src/archive/index.js';
import { LayerWriter, tarFileLayer } from '../../../src/layer/index.js';
import { collect } from '../../../src/stream/index.js';
import { tmpDir, useTmpDirs } from '../../helpers/tmpdir.js';

useTmpDirs();
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('tarFileLayer', () => {
  it('plain tar: diffID is its sha256, the writer compresses it', async () => {
    const dir = await tmpDir();
    const tar = await collect(Readable.from(tarChunks([{ path: '/a', type: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from('a') }])));
    writeFileSync(join(dir, 'l.tar'), tar);
    const l = await tarFileLayer(join(dir, 'l.tar'), { writer: new LayerWriter({ artifactsDir: join(dir, 'art') }), keepTar: true });
    expect(l.file.diffId).toBe(sha(tar));
    expect(readFileSync(l.file.tarPath as string).equals(tar)).toBe(true);
  });

  it('gzip file: keeps the compressed bytes as the blob; diffID from the gunzipped tar', async () => {
    const dir = await tmpDir();
    const tar = await collect(Readable.from(tarChunks([{ path: '/b', type: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from('b') }])));
    const gz = gzipSync(tar, { level: 9 });
    writeFileSync(join(dir, 'l.tgz'), gz);
    const l = await tarFileLayer(join(dir, 'l.tgz'), { writer: new LayerWriter({ artifactsDir: join(dir, 'art') }), keepTar: true });
    expect(l.file).toMatchObject({ diffId: sha(tar), digest: sha(gz), size: gz.length, tarSize: tar.length });
    expect(readFileSync(l.file.gzPath).equals(gz)).toBe(true);
  });

  it('a corrupt gzip file fails with ERR_TAR naming it', async () => {
    const dir = await tmpDir();
    writeFileSync(join(dir, 'bad.tgz'), Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(100, 1)]));
    await expect(tarFileLayer(join(dir, 'bad.tgz'), { writer: new LayerWriter({ artifactsDir: join(dir, 'art') }) })).rejects.toMatchObject({
      code: 'ERR_TAR',
      message: expect.stringContaining('bad.tgz'),
    });
  });
});
