import { describe, expect, it } from 'vitest';
import { entrypointFor, imagePath, setEnv } from '../../../../src/phase/exporter/compose.js';

describe('image config helpers', () => {
  it('EP-14 entrypoint', () => {
    expect(entrypointFor(['web', 'worker'], 'worker', 'web')).toBe('/cnb/process/worker');
    expect(entrypointFor(['web'], 'nope', 'web')).toEqual({ error: expect.stringContaining('nope') });
    expect(entrypointFor(['web'], undefined, 'web')).toBe('/cnb/process/web');
    expect(entrypointFor(['web'], undefined, undefined)).toBe('/cnb/lifecycle/launcher');
    expect(entrypointFor([], undefined, undefined)).toBe('/cnb/lifecycle/launcher');
  });
  it('EP-15 ERRATA-14 PATH and setEnv', () => {
    expect(imagePath('/usr/bin:/bin')).toBe('/cnb/process:/cnb/lifecycle:/usr/bin:/bin');
    expect(imagePath(undefined)).toBe('/cnb/process:/cnb/lifecycle');
    const env = ['A=1', 'PATH=/bin'];
    setEnv(env, 'PATH', 'x');
    setEnv(env, 'B', '2');
    expect(env).toEqual(['A=1', 'PATH=x', 'B=2']);
  });
});
