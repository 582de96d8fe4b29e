import { describe, expect, it } from 'vitest';
import { buildCnbVars, completeTarget, detectCnbVars, generateCnbVars, parseOsRelease, targetEnvVars } from '../../../src/env/index.js';
import { ApiVersion } from '../../../src/platform/index.js';

const v = ApiVersion.parse;
const common = { platformDir: '/platform', target: { os: 'linux', arch: 'amd64' }, execEnv: 'production' };

describe('CNB_* variables (§5.1)', () => {
  it('ENV-01 optional target values are unset when empty', () => {
    expect(targetEnvVars({ os: 'linux', arch: 'arm64' })).toEqual({ CNB_TARGET_OS: 'linux', CNB_TARGET_ARCH: 'arm64' });
    expect(targetEnvVars({ os: 'linux', arch: 'arm', archVariant: 'v7', distro: { name: 'ubuntu', version: '' } })).toEqual({
      CNB_TARGET_OS: 'linux',
      CNB_TARGET_ARCH: 'arm',
      CNB_TARGET_ARCH_VARIANT: 'v7',
      CNB_TARGET_DISTRO_NAME: 'ubuntu',
    });
  });

  it('detect variables per Buildpack API (BP 0.7 / 0.8 / 0.10 / 0.12)', () => {
    const base = { ...common, kind: 'buildpack' as const, moduleDir: '/bp', planPath: '/tmp/plan.toml', platformApi: v('0.15') };
    expect(detectCnbVars({ ...base, buildpackApi: v('0.7') })).toEqual({ CNB_BUILDPACK_DIR: '/bp' });
    expect(detectCnbVars({ ...base, buildpackApi: v('0.8') })).toEqual({ CNB_BUILDPACK_DIR: '/bp', CNB_PLATFORM_DIR: '/platform', CNB_BUILD_PLAN_PATH: '/tmp/plan.toml' });
    expect(detectCnbVars({ ...base, buildpackApi: v('0.10') })).toMatchObject({ CNB_TARGET_OS: 'linux', CNB_TARGET_ARCH: 'amd64' });
    expect(detectCnbVars({ ...base, buildpackApi: v('0.10') })['CNB_EXEC_ENV']).toBeUndefined();
    expect(detectCnbVars({ ...base, buildpackApi: v('0.12') })['CNB_EXEC_ENV']).toBe('production');
    expect(detectCnbVars({ ...base, buildpackApi: v('0.12'), platformApi: v('0.14') })['CNB_EXEC_ENV']).toBeUndefined();
    expect(detectCnbVars({ ...base, kind: 'extension', buildpackApi: v('0.12') })['CNB_EXTENSION_DIR']).toBe('/bp');
  });

  it('build variables per Buildpack API', () => {
    const base = { ...common, buildpackDir: '/bp', layersDir: '/layers/bp', bpPlanPath: '/tmp/p.toml', platformApi: v('0.15') };
    expect(buildCnbVars({ ...base, buildpackApi: v('0.7') })).toEqual({ CNB_BUILDPACK_DIR: '/bp' });
    expect(buildCnbVars({ ...base, buildpackApi: v('0.12') })).toEqual({
      CNB_BUILDPACK_DIR: '/bp',
      CNB_LAYERS_DIR: '/layers/bp',
      CNB_BP_PLAN_PATH: '/tmp/p.toml',
      CNB_PLATFORM_DIR: '/platform',
      CNB_TARGET_OS: 'linux',
      CNB_TARGET_ARCH: 'amd64',
      CNB_EXEC_ENV: 'production',
    });
  });

  it('GE-02 generate variables have no CNB_LAYERS_DIR, CNB_BUILDPACK_DIR or CNB_EXEC_ENV', () => {
    const g = generateCnbVars({ ...common, extensionDir: '/ext', outputDir: '/out', bpPlanPath: '/p', buildpackApi: v('0.10'), platformApi: v('0.15') });
    expect(Object.keys(g).sort()).toEqual(['CNB_BP_PLAN_PATH', 'CNB_EXTENSION_DIR', 'CNB_OUTPUT_DIR', 'CNB_PLATFORM_DIR', 'CNB_TARGET_ARCH', 'CNB_TARGET_OS']);
  });
});

describe('target completion (ENV-01, DT-23)', () => {
  it('parses os-release ID and VERSION_ID', () => {
    expect(parseOsRelease('NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="22.04"\n')).toEqual({ name: 'ubuntu', version: '22.04' });
  });

  it('fills a missing distro, os and arch from os-release', () => {
    expect(completeTarget(undefined, { name: 'debian', version: '12' }, 'amd64')).toEqual({ os: 'linux', arch: 'amd64', distro: { name: 'debian', version: '12' } });
    expect(completeTarget({ os: 'linux', arch: 'arm64' }, { name: 'debian', version: '12' }, 'amd64').arch).toBe('arm64');
    const withDistro = { os: 'linux', arch: 'amd64', distro: { name: 'ubuntu', version: '24.04' } };
    expect(completeTarget(withDistro, { name: 'debian', version: '12' })).toBe(withDistro);
    expect(completeTarget({ os: '', arch: '' }, undefined)).toEqual({ os: '', arch: '' });
  });
});
