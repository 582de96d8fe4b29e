import { describe, expect, it } from 'vitest';
import type { CacheLayerMetadata } from '../../../../src/cache/index.js';
import type { LayerRecord } from '../../../../src/platform/index.js';
import { decideLayers, type LayerDecision } from '../../../../src/phase/restorer/truth-table.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

type Flags = { build: boolean; cache: boolean; launch: boolean };
const img = (f: Flags, sha = A, data: Record<string, unknown> = { from: 'image' }): LayerRecord => ({ sha, data, ...f });
const cached = (f: Flags, sha = A, data: unknown = { from: 'cache' }): CacheLayerMetadata => ({ sha, data, ...f });
const one = (d: LayerDecision[]): LayerDecision | undefined => d.find((x) => x.name === 'l');

/** §7.3 rows, in the checklist's order (build, cache, launch). */
const rows: Array<[string, Flags]> = [
  ['T T T', { build: true, cache: true, launch: true }],
  ['T T F', { build: true, cache: true, launch: false }],
  ['T F T', { build: true, cache: false, launch: true }],
  ['T F F', { build: true, cache: false, launch: false }],
  ['F T T', { build: false, cache: true, launch: true }],
  ['F T F', { build: false, cache: true, launch: false }],
  ['F F T', { build: false, cache: false, launch: true }],
  ['F F F', { build: false, cache: false, launch: false }],
];

/**
 * One previous build recorded the layer with these flags; the exporter wrote `launch` layers to the image
 * label and `cache` layers to the cache with the same diffID. Expected: §7.3 column 4 (metadata) and 5 (contents).
 */
const expected: Record<string, { action: LayerDecision['action']; from?: 'image' | 'cache' }> = {
  'T T T': { action: 'metadata+contents', from: 'image' },
  'T T F': { action: 'metadata+contents', from: 'cache' },
  'T F T': { action: 'skip' },
  'T F F': { action: 'skip' },
  'F T T': { action: 'metadata+contents', from: 'image' },
  'F T F': { action: 'metadata+contents', from: 'cache' },
  'F F T': { action: 'metadata', from: 'image' },
  'F F F': { action: 'skip' },
};

describe('decideLayers: the §7.3 restore truth table', () => {
  for (const launchCacheFromCache of [false, true]) {
    for (const [row, f] of rows) {
      it(`§7.3 row ${row} (≥0.14 rule ${launchCacheFromCache ? 'on' : 'off'})`, () => {
        const d = decideLayers({
          imageLayers: f.launch ? { l: img(f) } : {},
          cacheLayers: f.cache ? { l: cached(f) } : {},
          launchCacheFromCache,
        });
        const got = one(d);
        const want = expected[row]!;
        if (want.action === 'skip') {
          expect(got === undefined || got.action === 'skip').toBe(true);
          return;
        }
        expect(got?.action).toBe(want.action);
        if (got && got.action !== 'skip') {
          expect(got.from).toBe(want.from);
          expect(got.metadata).toEqual({ from: want.from });
        }
        if (got?.action === 'metadata+contents') expect(got.diffId).toBe(A);
      });
    }
  }

  it('RS-06 a cache=true launch layer whose cached diffID differs is restored neither way ("wrong sha")', () => {
    const f = { build: false, cache: true, launch: true };
    const got = one(decideLayers({ imageLayers: { l: img(f, A) }, cacheLayers: { l: cached(f, B) }, launchCacheFromCache: false }));
    expect(got).toMatchObject({ action: 'skip', staleCache: true });
  });

  it('RS-06 a cache=true launch layer missing from the cache (or without a cache) gets no metadata', () => {
    const f = { build: true, cache: true, launch: true };
    expect(one(decideLayers({ imageLayers: { l: img(f) }, cacheLayers: {}, launchCacheFromCache: true }))?.action).toBe('skip');
    const notCached = cached({ ...f, cache: false });
    expect(one(decideLayers({ imageLayers: { l: img(f) }, cacheLayers: { l: notCached }, launchCacheFromCache: true }))?.action).toBe('skip');
  });

  it('RS-09 <0.14: launch+cache metadata never comes from the cache; ≥0.14 it does when the image lacks the layer', () => {
    const f = { build: false, cache: true, launch: true };
    expect(one(decideLayers({ imageLayers: {}, cacheLayers: { l: cached(f) }, launchCacheFromCache: false }))?.action).toBe('skip');
    const got = one(decideLayers({ imageLayers: {}, cacheLayers: { l: cached(f) }, launchCacheFromCache: true }));
    expect(got).toMatchObject({ action: 'metadata+contents', from: 'cache', diffId: A, metadata: { from: 'cache' } });
  });

  it('RS-09 ≥0.14: when the image has the layer its metadata wins over the cache', () => {
    const f = { build: false, cache: true, launch: true };
    const got = one(decideLayers({ imageLayers: { l: img(f) }, cacheLayers: { l: cached(f) }, launchCacheFromCache: true }));
    expect(got).toMatchObject({ action: 'metadata+contents', from: 'image', metadata: { from: 'image' } });
  });

  it('RS-06 a cache record without a valid diffID never restores contents', () => {
    const f = { build: false, cache: true, launch: false };
    expect(one(decideLayers({ imageLayers: {}, cacheLayers: { l: cached(f, '') }, launchCacheFromCache: true }))?.action).toBe('skip');
  });

  it('[REF] an image launch-only record with a cache=true cache record: the cache record decides', () => {
    const lo = { build: false, cache: false, launch: true };
    const c = { build: false, cache: true, launch: false };
    expect(one(decideLayers({ imageLayers: { l: img(lo, A) }, cacheLayers: { l: cached(c, A) }, launchCacheFromCache: false }))?.action).toBe('metadata+contents');
    // a launch=false cache record is written from the cache (after the image's), so its own diffID decides
    expect(one(decideLayers({ imageLayers: { l: img(lo, A) }, cacheLayers: { l: cached(c, B) }, launchCacheFromCache: false }))).toMatchObject({ action: 'metadata+contents', from: 'cache', diffId: B });
  });

  it('non-table metadata (null, arrays) becomes an empty [metadata] table; output is sorted by name', () => {
    const f = { build: false, cache: true, launch: false };
    const d = decideLayers({ imageLayers: {}, cacheLayers: { z: cached(f, A, null), a: cached(f, B, [1]) }, launchCacheFromCache: false });
    expect(d.map((x) => x.name)).toEqual(['a', 'z']);
    for (const x of d) expect(x.action !== 'skip' && x.metadata).toEqual({});
  });
});
