import { describe, expect, it } from 'vitest';
import { anyTargetSatisfies, targetSatisfies, type BuildpackTarget } from '../../../src/buildpack/index.js';

const t = (os = '', arch = '', archVariant = '', distros: { name: string; version: string }[] = []): BuildpackTarget => ({ os, arch, archVariant, distros });

describe('target matching (DT-23)', () => {
  const base = { os: 'linux', arch: 'amd64', distro: { name: 'ubuntu', version: '22.04' } };

  it('DT-23 os/arch/variant equal or empty on either side', () => {
    expect(targetSatisfies(base, t('linux', 'amd64'))).toBe(true);
    expect(targetSatisfies(base, t('linux'))).toBe(true);
    expect(targetSatisfies(base, t())).toBe(true);
    expect(targetSatisfies(base, t('windows'))).toBe(false);
    expect(targetSatisfies(base, t('linux', 'arm64'))).toBe(false);
    expect(targetSatisfies({ os: '', arch: '' }, t('linux', 'arm64'))).toBe(true);
    expect(targetSatisfies({ os: 'linux', arch: 'arm', archVariant: 'v7' }, t('linux', 'arm', 'v6'))).toBe(false);
  });

  it('DT-23 one listed distro must match name and version (empty matches any)', () => {
    expect(targetSatisfies(base, t('linux', '', '', [{ name: 'debian', version: '12' }, { name: 'ubuntu', version: '' }]))).toBe(true);
    expect(targetSatisfies(base, t('linux', '', '', [{ name: 'ubuntu', version: '20.04' }]))).toBe(false);
  });

  it('DT-23 [REF] distros listed but none on the base is a mismatch', () => {
    expect(targetSatisfies({ os: 'linux', arch: 'amd64' }, t('linux', '', '', [{ name: 'ubuntu', version: '' }]))).toBe(false);
  });

  it('DT-22 an empty target list matches anything', () => {
    expect(anyTargetSatisfies(base, [])).toBe(true);
    expect(anyTargetSatisfies(base, [t('windows'), t('linux')])).toBe(true);
  });
});
