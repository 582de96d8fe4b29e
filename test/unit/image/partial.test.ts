import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { imageFromCore, type ImageCore } from '../../../src/image/index.js';
import { encodeJson, sha256Digest, type Descriptor } from '../../../src/oci/index.js';
import { collect, verifyStream } from '../../../src/stream/index.js';
import { randomImage } from '../../helpers/random-image.js';
import { expectValidImage } from '../../helpers/validate-image.js';

/** A core over an in-memory blob map that counts what is read. */
async function memoryCore() {
  const src = await randomImage({ layers: 2 });
  const blobs = new Map<string, Buffer>();
  const raw = Buffer.from(await src.rawManifest());
  blobs.set(sha256Digest(await src.rawConfig()), Buffer.from(await src.rawConfig()));
  for (const l of await src.layers()) blobs.set(await l.digest(), await collect(await l.compressed()));
  const reads: string[] = [];
  let manifestReads = 0;
  const core: ImageCore = {
    rawManifest: async () => (manifestReads++, raw),
    blob: async (d: Descriptor) => {
      reads.push(d.digest);
      return verifyStream(Readable.from([blobs.get(d.digest) as Buffer]), d, `blob ${d.digest}`);
    },
  };
  return { src, core, reads, manifestReads: () => manifestReads, blobs };
}

describe('imageFromCore', () => {
  it('is a valid image equal to its source', async () => {
    const { src, core } = await memoryCore();
    const img = imageFromCore(core, 'test image');
    await expectValidImage(img);
    expect(await img.digest()).toBe(await src.digest());
    expect(await img.imageId()).toBe(await src.imageId());
  });

  it('reading manifest, config and layer metadata reads no layer; accessors are memoized single-flight', async () => {
    const { core, reads, manifestReads } = await memoryCore();
    const img = imageFromCore(core, 'x');
    await Promise.all([img.manifest(), img.manifest(), img.config(), img.digest(), img.imageId()]);
    const layers = await img.layers();
    await Promise.all(layers.map((l) => Promise.all([l.digest(), l.diffId(), l.size(), l.mediaType()])));
    expect(manifestReads()).toBe(1);
    expect(reads.length).toBe(1); // the config blob only
    expect(await img.layers()).toBe(layers);
    expect(await img.layerByDiffId(await (layers[1] as (typeof layers)[number]).diffId())).toBe(layers[1]);
  });

  it('uncompressed() is verified against the diffID', async () => {
    const { core, blobs, src } = await memoryCore();
    const img = imageFromCore(core, 'image y');
    const layer = (await img.layers())[0]!;
    // swap the blob for another valid gzip whose digest entry we fake: the core passes, the diffID check fails
    const other = (await src.layers())[1]!;
    blobs.set(await layer.digest(), await collect(await other.compressed()));
    const target = await layer.digest();
    const cheat: ImageCore = { ...core, blob: async (d, signal) => (d.digest === target ? Readable.from([blobs.get(target) as Buffer]) : core.blob(d, signal)) };
    const l2 = (await imageFromCore(cheat, 'image y').layers())[0]!;
    await expect(collect(await l2.uncompressed())).rejects.toMatchObject({ code: 'ERR_DIGEST', message: expect.stringContaining('image y') });
  });

  it('fails with ERR_IMAGE when diff_ids and layers disagree, and for unknown layers', async () => {
    const { core } = await memoryCore();
    const m = JSON.parse((await core.rawManifest()).toString());
    m.layers.pop();
    const img = imageFromCore({ ...core, rawManifest: async () => encodeJson(m) }, 'image z');
    await expect(img.layers()).rejects.toMatchObject({ code: 'ERR_IMAGE', message: expect.stringContaining('image z') });
    const ok = imageFromCore(core, 'image z');
    await expect(ok.layerByDigest(sha256Digest('nope'))).rejects.toMatchObject({ code: 'ERR_IMAGE' });
  });
});
