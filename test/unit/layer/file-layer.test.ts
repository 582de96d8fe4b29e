import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fileLayer, LayerWriter } from '../../../src/layer/index.js';
import { collect } from '../../../src/stream/index.js';
import { tmpDir, useTmpDirs } from '../../helpers/tmpdir.js';

useTmpDirs();

describe('FileLayer', () => {
  it('answers hashes without I/O and reads the tar from the kept file or by gunzipping the blob', async () => {
    const dir = await tmpDir();
    const w = new LayerWriter({ artifactsDir: dir });
    const entries = () => [{ path: '/x', type: 'file' as const, mode: 0o644, uid: 0, gid: 0, data: Buffer.from('x') }];
    const kept = fileLayer(await w.write(entries(), { keepTar: true }));
    const gzOnly = fileLayer(await w.write(entries()));
    expect(await kept.diffId()).toBe(await gzOnly.diffId());
    expect(await kept.mediaType()).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
    const tar = await collect(await gzOnly.uncompressed());
    expect(tar.equals(readFileSync(kept.file.tarPath as string))).toBe(true);
    expect(gunzipSync(await collect(await kept.compressed())).equals(tar)).toBe(true);
    expect(kept.file.gzPath).toBe(join(dir, `${kept.file.digest.slice(7)}.tar.gz`));
  });
});
