import { describe, expect, it } from 'vitest';
import { emptyImage } from '../../../src/image/index.js';
import { MediaTypes } from '../../../src/oci/index.js';
import { expectValidImage } from '../../helpers/validate-image.js';

describe('emptyImage', () => {
  it('is a valid image with no layers for the platform', async () => {
    const img = emptyImage({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    await expectValidImage(img);
    expect(await img.layers()).toEqual([]);
    expect(Buffer.from(await img.rawConfig()).toString()).toBe(
      '{"architecture":"arm64","os":"linux","variant":"v8","config":{},"rootfs":{"type":"layers","diff_ids":[]},"history":[]}',
    );
    expect((await img.manifest()).mediaType).toBe(MediaTypes.ociManifest);
    expect((await emptyImage({}, { mediaType: MediaTypes.dockerManifest }).manifest()).config.mediaType).toBe(MediaTypes.dockerConfig);
  });
});
