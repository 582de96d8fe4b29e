import { describe, expect, it } from 'vitest';
import { TarRootMapper } from '../../../../src/phase/restorer/tar-root.js';

describe('TarRootMapper: cache tar names → the layer directory', () => {
  it('maps names under the current <layers>/<bp>/<layer>, skips its parents', () => {
    const m = new TarRootMapper('/w/layers/bp/l', ['bp', 'l'], 't');
    expect(m.map('/w')).toBeUndefined();
    expect(m.map('/w/layers')).toBeUndefined();
    expect(m.map('/w/layers/bp/')).toBeUndefined();
    expect(m.map('/w/layers/bp/l')).toBe('');
    expect(m.map('/w/layers/bp/l/a/b')).toBe('a/b');
    expect(m.map('w/layers/bp/l/./c')).toBe('c');
    expect(m.rootIsExpected).toBe(true);
  });

  it('accepts a tar written under another <layers> path (root found by <bp>/<layer>)', () => {
    const m = new TarRootMapper('/new/bp/l', ['bp', 'l'], 't');
    expect(m.map('/layers')).toBeUndefined();
    expect(m.map('/layers/bp')).toBeUndefined();
    expect(m.map('/layers/bp/l')).toBe('');
    expect(m.map('/layers/bp/l/f')).toBe('f');
    expect(m.rootIsExpected).toBe(false);
  });

  it('rejects .. anywhere and entries outside the root after it', () => {
    const m = new TarRootMapper('/w/bp/l', ['bp', 'l'], 't');
    expect(() => m.map('/w/bp/l/../../etc/passwd')).toThrow(/'\.\.'/);
    expect(m.map('/w/bp/l')).toBe('');
    expect(() => m.map('/etc/passwd')).toThrow(/outside the layer directory/);
    expect(() => m.map('/w/bp/other/x')).toThrow(/outside/);
    expect(m.map('/w/bp')).toBeUndefined(); // a repeated parent is harmless
  });

  it('entries before the root that are not its parents are skipped (never written)', () => {
    const m = new TarRootMapper('/w/bp/l', ['bp', 'l'], 't');
    expect(m.map('/etc/passwd')).toBeUndefined();
    expect(m.rootSegments).toBeUndefined();
  });
});
