import { describe, expect, it } from 'vitest';
import { compareNames } from '../../../src/archive/index.js';

describe('compareNames (byte / code point order, as Go sort.Strings)', () => {
  it('orders ASCII bytewise (uppercase first, shorter prefix first)', () => {
    expect(['b', 'a.txt', 'a', 'B', 'a-b'].sort(compareNames)).toEqual(['B', 'a', 'a-b', 'a.txt', 'b']);
  });
  it('puts supplementary characters after U+E000-FFFF (UTF-8 order, unlike UTF-16)', () => {
    const astral = '\u{1F600}';
    const bmp = '\uFF21';
    expect([astral, bmp].sort(compareNames)).toEqual([bmp, astral]);
    expect(Buffer.compare(Buffer.from(bmp), Buffer.from(astral))).toBe(-1);
  });
});
