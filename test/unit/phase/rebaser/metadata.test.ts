import { describe, expect, it } from 'vitest';
import { chooseRunImage, runImageFromMetadata, syncBaseLabels, updateMetadata } from '../../../../src/phase/rebaser/index.js';
import { ApiVersion, emptyLifecycleMetadata, type LifecycleMetadata } from '../../../../src/platform/index.js';
import { memoryLogger } from '../../../../src/sys/index.js';

const v = (s: string) => ApiVersion.parse(s);
const md = (o: Partial<LifecycleMetadata> = {}): LifecycleMetadata => ({ ...emptyLifecycleMetadata(), ...o });
const run = { name: 'reg.test/run:latest', topLayer: 'sha256:new', reference: 'reg.test/run@sha256:abc' };

describe('rebaser label updates', () => {
  it('RB-06 sets topLayer and reference; keeps image, mirrors and stack', () => {
    const m = md({ runImage: { topLayer: 'sha256:old', reference: 'x', image: 'reg.test/run', mirrors: ['m.test/run'] }, stack: { runImage: { image: 'reg.test/run' } } });
    const out = updateMetadata(m, run, { platformApi: v('0.12'), force: false, logger: memoryLogger() });
    expect(out.runImage).toEqual({ topLayer: 'sha256:new', reference: 'reg.test/run@sha256:abc', image: 'reg.test/run', mirrors: ['m.test/run'] });
    expect(out.stack).toEqual(m.stack);
  });

  it('RB-08/RB-09 an unknown run image fails without force; with force it replaces runImage and stack', () => {
    const m = md({ runImage: { topLayer: 'a', reference: 'b', image: 'reg.test/other', mirrors: ['m.test/x'] } });
    const log = memoryLogger();
    expect(() => updateMetadata(m, run, { platformApi: v('0.15'), force: false, logger: log })).toThrow(/not found in existing run image metadata: \{"image":"reg.test\/other","mirrors":\["m.test\/x"\]\}; please provide -force/);
    const out = updateMetadata(m, run, { platformApi: v('0.15'), force: true, logger: log });
    expect(out.runImage).toEqual({ topLayer: 'sha256:new', reference: 'reg.test/run@sha256:abc', image: run.name });
    expect(out.stack).toEqual({ runImage: { image: run.name } });
    // below 0.12 the name is not checked
    expect(updateMetadata(m, run, { platformApi: v('0.11'), force: false, logger: log }).runImage.image).toBe('reg.test/other');
  });

  it('RB-07 base.* (≥0.12) and stack.* labels are replaced by the new image values', () => {
    const app = { 'io.buildpacks.base.a': 'old', 'io.buildpacks.stack.a': 'old', 'io.buildpacks.stack.b': 'old', keep: 'me', 'io.buildpacks.rebasable': 'true' };
    const base = { 'io.buildpacks.base.c': 'new', 'io.buildpacks.stack.b': 'new', other: 'not copied' };
    expect(syncBaseLabels(app, base, v('0.12'))).toEqual({ keep: 'me', 'io.buildpacks.rebasable': 'true', 'io.buildpacks.base.c': 'new', 'io.buildpacks.stack.b': 'new' });
    expect(syncBaseLabels(app, base, v('0.11'))).toEqual({ keep: 'me', 'io.buildpacks.rebasable': 'true', 'io.buildpacks.base.a': 'old', 'io.buildpacks.stack.b': 'new' });
  });
});

describe('rebaser run image choice', () => {
  const withBoth = md({ runImage: { topLayer: '', reference: '', image: 'a.test/run', mirrors: ['b.test/run'] }, stack: { runImage: { image: 's.test/run' } } });
  it('RB-04 ≥0.12 reads runImage, then stack; <0.12 reads stack only', () => {
    expect(runImageFromMetadata(withBoth, v('0.12'))).toEqual({ image: 'a.test/run', mirrors: ['b.test/run'] });
    expect(runImageFromMetadata(withBoth, v('0.11'))).toEqual({ image: 's.test/run', mirrors: [] });
    expect(runImageFromMetadata(md({ stack: { runImage: { image: 's.test/run' } } }), v('0.15'))).toEqual({ image: 's.test/run', mirrors: [] });
    expect(runImageFromMetadata(md(), v('0.15'))).toBeUndefined();
  });

  it('RB-04/RI-01 -run-image wins; else same registry as the app, else first readable; none → ERR_REBASE; no metadata → ERR_INVALID_ARGS', async () => {
    const all = async () => true;
    expect(await chooseRunImage({ runImage: 'x.test/r', metadata: withBoth, appRef: 'b.test/app', platformApi: v('0.15'), canRead: all })).toBe('x.test/r');
    expect(await chooseRunImage({ metadata: withBoth, appRef: 'b.test/app', platformApi: v('0.15'), canRead: all })).toBe('b.test/run');
    expect(await chooseRunImage({ metadata: withBoth, appRef: 'c.test/app', platformApi: v('0.15'), canRead: all })).toBe('a.test/run');
    const onlyB = async (r: string) => r.startsWith('b.test');
    expect(await chooseRunImage({ metadata: withBoth, appRef: 'a.test/app', platformApi: v('0.15'), canRead: onlyB })).toBe('b.test/run');
    await expect(chooseRunImage({ metadata: withBoth, appRef: 'a.test/app', platformApi: v('0.15'), canRead: async () => false })).rejects.toMatchObject({ code: 'ERR_REBASE' });
    await expect(chooseRunImage({ metadata: md(), appRef: 'a.test/app', platformApi: v('0.15'), canRead: all })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGS' });
  });
});
