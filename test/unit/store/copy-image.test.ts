import { describe, expect, it } from 'vitest';
import type { Image, ImageStore } from '../../../src/image/index.js';
import { copyImage } from '../../../src/store/index.js';
import { memoryImage, memoryLayer, tarOf } from '../daemon/memory-image.js';

function memoryStore(kind: ImageStore['kind'], images = new Map<string, Image>()): ImageStore & { images: Map<string, Image> } {
  return {
    kind,
    images,
    image: async (ref) => images.get(ref),
    exists: async (ref) => images.has(ref),
    write: async (image, refs) => {
      for (const r of refs) images.set(r, image);
      return { imageId: await image.imageId() };
    },
  };
}

describe('copyImage', () => {
  it('writes the source image into the sink under the ref, or the given refs', async () => {
    const image = await memoryImage({ layers: [memoryLayer(await tarOf({ a: 'a' }))] });
    const source = memoryStore('registry', new Map([['src:1', image]]));
    const sink = memoryStore('daemon');
    expect(await copyImage(source, sink, 'src:1')).toEqual({ imageId: await image.imageId() });
    expect(sink.images.get('src:1')).toBe(image);
    await copyImage(source, sink, 'src:1', { to: ['dst:a', 'dst:b'] });
    expect([...sink.images.keys()].sort()).toEqual(['dst:a', 'dst:b', 'src:1']);
  });

  it('fails with ERR_IMAGE when the source has no such image', async () => {
    await expect(copyImage(memoryStore('layout'), memoryStore('daemon'), 'missing:1')).rejects.toMatchObject({ code: 'ERR_IMAGE', message: "image 'missing:1' not found in the source" });
  });
});
