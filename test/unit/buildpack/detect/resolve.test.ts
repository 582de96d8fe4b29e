import { describe, expect, it } from 'vitest';
import { DetectLog, resolveGroup, type DetectOutcome, type DoneElement } from '../../../../src/buildpack/index.js';
import type { DetectBuildPlan } from '../../../../src/platform/index.js';

const el = (id: string, optional = false, extension = false): DoneElement => ({ id, version: '1', api: '0.12', optional, ...(extension ? { extension: true } : {}) });
const req = (...names: string[]) => names.map((name) => ({ name }));
const prov = (...names: string[]) => names.map((name) => ({ name }));
const plan = (requires: string[] = [], provides: string[] = [], or: { requires?: string[]; provides?: string[] }[] = []): DetectBuildPlan => ({
  requires: req(...requires),
  provides: prov(...provides),
  or: or.map((o) => ({ requires: req(...(o.requires ?? [])), provides: prov(...(o.provides ?? [])) })),
});
const pass = (p: DetectBuildPlan = plan()): DetectOutcome => ({ code: 0, output: '', plan: p });
const fail: DetectOutcome = { code: 100, output: '' };

function run(done: DoneElement[], outcomes: DetectOutcome[]) {
  const log = new DetectLog();
  return { r: resolveGroup(done, outcomes, log), lines: log.lines() };
}

describe('group outcome (DT-08..DT-12)', () => {
  it('DT-09 a failing non-optional buildpack fails the group; optional ones are skipped', () => {
    expect(run([el('a'), el('b')], [pass(), fail]).r).toEqual({ kind: 'fail' });
    const { r, lines } = run([el('a'), el('b', true)], [pass(), fail]);
    expect(r).toMatchObject({ kind: 'pass', elements: [{ id: 'a' }] });
    expect(lines).toContain('skip: b@1');
  });

  it('DT-08/DT-12 any other exit code is an error (code printed)', () => {
    const { r, lines } = run([el('a')], [{ code: 3, output: 'boom\n' }]);
    expect(r).toEqual({ kind: 'error' });
    expect(lines).toEqual(['======== Output: a@1 ========', 'boom', '======== Results ========', 'err:  a@1 (3)']);
  });

  it('DT-10 a group where no buildpack passes fails; passing extensions do not count', () => {
    expect(run([el('e', true, true), el('a', true)], [pass(), fail]).r).toEqual({ kind: 'fail' });
  });
});

describe('build plan resolution (DT-14..DT-21)', () => {
  it('DT-21 entries list providers up to the requirer and every require of the name', () => {
    const { r } = run(
      [el('a'), el('b'), el('c')],
      [pass(plan([], ['x'])), pass(plan(['x'], ['x'])), pass({ ...plan(['x']), requires: [{ name: 'x', metadata: { v: 1 } }] })],
    );
    expect(r).toEqual({
      kind: 'pass',
      elements: [el('a'), el('b'), el('c')],
      plan: {
        entries: [
          {
            providers: [
              { id: 'a', version: '1' },
              { id: 'b', version: '1' },
            ],
            requires: [{ name: 'x' }, { name: 'x', metadata: { v: 1 } }],
          },
        ],
      },
    });
  });

  it('DT-15 a non-optional unused provide fails the trial', () => {
    expect(run([el('a')], [pass(plan([], ['x']))]).r).toEqual({ kind: 'fail' });
  });

  it('DT-16 a require with no earlier or same provider fails the trial', () => {
    expect(run([el('a'), el('b')], [pass(plan(['x'])), pass(plan([], ['x']))]).r).toEqual({ kind: 'fail' });
    expect(run([el('a')], [pass(plan(['x'], ['x']))]).r).toMatchObject({ kind: 'pass' });
  });

  it('DT-14 [[or]] alternatives: trials vary the last element fastest; first resolving wins', () => {
    const { r, lines } = run(
      [el('a'), el('b')],
      [pass(plan([], ['x'], [{ provides: ['y'] }])), pass(plan(['z'], [], [{ requires: ['y'] }]))],
    );
    expect(lines.filter((l) => l.startsWith('Resolving'))).toEqual(['Resolving plan... (try #1)', 'Resolving plan... (try #2)', 'Resolving plan... (try #3)', 'Resolving plan... (try #4)']);
    expect(r).toMatchObject({ kind: 'pass', plan: { entries: [{ providers: [{ id: 'a' }], requires: [{ name: 'y' }] }] } });
  });

  it('DT-17 an optional buildpack violating DT-15/16 is excluded and resolution re-evaluated', () => {
    const { r, lines } = run([el('a'), el('o', true), el('b')], [pass(plan([], ['x'])), pass(plan(['nope'], ['y'])), pass(plan(['x']))]);
    expect(r).toMatchObject({ kind: 'pass', elements: [{ id: 'a' }, { id: 'b' }] });
    expect(lines).toContain('skip: o@1 requires nope');
    expect(lines).toContain('2 of 3 buildpacks participating');
  });

  it('DT-17 [REF] an optional element is excludable only with its last candidate', () => {
    // o's first candidate requires "m" (unmet) → the trial fails rather than excluding o; second candidate is empty
    const { r, lines } = run([el('a'), el('o', true)], [pass(), pass(plan(['m'], [], [{}]))]);
    expect(lines).toContain('fail: o@1 requires m');
    expect(r).toMatchObject({ kind: 'pass', elements: [{ id: 'a' }, { id: 'o' }] });
  });

  it('DT-18 an extension providing an unused dependency is excluded', () => {
    const { r } = run([el('e', true, true), el('a')], [pass(plan([], ['x'])), pass()]);
    expect(r).toMatchObject({ kind: 'pass', elements: [{ id: 'a' }] });
  });

  it('DT-21 an extension provider is marked extension = true', () => {
    const { r } = run([el('e', true, true), el('a')], [pass(plan([], ['x'])), pass(plan(['x']))]);
    expect(r).toMatchObject({ kind: 'pass', plan: { entries: [{ providers: [{ id: 'e', version: '1', extension: true }] }] } });
  });

  it('FMT-04 entries may be empty; participants printed padded', () => {
    const { r, lines } = run([el('a'), el('longer')], [pass(), pass()]);
    expect(r).toMatchObject({ kind: 'pass', plan: { entries: [] } });
    expect(lines).toContain('a      1');
    expect(lines).toContain('longer 1');
  });
});
