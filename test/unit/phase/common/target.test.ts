import { describe, expect, it } from 'vitest';
import type { ImageConfig } from '../../../../src/oci/index.js';
import { targetFromImageConfig } from '../../../../src/phase/index.js';

const config = (c: Partial<ImageConfig> & { labels?: Record<string, string> }): ImageConfig =>
  ({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] }, ...c, config: { Labels: c.labels ?? {} } }) as ImageConfig;

describe('targetFromImageConfig (AN-12, FMT-07)', () => {
  it('os, arch, variant, distro labels and base id', () => {
    const t = targetFromImageConfig(
      config({ architecture: 'arm64', variant: 'v8', labels: { 'io.buildpacks.base.id': 'my.id', 'io.buildpacks.base.distro.name': 'ubuntu', 'io.buildpacks.base.distro.version': '24.04' } }),
    );
    expect(t).toEqual({ id: 'my.id', os: 'linux', arch: 'arm64', archVariant: 'v8', distro: { name: 'ubuntu', version: '24.04' } });
  });

  it('no labels → no distro, no id', () => {
    expect(targetFromImageConfig(config({}))).toEqual({ os: 'linux', arch: 'amd64' });
  });

  it('one distro label is enough for a distro', () => {
    expect(targetFromImageConfig(config({ labels: { 'io.buildpacks.base.distro.version': '12' } })).distro).toEqual({ name: '', version: '12' });
  });

  it('FMT-07 bionic stack id without target data → linux/amd64 ubuntu 18.04 (ERRATA-05)', () => {
    expect(targetFromImageConfig(config({ os: '', architecture: '', labels: { 'io.buildpacks.stack.id': 'io.buildpacks.stacks.bionic' } }))).toEqual({
      os: 'linux',
      arch: 'amd64',
      distro: { name: 'ubuntu', version: '18.04' },
    });
  });

  it('FMT-07 distro labels win over the bionic inference', () => {
    const t = targetFromImageConfig(config({ labels: { 'io.buildpacks.stack.id': 'io.buildpacks.stacks.bionic', 'io.buildpacks.base.distro.name': 'ubuntu', 'io.buildpacks.base.distro.version': '20.04' } }));
    expect(t.distro).toEqual({ name: 'ubuntu', version: '20.04' });
  });

  it('AN-13 an empty os stays empty (the analyzer rejects it)', () => {
    expect(targetFromImageConfig(config({ os: '' })).os).toBe('');
  });
});
