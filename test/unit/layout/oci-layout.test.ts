import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OciLayout } from '../../../src/layout/index.js';
import { sha256Digest } from '../../../src/oci/index.js';
import { collect } from '../../../src/stream/index.js';
import { tmpDir, useTmpDirs } from '../../helpers/tmpdir.js';

useTmpDirs();

describe('OciLayout', () => {
  it('init creates oci-layout and an empty index; open finds it', async () => {
    const dir = await tmpDir();
    expect(await OciLayout.open(dir)).toBeUndefined();
    const l = await OciLayout.init(dir);
    expect(JSON.parse(readFileSync(join(dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    expect((await l.readIndex()).manifests).toEqual([]);
    expect(await OciLayout.open(dir)).toBeDefined();
  });

  it('writes blobs atomically and verified, skips existing ones, reads verified', async () => {
    const dir = await tmpDir();
    const l = await OciLayout.init(dir);
    const data = Buffer.from('blob content');
    const desc = { digest: sha256Digest(data), size: data.length };
    await l.writeBlob(desc, () => Promise.resolve(Readable.from([data])));
    expect(await l.hasBlob(desc)).toBe(true);
    expect((await collect(await l.openBlob(desc))).equals(data)).toBe(true);
    // a second write does not even open the source
    await l.writeBlob(desc, () => Promise.reject(new Error('must not be called')));
    // a wrong stream is rejected and leaves no file
    const wrong = { digest: sha256Digest('other'), size: data.length };
    await expect(l.writeBlob(wrong, () => Promise.resolve(Readable.from([data])))).rejects.toMatchObject({ code: 'ERR_DIGEST' });
    await expect(l.writeBlob(wrong, data)).rejects.toMatchObject({ code: 'ERR_DIGEST' });
    expect(readdirSync(join(dir, 'blobs', 'sha256'))).toEqual([desc.digest.slice(7)]);
  });

  it('detects a corrupted blob on read (ERR_DIGEST naming the layout) and a missing one (ERR_LAYOUT)', async () => {
    const dir = await tmpDir();
    const l = await OciLayout.init(dir);
    const data = Buffer.from('original');
    const desc = { digest: sha256Digest(data), size: data.length };
    await l.writeBlob(desc, data);
    writeFileSync(l.blobPath(desc.digest), 'tampered');
    await expect(collect(await l.openBlob(desc))).rejects.toMatchObject({ code: 'ERR_DIGEST', message: expect.stringContaining(dir) });
    await expect(l.openBlob({ digest: sha256Digest('x'), size: 1 })).rejects.toMatchObject({ code: 'ERR_LAYOUT' });
  });

  it('serializes concurrent index updates', async () => {
    const dir = await tmpDir();
    const l = await OciLayout.init(dir);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        l.updateIndex((idx) => ({ ...idx, manifests: [...idx.manifests, { mediaType: 'x', size: i, digest: sha256Digest(String(i)) }] })),
      ),
    );
    expect((await l.readIndex()).manifests).toHaveLength(10);
  });

  it('a broken index.json fails with ERR_LAYOUT naming the directory', async () => {
    const dir = await tmpDir();
    const l = await OciLayout.init(dir);
    writeFileSync(join(dir, 'index.json'), '{');
    await expect(l.readIndex()).rejects.toMatchObject({ code: 'ERR_LAYOUT', message: expect.stringContaining(dir) });
  });
});
