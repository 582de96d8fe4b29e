import { describe, expect, it } from 'vitest';
import { ApiVersion, catalogFlags, InputResolver } from '../../../src/platform/index.js';
import { parseGoFlags } from '../../../src/cli/go-flags.js';

function resolver(argv: string[], env: Record<string, string> = {}, api = '0.15') {
  const defs = catalogFlags(ApiVersion.parse(api), ['layers', 'group', 'analyzed', 'daemon', 'uid', 'tag', 'order', 'run', 'stack']);
  return new InputResolver(defs, parseGoFlags(argv, defs), env);
}

describe('GEN-01/GEN-06 input precedence', () => {
  it('flag > env > default', () => {
    expect(resolver(['-layers', '/f'], { CNB_LAYERS_DIR: '/e' }).string('layers')).toBe('/f');
    expect(resolver([], { CNB_LAYERS_DIR: '/e' }).string('layers')).toBe('/e');
    expect(resolver([]).string('layers')).toBe('/layers');
  });

  it('<layers>-relative defaults follow the final layers value', () => {
    const r = resolver(['-layers', '/x']);
    expect(r.string('group')).toBe('/x/group.toml');
    expect(r.string('analyzed')).toBe('/x/analyzed.toml');
    expect(resolver(['-layers', '/x', '-group', '/g.toml']).string('group')).toBe('/g.toml');
  });

  it('GEN-07 order falls back to /cnb/order.toml when <layers>/order.toml is absent', () => {
    expect(resolver(['-layers', '/definitely/not/here']).string('order')).toBe('/cnb/order.toml');
  });

  it('GEN-04 booleans from env follow ParseBool, others are false', () => {
    expect(resolver([], { CNB_USE_DAEMON: 'T' }).bool('daemon')).toBe(true);
    expect(resolver([], { CNB_USE_DAEMON: 'yes' }).bool('daemon')).toBe(false);
    expect(resolver(['-daemon=false'], { CNB_USE_DAEMON: 'true' }).bool('daemon')).toBe(false);
  });

  it('GEN-05 an invalid CNB_USER_ID becomes 0', () => {
    expect(resolver([], { CNB_USER_ID: 'abc' }).int('uid')).toBe(0);
    expect(resolver([], { CNB_USER_ID: '1000' }).int('uid')).toBe(1000);
  });

  it('run exists from 0.12 only', () => {
    expect(() => resolver([], {}, '0.11').string('run')).toThrow(/not defined/);
    expect(resolver([], {}, '0.12').string('run')).toBe('/cnb/run.toml');
  });
});

describe('VER-01 API versions', () => {
  it('compares numerically and treats <major> as <major>.0', () => {
    expect(ApiVersion.parse('0.10').atLeast('0.9')).toBe(true);
    expect(ApiVersion.parse('1').equals('1.0')).toBe(true);
    expect(ApiVersion.tryParse('abc')).toBeUndefined();
  });
});
