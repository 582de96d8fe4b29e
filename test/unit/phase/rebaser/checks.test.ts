import { describe, expect, it } from 'vitest';
import { checkStack, checkTargets, comparableName, entryContains, envOf, targetSatisfiedForRebase } from '../../../../src/phase/rebaser/index.js';
import type { ImageConfig } from '../../../../src/oci/index.js';
import { memoryLogger } from '../../../../src/sys/index.js';

const cfg = (o: { arch?: string; variant?: string; labels?: Record<string, string>; env?: string[] } = {}): ImageConfig => ({
  os: 'linux',
  architecture: o.arch ?? 'amd64',
  ...(o.variant ? { variant: o.variant } : {}),
  config: { Labels: o.labels ?? {}, Env: o.env ?? [] },
  rootfs: { type: 'layers', diff_ids: [] },
});
const distro = (name: string, version: string) => ({ 'io.buildpacks.base.distro.name': name, 'io.buildpacks.base.distro.version': version });

describe('rebaser names', () => {
  it('RB-08 [REF] names compare without digest, with the tag (default latest), normalized', () => {
    expect(comparableName('ubuntu')).toBe('docker.io/library/ubuntu:latest');
    expect(comparableName('reg.test/a/run@sha256:' + 'a'.repeat(64))).toBe('reg.test/a/run:latest');
    expect(comparableName('Not Valid')).toBe('Not Valid');
    expect(entryContains({ image: 'reg.test/a/run', mirrors: ['m.test/run:v1'] }, 'm.test/run:v1')).toBe(true);
    expect(entryContains({ image: 'reg.test/a/run' }, 'reg.test/a/run:v2')).toBe(false);
    expect(entryContains(undefined, 'x')).toBe(false);
  });
});

describe('rebaser target checks', () => {
  it('RB-08 [REF] os/arch exact, variant and distro values of the new image are wildcards when empty', () => {
    const app = { os: 'linux', arch: 'arm64', archVariant: 'v8', distro: { name: 'ubuntu', version: '22.04' } };
    expect(targetSatisfiedForRebase({ os: 'linux', arch: 'arm64' }, app)).toBe(true);
    expect(targetSatisfiedForRebase({ os: 'linux', arch: 'amd64' }, app)).toBe(false);
    expect(targetSatisfiedForRebase({ os: 'linux', arch: 'arm64', archVariant: 'v7' }, app)).toBe(false);
    expect(targetSatisfiedForRebase({ os: 'linux', arch: 'arm64', distro: { name: '', version: '' } }, app)).toBe(true);
    expect(targetSatisfiedForRebase({ os: 'linux', arch: 'arm64', distro: { name: 'ubuntu', version: '' } }, app)).toBe(true);
    expect(targetSatisfiedForRebase({ os: 'linux', arch: 'arm64', distro: { name: 'ubuntu', version: '24.04' } }, app)).toBe(false);
    expect(targetSatisfiedForRebase({ os: 'linux', arch: 'arm64', distro: { name: 'ubuntu', version: '' } }, { os: 'linux', arch: 'arm64' })).toBe(false);
  });

  it('RB-03/RB-08/RB-09 rebasable=false and mismatches throw ERR_REBASE unless forced (then warn)', () => {
    const log = memoryLogger();
    const app = cfg({ labels: { 'io.buildpacks.rebasable': 'false', ...distro('ubuntu', '22.04') } });
    expect(() => checkTargets(app, cfg({ labels: distro('ubuntu', '22.04') }), false, log)).toThrow(/not marked as rebasable; please provide -force/);
    expect(() => checkTargets(cfg(), cfg({ arch: 'arm64' }), false, log)).toThrow(expect.objectContaining({ code: 'ERR_REBASE' }));
    checkTargets(app, cfg({ arch: 'arm64' }), true, log);
    expect(log.lines.filter((l) => l.startsWith('Warning: ')).join('\n')).toMatch(/not marked as rebasable[\s\S]*unable to satisfy target/);
    checkTargets(cfg({ labels: { 'io.buildpacks.rebasable': 'true' } }), cfg(), false, log);
  });

  it('envOf reads one variable of the config Env', () => {
    expect(envOf(cfg({ env: ['A=1', 'CNB_PLATFORM_API=0.12', 'B=x=y'] }), 'CNB_PLATFORM_API')).toBe('0.12');
    expect(envOf(cfg({ env: ['B=x=y'] }), 'B')).toBe('x=y');
    expect(envOf(cfg(), 'CNB_PLATFORM_API')).toBeUndefined();
  });
});

describe('rebaser stack checks', () => {
  const stack = (id: string, mixins?: string[]) => cfg({ labels: { 'io.buildpacks.stack.id': id, ...(mixins ? { 'io.buildpacks.stack.mixins': JSON.stringify(mixins) } : {}) } });
  it('RB-10 [REF] stack IDs must be set and equal', () => {
    expect(() => checkStack(stack(''), stack('s'))).toThrow('stack not defined on app image');
    expect(() => checkStack(stack('s'), stack(''))).toThrow('stack not defined on new base image');
    expect(() => checkStack(stack('a'), stack('b'))).toThrow("incompatible stack: 'b' is not compatible with 'a'");
    checkStack(stack('s'), stack('s'));
  });
  it('RB-10 [REF] the new image must provide every app mixin, stage prefixes stripped; bad JSON fails', () => {
    expect(() => checkStack(stack('s', ['build:b', 'run:a', 'c']), stack('s', ['a']))).toThrow('missing required mixin(s): b, c');
    checkStack(stack('s', ['build:b', 'run:a']), stack('s', ['run:b', 'a', 'z']));
    const bad = cfg({ labels: { 'io.buildpacks.stack.id': 's', 'io.buildpacks.stack.mixins': '[oops' } });
    expect(() => checkStack(bad, stack('s'))).toThrow(/app image mixins/);
  });
});
