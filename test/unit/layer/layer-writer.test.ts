import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { TarEntry } from '../../../src/archive/index.js';
import { GZIP_LEVEL, LayerWriter } from '../../../src/layer/index.js';
import { tmpDir, useTmpDirs } from '../../helpers/tmpdir.js';

useTmpDirs();

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const entries = (): TarEntry[] => [
  { path: '/layers', type: 'directory', mode: 0o755, uid: 0, gid: 0 },
  { path: '/layers/f', type: 'file', mode: 0o644, uid: 1000, gid: 1000, data: Buffer.from('content '.repeat(1000)) },
];

describe('LayerWriter', () => {
  it('gives diffID = sha256(tar), digest/size of the gzip blob, content-addressed files, no temp files left', async () => {
    const dir = await tmpDir();
    const w = new LayerWriter({ artifactsDir: join(dir, 'artifacts') });
    const f = await w.write(entries(), { keepTar: true });
    const gz = readFileSync(f.gzPath);
    const tar = readFileSync(f.tarPath as string);
    expect(f.diffId).toBe(sha(tar));
    expect(f.digest).toBe(sha(gz));
    expect(f.size).toBe(gz.length);
    expect(f.tarSize).toBe(tar.length);
    expect(gunzipSync(gz).equals(tar)).toBe(true);
    expect(f.gzPath).toBe(join(dir, 'artifacts', `${f.digest.slice(7)}.tar.gz`));
    expect(f.tarPath).toBe(join(dir, 'artifacts', `${f.diffId.slice(7)}.tar`));
    expect(f.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
    expect(readdirSync(join(dir, 'artifacts')).sort()).toEqual([`${f.diffId.slice(7)}.tar`, `${f.digest.slice(7)}.tar.gz`].sort());
    expect(GZIP_LEVEL).toBe(1);
  });

  it('keeps no tar unless asked; identical input gives identical files', async () => {
    const dir = await tmpDir();
    const w = new LayerWriter({ artifactsDir: dir });
    const [a, b] = await Promise.all([w.write(entries()), w.write(entries())]);
    expect(a).toEqual(b);
    expect(a.tarPath).toBeUndefined();
    expect(readdirSync(dir)).toEqual([`${a.digest.slice(7)}.tar.gz`]);
  });

  it('writeTar keeps raw tar bytes as they are', async () => {
    const dir = await tmpDir();
    const raw = Buffer.alloc(2048, 0);
    const f = await new LayerWriter({ artifactsDir: dir }).writeTar(Readable.from([raw]));
    expect(f.diffId).toBe(sha(raw));
    expect(gunzipSync(readFileSync(f.gzPath)).equals(raw)).toBe(true);
  });

  it('fails with a typed error and removes its temp files when the entries fail', async () => {
    const dir = await tmpDir();
    const w = new LayerWriter({ artifactsDir: dir });
    const bad: TarEntry[] = [{ path: '/x', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 5, source: join(dir, 'missing') }];
    await expect(w.write(bad, { keepTar: true })).rejects.toMatchObject({ code: 'ERR_IO' });
    expect(readdirSync(dir)).toEqual([]);
  });
});
