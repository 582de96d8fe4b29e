import { describe, expect, it } from 'vitest';
import { keyValuePairs, lexWords } from '../../../../src/phase/index.js';

const vars = new Map([['A', 'one'], ['E', '']]);

describe('Dockerfile word expansion', () => {
  it('expands $X, ${X}, modifiers; quotes and escapes', () => {
    expect(lexWords('$A ${A}x "${A} b" \'$A\' \\$A', vars)).toEqual(['one', 'onex', 'one b', '$A', '$A']);
    expect(lexWords('${E:-d} ${E-d} ${A:+alt} ${U+alt} ${U:-${A}}', vars)).toEqual(['d', '', 'alt', '', 'one']);
    expect(lexWords('a  b', vars, { split: false })).toEqual(['a  b']);
  });

  it('key=value pairs and the legacy single pair', () => {
    expect(keyValuePairs('K=v L="a b" M=$A', vars)).toEqual([['K', 'v'], ['L', 'a b'], ['M', 'one']]);
    expect(keyValuePairs('K some value', vars)).toEqual([['K', 'some value']]);
    expect(() => keyValuePairs('K', vars)).toThrow();
  });
});
