import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OciLayout, findLayoutImage } from '../../../../src/layout/index.js';
import { kanikoBaseDir, saveSparseImage } from '../../../../src/phase/restorer/kaniko-cache.js';
import { randomImage } from '../../../helpers/random-image.js';
import { tmpDir, useTmpDirs } from '../../../helpers/tmpdir.js';

useTmpDirs();

describe('saveSparseImage (RS-12, RS-15)', () => {
  it('writes <kaniko>/cache/base/<manifest digest> with the exact manifest and config bytes and no layer; replaces an older copy', async () => {
    const kaniko = await tmpDir();
    const img = await randomImage({ layers: 2, docker: true });
    const { dir, digest } = await saveSparseImage(kaniko, img);
    expect(digest).toBe(await img.digest());
    expect(dir).toBe(join(kanikoBaseDir(kaniko), digest));
    expect(await readdir(kanikoBaseDir(kaniko))).toEqual([digest]); // no temp dir left behind
    const layout = (await OciLayout.open(dir))!;
    const index = await layout.readIndex();
    expect(index.manifests).toEqual([{ mediaType: await img.mediaType(), digest, size: (await img.rawManifest()).byteLength }]);
    expect((await readFile(layout.blobPath(digest))).equals(Buffer.from(await img.rawManifest()))).toBe(true);
    expect((await readFile(layout.blobPath(await img.imageId()))).equals(Buffer.from(await img.rawConfig()))).toBe(true);
    expect((await readdir(join(dir, 'blobs', 'sha256'))).length).toBe(2);
    const back = (await findLayoutImage(layout, { digest }))!;
    expect((await back.config()).rootfs.diff_ids).toEqual((await img.config()).rootfs.diff_ids);
    await saveSparseImage(kaniko, img); // again: same result
    expect(await readdir(kanikoBaseDir(kaniko))).toEqual([digest]);
  });
});
