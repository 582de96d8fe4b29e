import { describe, expect, it } from 'vitest';
import { ensureSameRegistry, hostPlatform, validateRef } from '../../../../src/phase/index.js';

describe('reference helpers', () => {
  it('validateRef: AN-01/AN-02 invalid references are input errors naming them; empty is skipped', () => {
    expect(() => validateRef('tag', 'example.com/Bad')).toThrow(/tag: .*example\.com\/Bad/);
    expect(() => validateRef('tag', 'example.com/Bad')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGS' }));
    expect(() => validateRef('image', '')).not.toThrow();
    expect(() => validateRef('image', 'ubuntu:22.04')).not.toThrow();
  });

  it('ensureSameRegistry: AN-03 one registry, Docker Hub aliases are one registry', () => {
    expect(() => ensureSameRegistry(['a.example/x', 'a.example/y:v1'])).not.toThrow();
    expect(() => ensureSameRegistry(['ubuntu', 'index.docker.io/library/ubuntu:v2'])).not.toThrow();
    expect(() => ensureSameRegistry(['a.example/x', 'b.example/x'])).toThrow('writing to multiple registries is unsupported');
  });

  it('hostPlatform maps Node arch names to OCI ones', () => {
    expect(hostPlatform('x64', 'linux')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(hostPlatform('arm64', 'win32')).toEqual({ os: 'windows', architecture: 'arm64' });
  });
});
