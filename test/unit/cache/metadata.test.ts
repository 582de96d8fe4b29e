import { describe, expect, it } from 'vitest';
import {
  emptyCacheMetadata,
  encodeCacheMetadata,
  parseCacheMetadata,
  referencedDiffIds,
  type CacheMetadata,
} from '../../../src/cache/index.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

const sample: CacheMetadata = {
  sbom: { sha: B },
  buildpacks: [
    {
      key: 'example/node',
      version: '1.0.0',
      layers: {
        zeta: { sha: A, data: { version: '<20>', a: 1 }, build: true, launch: false, cache: true },
        alpha: { sha: '', data: null, build: false, launch: false, cache: true },
      },
    },
  ],
};

describe('cache metadata (FMT-28)', () => {
  it('encodes like REF json.Marshal: field order, sorted layer names, Go escaping', () => {
    expect(encodeCacheMetadata(sample)).toBe(
      `{"sbom":{"sha":"${B}"},"buildpacks":[{"key":"example/node","version":"1.0.0","layers":{` +
        `"alpha":{"sha":"","data":null,"build":false,"launch":false,"cache":true},` +
        `"zeta":{"sha":"${A}","data":{"a":1,"version":"\\u003c20\\u003e"},"build":true,"launch":false,"cache":true}}}]}`,
    );
  });

  it('round-trips', () => {
    expect(parseCacheMetadata(encodeCacheMetadata(sample), 'x')).toEqual(sample);
  });

  it('takes Go zero values for missing fields, null buildpacks included', () => {
    expect(parseCacheMetadata('{}', 'x')).toEqual(emptyCacheMetadata());
    expect(parseCacheMetadata('null', 'x')).toEqual(emptyCacheMetadata());
    expect(parseCacheMetadata('{"sbom":{},"buildpacks":null}', 'x')).toEqual(emptyCacheMetadata());
    const m = parseCacheMetadata('{"buildpacks":[{"key":"k","layers":{"l":{"sha":"s"}},"extra":1}]}', 'x');
    expect(m.buildpacks[0]).toEqual({ key: 'k', version: '', layers: { l: { sha: 's', data: null, build: false, launch: false, cache: false } } });
  });

  it('rejects non-JSON and wrong types with ERR_CACHE naming the source', () => {
    expect(() => parseCacheMetadata('{', '/c/committed/meta')).toThrow(/\/c\/committed\/meta: not JSON/);
    expect(() => parseCacheMetadata('{"buildpacks":{}}', 'm')).toThrow(/buildpacks is not an array/);
    expect(() => parseCacheMetadata('{"buildpacks":[{"layers":{"l":{"cache":"yes"}}}]}', 'm')).toThrow(/cache is not a boolean/);
    expect(() => parseCacheMetadata('[]', 'm')).toThrow(expect.objectContaining({ code: 'ERR_CACHE' }));
  });

  it('lists referenced diffIDs', () => {
    expect(referencedDiffIds(sample).sort()).toEqual([A, B]);
  });
});
