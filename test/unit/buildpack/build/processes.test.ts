import { describe, expect, it } from 'vitest';
import { checkBuildpackProcesses, ProcessMap, type BuildpackProcess } from '../../../../src/buildpack/index.js';

const p = (type: string, buildpackId: string, dflt = false): BuildpackProcess => ({ type, command: [type], args: [], default: dflt, buildpackId });

describe('ProcessMap (BL-11, BL-12, PR-03)', () => {
  it('BL-11 a later buildpack replaces a type; list is sorted by type', () => {
    const m = new ProcessMap();
    m.add([p('web', 'a'), p('worker', 'a')]);
    m.add([p('web', 'b'), p('api', 'b')]);
    expect(m.list().map((x) => `${x.type}:${x.buildpackId}`)).toEqual(['api:b', 'web:b', 'worker:a']);
  });

  it('BL-12 the last default wins', () => {
    const m = new ProcessMap();
    m.add([p('web', 'a', true)]);
    m.add([p('cli', 'b', true)]);
    expect(m.defaultType).toBe('cli');
  });

  it('BL-12 a non-default redefinition of the default clears it with a warning; another type does not', () => {
    const m = new ProcessMap();
    m.add([p('web', 'a', true)]);
    expect(m.add([p('worker', 'b')])).toBeUndefined();
    expect(m.defaultType).toBe('web');
    expect(m.add([p('web', 'c')])).toMatch(/web/);
    expect(m.defaultType).toBeUndefined();
  });
});

describe('checkBuildpackProcesses (BL-13, BL-15)', () => {
  it('BL-13 more than one default is an error', () => {
    expect(checkBuildpackProcesses([p('a', 'x', true), p('b', 'x', true)]).error).toMatch(/multiple default/);
  });
  it('BL-15 REF-forbidden characters and empty types are errors; other spec violations warn', () => {
    for (const t of ['', 'a/b', 'a:b', 'a|b', 'a\\b', 'a>b']) expect(checkBuildpackProcesses([p(t, 'x')]).error, t).toBeDefined();
    const r = checkBuildpackProcesses([p('has space', 'x'), p('ok.type_1-x', 'x'), p('ok.type_1-x', 'x')]);
    expect(r.error).toBeUndefined();
    expect(r.warnings).toHaveLength(2);
  });
});
