import { describe, expect, it } from 'vitest';
import { goMatch } from '../../../../src/phase/exporter/go-glob.js';

describe('goMatch (Go path.Match, LY-21)', () => {
  it.each([
    ['*.js', 'index.js', true],
    ['*.js', 'lib/index.js', false],
    ['lib/*.js', 'lib/index.js', true],
    ['static', 'static', true],
    ['stat?c', 'static', true],
    ['st[a-c]tic', 'static', true],
    ['st[^a]tic', 'static', false],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['*', 'a/b', false],
    ['a*b*c', 'aXbYc', true],
    ['[', 'a', false],
  ])('%s vs %s → %s', (p, s, want) => {
    expect(goMatch(p, s)).toBe(want);
  });
});
