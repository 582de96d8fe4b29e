import { describe, expect, it } from 'vitest';
import { parseGoFlags } from '../../../src/cli/go-flags.js';
import type { FlagSpec } from '../../../src/platform/index.js';

const SPECS: FlagSpec[] = [
  { name: 'app', kind: 'string' },
  { name: 'daemon', kind: 'bool' },
  { name: 'tag', kind: 'strings' },
  { name: 'uid', kind: 'int' },
];

describe('GEN-02 Go flag syntax', () => {
  it('accepts -name v, --name v and -name=v', () => {
    for (const argv of [['-app', '/a'], ['--app', '/a'], ['-app=/a'], ['--app=/a']]) {
      expect(parseGoFlags(argv, SPECS).values.get('app')).toBe('/a');
    }
  });

  it('booleans take no separate value: -daemon false leaves false positional', () => {
    const r = parseGoFlags(['-daemon', 'false'], SPECS);
    expect(r.values.get('daemon')).toBe(true);
    expect(r.positional).toEqual(['false']);
    expect(parseGoFlags(['-daemon=false'], SPECS).values.get('daemon')).toBe(false);
    expect(parseGoFlags(['-daemon=1'], SPECS).values.get('daemon')).toBe(true);
  });

  it('repeats -tag', () => {
    expect(parseGoFlags(['-tag', 'a', '--tag=b', '-tag', 'c'], SPECS).values.get('tag')).toEqual(['a', 'b', 'c']);
  });

  it('stops at the first positional and reports later flag-like tokens', () => {
    const r = parseGoFlags(['-app', '/a', 'img', '-daemon'], SPECS);
    expect(r.positional).toEqual(['img', '-daemon']);
    expect(r.ignoredFlags).toEqual(['-daemon']);
    expect(r.values.has('daemon')).toBe(false);
  });

  it('-- ends flags', () => {
    expect(parseGoFlags(['--', '-app'], SPECS).positional).toEqual(['-app']);
  });

  it('an unknown flag, a missing value or a bad int is ERR_FLAG', () => {
    expect(() => parseGoFlags(['-nope'], SPECS)).toThrow(/flag provided but not defined: -nope/);
    expect(() => parseGoFlags(['-app'], SPECS)).toThrow(/flag needs an argument/);
    expect(() => parseGoFlags(['-uid', 'x'], SPECS)).toThrow(/invalid value/);
    expect(() => parseGoFlags(['-daemon=maybe'], SPECS)).toThrow(/invalid boolean/);
  });

  it('keeps values that look like numbers or flags verbatim', () => {
    expect(parseGoFlags(['-app', '0010'], SPECS).values.get('app')).toBe('0010');
    expect(parseGoFlags(['-app', '-x'], SPECS).values.get('app')).toBe('-x');
  });
});
