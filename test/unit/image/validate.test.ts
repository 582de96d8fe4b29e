import { describe, expect, it } from 'vitest';
import { ComputedImage, stateOf, validateImage, type Image } from '../../../src/image/index.js';
import { randomImage } from '../../helpers/random-image.js';

describe('validateImage', () => {
  it('finds nothing wrong with a sound image', async () => {
    expect(await validateImage(await randomImage({ layers: 3 }))).toEqual([]);
  });

  it('reports a diff_id that does not match the layer', async () => {
    const img = await randomImage({ layers: 2 });
    const broken = new ComputedImage(async () => {
      const s = await stateOf(img);
      s.config.rootfs = { type: 'layers', diff_ids: [...s.config.rootfs.diff_ids].reverse() };
      return s;
    });
    const problems = await validateImage(broken);
    expect(problems.some((p) => p.includes('diffID'))).toBe(true);
  });

  it('reports a rawManifest that does not hash to digest()', async () => {
    const img = await randomImage({ layers: 1 });
    const lying: Image = Object.create(img, { digest: { value: async () => 'sha256:' + '0'.repeat(64) } });
    expect(await validateImage(lying, { layers: false })).toContain('digest() is not sha256(rawManifest())');
  });
});
