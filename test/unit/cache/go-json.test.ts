import { describe, expect, it } from 'vitest';
import { goJson, goString, goStruct, goTime } from '../../../src/cache/go-json.js';

describe('go-json (Go encoding/json byte compatibility)', () => {
  it('escapes <, >, & and U+2028/9 as Go does', () => {
    expect(goString('a<b>&c\u2028\u2029')).toBe('"a\\u003cb\\u003e\\u0026c\\u2028\\u2029"');
    expect(goString('tab\tnl\n"q"\\')).toBe('"tab\\tnl\\n\\"q\\"\\\\"');
  });

  it('sorts map keys byte-wise, integer-like keys included', () => {
    expect(goJson({ b: 1, a: [true, null], '10': 'x', '9': 'y' })).toBe('{"10":"x","9":"y","a":[true,null],"b":1}');
  });

  it('encodes nested maps sorted and drops undefined values', () => {
    expect(goJson({ z: { y: 1, x: { w: 'v' } }, u: undefined })).toBe('{"z":{"x":{"w":"v"},"y":1}}');
  });

  it('formats times as RFC 3339 without zero fractions', () => {
    expect(goTime(new Date('2020-01-02T03:04:05.000Z'))).toBe('2020-01-02T03:04:05Z');
    expect(goTime(new Date('2020-01-02T03:04:05.120Z'))).toBe('2020-01-02T03:04:05.12Z');
  });

  it('keeps struct field order and omits undefined fields', () => {
    expect(goStruct([['b', '1'], ['a', undefined], ['c', '"x"']])).toBe('{"b":1,"c":"x"}');
  });
});
