import { expect } from 'vitest';
import { validateImage, type Image } from '../../src/image/index.js';

/**
 * Asserts the image invariants (src/image validateImage: manifest/config digests and sizes, diffIDs, layer
 * lookups, and the layer bytes unless `layers: false`); the failure message lists every problem.
 */
export async function expectValidImage(image: Image, options: { layers?: boolean } = {}): Promise<void> {
  expect(await validateImage(image, options)).toEqual([]);
}

export { validateImage };
