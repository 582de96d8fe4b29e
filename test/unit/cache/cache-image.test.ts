import { describe, expect, it } from 'vitest';
import { cacheImage } from '../../../src/cache/cache-image.js';
import { MediaTypes, parseConfig, parseManifest, sha256Digest } from '../../../src/oci/index.js';
import { tarLayer } from './helpers/tar-layer.js';

const spec = { os: 'linux', architecture: 'arm64', mediaTypes: 'oci' as const, created: new Date('1980-01-01T00:00:01Z'), labels: { k: 'v' } };

describe('cacheImage', () => {
  it('builds a valid manifest and config from layer hashes only', async () => {
    const a = await tarLayer({ a: '1' });
    const b = await tarLayer({ b: '2' });
    const img = cacheImage([a, b], spec);
    const m = parseManifest(await img.rawManifest());
    const c = parseConfig(await img.rawConfig());
    expect(c.rootfs.diff_ids).toEqual([await a.diffId(), await b.diffId()]);
    expect(c.config?.Labels).toEqual({ k: 'v' });
    expect(c).toMatchObject({ os: 'linux', architecture: 'arm64', created: '1980-01-01T00:00:01Z' });
    expect(m.config).toEqual({ mediaType: MediaTypes.ociConfig, digest: sha256Digest(await img.rawConfig()), size: (await img.rawConfig()).length });
    expect(m.layers.map((l) => l.digest)).toEqual([await a.digest(), await b.digest()]);
    expect(await img.digest()).toBe(sha256Digest(await img.rawManifest()));
    expect(await img.layerByDiffId(await b.diffId())).toBe(b);
    expect(a.opens).toEqual({ compressed: 0, uncompressed: 0 });
    await expect(img.layerByDigest(await (await tarLayer({ c: '3' })).digest())).rejects.toMatchObject({ code: 'ERR_IMAGE' });
  });

  it('is deterministic', async () => {
    const a = await tarLayer({ a: '1' });
    expect(await cacheImage([a], spec).digest()).toBe(await cacheImage([a], spec).digest());
  });
});
