import { describe, expect, it } from 'vitest';
import { buildpackPlanFor, metNames, removeMet, validateUnmet, type PlanLike } from '../../../../src/buildpack/index.js';
import { isLifecycleError } from '../../../../src/errors/index.js';

const plan: PlanLike = {
  entries: [
    { providers: [{ id: 'a' }, { id: 'b' }], requires: [{ name: 'node', metadata: { v: '1' } }, { name: 'node', metadata: { v: '2' } }] },
    { providers: [{ id: 'b' }], requires: [{ name: 'ruby' }] },
    { providers: [{ id: 'a', extension: true }], requires: [{ name: 'ext-only' }] },
  ],
};

describe('Buildpack Plan (BL-05, BL-06)', () => {
  it('BL-05 a buildpack gets all requires of entries it provided, in plan order; extensions are separate', () => {
    expect(buildpackPlanFor(plan, 'a').entries.map((e) => e.name)).toEqual(['node', 'node']);
    expect(buildpackPlanFor(plan, 'b').entries.map((e) => e.name)).toEqual(['node', 'node', 'ruby']);
    expect(buildpackPlanFor(plan, 'a', true).entries.map((e) => e.name)).toEqual(['ext-only']);
    expect(buildpackPlanFor(plan, 'zzz').entries).toEqual([]);
  });

  it('BL-06 entries are met by default; [[unmet]] names stay', () => {
    const bp = buildpackPlanFor(plan, 'b');
    expect(metNames(bp, [])).toEqual(['node', 'ruby']);
    expect(metNames(bp, [{ name: 'node' }])).toEqual(['ruby']);
  });

  it('BL-06 met names remove whole entries so later providers do not see them', () => {
    expect(removeMet(plan, ['node']).entries.map((e) => e.requires[0]!.name)).toEqual(['ruby', 'ext-only']);
    expect(removeMet(plan, [])).toBe(plan);
  });

  it('BL-06 [REF] an empty or unknown unmet name is ERR_BUILD naming the buildpack and file', () => {
    const bp = buildpackPlanFor(plan, 'a');
    expect(() => validateUnmet([{ name: 'node' }], bp, 'buildpack a', 'build.toml')).not.toThrow();
    for (const bad of ['', 'python']) {
      try {
        validateUnmet([{ name: bad }], bp, 'buildpack a', '/l/a/build.toml');
        expect.unreachable();
      } catch (e) {
        expect(isLifecycleError(e) && e.code).toBe('ERR_BUILD');
        expect((e as Error).message).toContain('/l/a/build.toml');
      }
    }
  });
});
