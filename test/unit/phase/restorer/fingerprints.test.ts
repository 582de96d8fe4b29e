import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dirEntries, TAR_MTIME } from '../../../../src/archive/index.js';
import { fingerprintDir, LayerSelectorCache, RACY_WINDOW_MS } from '../../../../src/cache/index.js';
import type { Digest } from '../../../../src/oci/index.js';
import { layerFingerprintSalt, recordRestoredLayers, walkMatchesHeaders } from '../../../../src/phase/restorer/fingerprints.js';
import type { RestoredHeader } from '../../../../src/phase/restorer/layer-extract.js';

const ids = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
const DIFF = `sha256:${'d'.repeat(64)}` as Digest;
let root: string;
let layer: string;

/** The headers the exporter's walk gives for `dir` (what a matching cache tar holds). */
async function headersOf(dir: string): Promise<RestoredHeader[]> {
  const out: RestoredHeader[] = [];
  for await (const e of dirEntries(dir, ids)) {
    out.push({ path: e.path, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, size: e.type === 'file' ? (e.size ?? 0) : 0, linkname: e.linkname ?? '', mtimeMs: TAR_MTIME.getTime() });
  }
  return out;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'restorer-fp-'));
  layer = join(root, 'layers', 'bp', 'l');
  await mkdir(join(layer, 'd'), { recursive: true });
  await writeFile(join(layer, 'd', 'f'), 'x');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('restorer fingerprints (issue: skip re-tarring restored layers)', () => {
  it('waits out the racy window once (injected clock and sleep), then records fingerprint → diffID', async () => {
    let now = Date.now();
    const clock = { now: () => new Date(now) };
    const waits: number[] = [];
    const sleep = async (ms: number) => void (waits.push(ms), (now += ms));
    const selectors = LayerSelectorCache.at(join(root, 'sel'));
    const n = await recordRestoredLayers([{ dir: layer, diffId: DIFF, headers: await headersOf(layer) }], { selectors, ...ids, clock, sleep });
    expect(n).toBe(1);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(RACY_WINDOW_MS + 20);
    const fp = await fingerprintDir(layer, { salt: await layerFingerprintSalt(layer, ids), clock });
    expect(await selectors.lookup(fp)).toEqual({ diffId: DIFF });
  });

  it('with changedBeforeMs, waits once before the only walk and records fingerprint → diffID', async () => {
    let now = Date.now();
    const clock = { now: () => new Date(now) };
    const waits: number[] = [];
    const sleep = async (ms: number) => void (waits.push(ms), (now += ms));
    const selectors = LayerSelectorCache.at(join(root, 'sel'));
    const n = await recordRestoredLayers([{ dir: layer, diffId: DIFF, headers: await headersOf(layer) }], { selectors, ...ids, clock, sleep, changedBeforeMs: now });
    expect(n).toBe(1);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeLessThanOrEqual(RACY_WINDOW_MS + 20);
    const fp = await fingerprintDir(layer, { salt: await layerFingerprintSalt(layer, ids), clock });
    expect(await selectors.lookup(fp)).toEqual({ diffId: DIFF });
  });

  it('with changedBeforeMs, a layer changed after that time is still not recorded while racy', async () => {
    const now = Date.now();
    const clock = { now: () => new Date(now) }; // time stands still: every fingerprint is racy
    const selectors = LayerSelectorCache.at(join(root, 'sel'));
    const n = await recordRestoredLayers([{ dir: layer, diffId: DIFF, headers: await headersOf(layer) }], { selectors, ...ids, clock, sleep: async () => undefined, changedBeforeMs: now - 10 * RACY_WINDOW_MS });
    expect(n).toBe(0);
  });

  it('does not wait when the directory is already older than the window', async () => {
    const clock = { now: () => new Date(Date.now() + 10 * RACY_WINDOW_MS) };
    const waits: number[] = [];
    const selectors = LayerSelectorCache.at(join(root, 'sel'));
    const n = await recordRestoredLayers([{ dir: layer, diffId: DIFF, headers: await headersOf(layer) }], { selectors, ...ids, clock, sleep: async (ms) => void waits.push(ms) });
    expect(n).toBe(1);
    expect(waits).toEqual([]);
  });

  it('records nothing when the walk differs from the cached tar headers (mode, owner, extra entry, mtime)', async () => {
    const good = await headersOf(layer);
    const clock = { now: () => new Date(Date.now() + 10 * RACY_WINDOW_MS) };
    const selectors = LayerSelectorCache.at(join(root, 'sel'));
    const variants: RestoredHeader[][] = [
      good.map((h, i) => (i === good.length - 1 ? { ...h, mode: 0o600 } : h)),
      good.map((h, i) => (i === good.length - 1 ? { ...h, uid: h.uid + 1 } : h)),
      good.map((h, i) => (i === 0 ? { ...h, mtimeMs: 0 } : h)),
      good.slice(0, -1),
      [...good, { ...good[good.length - 1]!, path: `${layer}/zzz` }],
    ];
    for (const headers of variants) {
      expect(await walkMatchesHeaders(layer, headers, ids)).toBe(false);
      expect(await recordRestoredLayers([{ dir: layer, diffId: DIFF, headers }], { selectors, ...ids, clock })).toBe(0);
    }
    expect(await walkMatchesHeaders(layer, good, ids)).toBe(true);
  });

  it('the salt changes with uid/gid and with the parents\' mode (the tar carries them)', async () => {
    const a = await layerFingerprintSalt(layer, ids);
    expect(await layerFingerprintSalt(layer, { uid: ids.uid + 1, gid: ids.gid })).not.toBe(a);
    const { chmod } = await import('node:fs/promises');
    await chmod(join(root, 'layers', 'bp'), 0o700);
    expect(await layerFingerprintSalt(layer, ids)).not.toBe(a);
  });
});
