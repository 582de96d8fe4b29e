import { describe, expect, it } from 'vitest';
import { selectManifest } from '../../../src/image/index.js';
import { MediaTypes, type Descriptor, type Digest } from '../../../src/oci/index.js';

const d = (n: number, platform?: Descriptor['platform'], mediaType: string = MediaTypes.ociManifest): Descriptor => ({
  mediaType,
  size: 1,
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}` as Digest,
  ...(platform ? { platform } : {}),
});

describe('selectManifest', () => {
  it('picks by os/arch (variant when given), default linux/amd64', () => {
    const idx = { schemaVersion: 2 as const, manifests: [d(1, { os: 'linux', architecture: 'arm64', variant: 'v8' }), d(2, { os: 'linux', architecture: 'amd64' })] };
    expect(selectManifest(idx)?.digest).toBe(d(2).digest);
    expect(selectManifest(idx, { os: 'linux', architecture: 'arm64', variant: 'v8' })?.digest).toBe(d(1).digest);
    expect(selectManifest(idx, { os: 'linux', architecture: 'arm64', variant: 'v7' })).toBeUndefined();
    expect(selectManifest(idx, { os: 'windows', architecture: 'amd64' })).toBeUndefined();
  });
  it('takes a single platform-less image; returns a nested index as a candidate', () => {
    expect(selectManifest({ schemaVersion: 2, manifests: [d(3)] })?.digest).toBe(d(3).digest);
    expect(selectManifest({ schemaVersion: 2, manifests: [d(4, undefined, MediaTypes.ociIndex)] })?.digest).toBe(d(4).digest);
  });
});
