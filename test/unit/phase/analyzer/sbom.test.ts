import { describe, expect, it } from 'vitest';
import { sbomEntryPath } from '../../../../src/phase/index.js';

describe('sbomEntryPath (AN-15)', () => {
  const L = '/workspace/layers';
  it('keeps <layers>/sbom and everything below <layers>/sbom/launch, relative to <layers>', () => {
    expect(sbomEntryPath('/workspace/layers/sbom', L)).toBe('sbom');
    expect(sbomEntryPath('workspace/layers/sbom/launch', L)).toBe('sbom/launch');
    expect(sbomEntryPath('/workspace/layers/sbom/launch/bp/sbom.cdx.json', L)).toBe('sbom/launch/bp/sbom.cdx.json');
    expect(sbomEntryPath('/workspace/layers/sbom/launch/bp/', L)).toBe('sbom/launch/bp');
  });

  it('drops parents, build SBOMs, other layers, other roots and traversal', () => {
    for (const name of ['/workspace', '/workspace/layers', '/workspace/layers/sbom/build/x', '/workspace/layers/bp/layer', '/etc/passwd', '/workspace/layers/sbom/launch/../../bp/x', '/workspace/layers-other/sbom/launch/x']) {
      expect(sbomEntryPath(name, L), name).toBeUndefined();
    }
  });
});
