import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from '../../../src/http/index.js';

describe('parseWwwAuthenticate', () => {
  it('parses a registry bearer challenge with a comma inside a quoted scope', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull,push' } },
    ]);
  });

  it('parses basic challenges, case-insensitive schemes and names, spaces and unquoted values', () => {
    expect(parseWwwAuthenticate('BASIC Realm="Registry Realm"')).toEqual([{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
    expect(parseWwwAuthenticate('Bearer realm=https://a/token , service = reg ')).toEqual([{ scheme: 'bearer', params: { realm: 'https://a/token', service: 'reg' } }]);
    expect(parseWwwAuthenticate('Basic')).toEqual([{ scheme: 'basic', params: {} }]);
  });

  it('parses several challenges in one value and across values', () => {
    expect(parseWwwAuthenticate('Basic realm="a", Bearer realm="b",service="c"')).toEqual([
      { scheme: 'basic', params: { realm: 'a' } },
      { scheme: 'bearer', params: { realm: 'b', service: 'c' } },
    ]);
    expect(parseWwwAuthenticate(['Negotiate abc123==', 'Bearer realm="x",error="insufficient_scope"'])).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc123==' },
      { scheme: 'bearer', params: { realm: 'x', error: 'insufficient_scope' } },
    ]);
  });

  it('unescapes quoted-pairs and tolerates garbage', () => {
    expect(parseWwwAuthenticate('Bearer realm="a\\"b",x=""')).toEqual([{ scheme: 'bearer', params: { realm: 'a"b', x: '' } }]);
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate(',,, ')).toEqual([]);
  });
});
