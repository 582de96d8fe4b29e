import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintDir, FINE_RACY_WINDOW_MS, LayerSelectorCache, RACY_WINDOW_MS, racyWindowMs, type Fingerprint } from '../../../src/cache/index.js';
import type { Digest } from '../../../src/oci/index.js';

const d = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const fp = (c: string, newestChangeMs = 1_000, takenAtMs = 1_000 + RACY_WINDOW_MS + 1): Fingerprint => ({ digest: d(c), entries: 1, newestChangeMs, takenAtMs });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'selectors-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LayerSelectorCache', () => {
  it('records and looks up fingerprint → {diffId, digest, size}', async () => {
    const s = LayerSelectorCache.at(join(dir, 'sel'));
    expect(await s.lookup(fp('a'))).toBeUndefined();
    expect(await s.record(fp('a'), { diffId: d('1'), digest: d('2'), size: 42 })).toBe(true);
    expect(await LayerSelectorCache.at(join(dir, 'sel')).lookup(fp('a'))).toEqual({ diffId: d('1'), digest: d('2'), size: 42 });
    expect(await readdir(join(dir, 'sel'))).toEqual([`${'a'.repeat(64)}.json`]);
  });

  it('records a diffID alone (restorer: the cache tar has no gzip digest)', async () => {
    const s = LayerSelectorCache.at(dir);
    await s.record(fp('b'), { diffId: d('3') });
    expect(await s.lookup(fp('b'))).toEqual({ diffId: d('3') });
  });

  it('refuses racily clean fingerprints (changed within the racy window)', async () => {
    const s = LayerSelectorCache.at(dir);
    const racy = fp('c', 10_000, 10_000 + RACY_WINDOW_MS - 1);
    expect(s.isRacy(racy)).toBe(true);
    expect(await s.record(racy, { diffId: d('1') })).toBe(false);
    expect(await s.lookup(racy)).toBeUndefined();
  });

  it('uses a 50 ms racy window when the file system keeps sub-second times, 2 s otherwise', async () => {
    const s = LayerSelectorCache.at(dir);
    const fine = { ...fp('g', 10_000, 10_000 + FINE_RACY_WINDOW_MS + 1), fineTimestamps: true };
    expect(s.isRacy(fine)).toBe(false);
    expect(s.isRacy({ ...fine, takenAtMs: 10_000 + FINE_RACY_WINDOW_MS - 1 })).toBe(true);
    expect(s.isRacy({ ...fine, fineTimestamps: false })).toBe(true);
    expect(racyWindowMs(fine)).toBe(FINE_RACY_WINDOW_MS);
  });

  it('fingerprints on this machine see sub-second file times', async () => {
    await writeFile(join(dir, 'f.txt'), 'x');
    expect((await fingerprintDir(dir)).fineTimestamps).toBe(true);
  });

  it('treats a corrupt record as a miss', async () => {
    const s = LayerSelectorCache.at(dir);
    await writeFile(join(dir, `${'e'.repeat(64)}.json`), '{"diffId": "sha256:zz"}');
    await writeFile(join(dir, `${'f'.repeat(64)}.json`), '{not json');
    expect(await s.lookup(fp('e'))).toBeUndefined();
    expect(await s.lookup(fp('f'))).toBeUndefined();
  });

  it('prunes records not kept', async () => {
    const s = LayerSelectorCache.at(dir);
    await s.record(fp('a'), { diffId: d('1') });
    await s.record(fp('b'), { diffId: d('2') });
    expect(await s.prune([fp('b')])).toBe(1);
    expect(await s.lookup(fp('a'))).toBeUndefined();
    expect(await s.lookup(fp('b'))).toEqual({ diffId: d('2') });
  });
});
